package pipeline

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"rankfile/crawl"
)

// progressBar draws a crawl's progress on a terminal: pages done of pages
// queued, pages per second and failures.
type progressBar struct {
	mu   sync.Mutex
	bar  *progressbar.ProgressBar
	last time.Time // of the last redraw
}

func newProgressBar(w io.Writer) *progressBar {
	return &progressBar{bar: progressbar.NewOptions64(1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("crawl"),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)}
}

func (b *progressBar) update(p crawl.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if now := time.Now(); now.Sub(b.last) >= 100*time.Millisecond || p.Finished == p.Queued {
		b.last = now
	} else {
		return // a redraw every 100 ms is enough for a person
	}
	rate := float64(p.Finished) / max(p.Elapsed.Seconds(), 0.001)
	b.bar.ChangeMax64(max(p.Queued, 1))
	b.bar.Describe(fmt.Sprintf("crawl: %.0f pages/s, queue %d, errors %d", rate, p.Queued-p.Finished, p.Failed))
	b.bar.Set64(p.Finished)
}

func (b *progressBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Finish()
}
