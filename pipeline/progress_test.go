package pipeline

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rankfile/crawl"
)

func TestProgressBar(t *testing.T) {
	var out bytes.Buffer
	b := newProgressBar(&out)
	b.update(crawl.Progress{Queued: 40, Finished: 10, Failed: 1, Elapsed: 2 * time.Second})
	got := out.String()
	for _, want := range []string{"5 pages/s", "queue 30", "errors 1", "10/40"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress bar %q lacks %q", got, want)
		}
	}
	b.finish()
}
