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

// counterBar draws the progress of a long stage (extraction, indexing,
// an import): items done, of a total when one is known, and their rate.
type counterBar struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	done  int64
	start time.Time
	last  time.Time
	what  string
	label string
}

func newCounterBar(w io.Writer, label, what string) *counterBar {
	return &counterBar{label: label, what: what, start: time.Now(), bar: progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)}
}

// max sets the total, when it is known.
func (b *counterBar) max(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.ChangeMax64(max(n, 1))
}

func (b *counterBar) add(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += int64(n)
	if now := time.Now(); now.Sub(b.last) >= 100*time.Millisecond {
		b.last = now
		rate := float64(b.done) / max(now.Sub(b.start).Seconds(), 0.001)
		b.bar.Describe(fmt.Sprintf("%s: %.0f %s/s", b.label, rate, b.what))
		b.bar.Set64(b.done)
	}
}

func (b *counterBar) finish() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bar.Set64(b.done)
	b.bar.Finish()
}
