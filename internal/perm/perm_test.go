package perm

import (
	"os"
	"path/filepath"
	"testing"
)

// TestModes: the temporary files and folders, and a tree a library wrote
// 0600/0700, get the modes the umask gives, whatever it is.
func TestModes(t *testing.T) {
	dir := t.TempDir()
	f, err := CreateTemp(dir, ".records-*.tmp")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	d, err := MkdirTemp(dir, ".index.build-*")
	if err != nil {
		t.Fatal(err)
	}
	lib := filepath.Join(d, "store")
	os.Mkdir(lib, 0o700)
	os.WriteFile(filepath.Join(lib, "root.bolt"), nil, 0o600)
	if err := Tree(d); err != nil {
		t.Fatal(err)
	}
	want := map[string]os.FileMode{f.Name(): 0o666 &^ umask, d: 0o777 &^ umask, lib: 0o777 &^ umask, filepath.Join(lib, "root.bolt"): 0o666 &^ umask}
	for p, m := range want {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != m {
			t.Errorf("%s: mode %v, want %v under umask %03o", filepath.Base(p), st.Mode().Perm(), m, umask)
		}
	}
	if umask&0o040 == 0 && (File()&0o040 == 0 || Dir()&0o050 != 0o050) {
		t.Errorf("File %v, Dir %v: not group-readable under umask %03o", File(), Dir(), umask)
	}
}
