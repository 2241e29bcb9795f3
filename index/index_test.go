package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestOpen(t *testing.T) {
	for _, tt := range []struct {
		name     string
		prepare  func(t *testing.T, dir string)
		readOnly bool
		wantErr  error
	}{
		{"creates a missing index", func(*testing.T, string) {}, false, nil},
		{"fills an empty directory", func(t *testing.T, dir string) { mkdir(t, dir) }, false, nil},
		{"reopens an index", func(t *testing.T, dir string) { mustBuild(t, dir, mustCorpus(t)) }, false, nil},
		{"read-only needs an index", func(*testing.T, string) {}, true, ErrNoIndex},
		{"read-only opens an index", func(t *testing.T, dir string) { mustBuild(t, dir, mustCorpus(t)) }, true, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data", "index")
			tt.prepare(t, dir)
			open := Open
			if tt.readOnly {
				open = OpenReadOnly
			}
			x, err := open(dir)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("got error %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			defer x.Close()
			if _, err := x.Search(context.Background(), Query{}); err != nil {
				t.Error(err)
			}
			err = x.Add(nil)
			if tt.readOnly && !errors.Is(err, ErrReadOnly) {
				t.Errorf("Add on read-only index: got %v, want ErrReadOnly", err)
			}
			if !tt.readOnly && err != nil {
				t.Errorf("Add: %v", err)
			}
		})
	}
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestIndex_Close(t *testing.T) {
	x, err := Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := x.Add(mustCorpus(t)); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close: got %v, want ErrClosed", err)
	}
}
