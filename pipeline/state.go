package pipeline

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/record"
)

// stateFile records the crawl under way, so that a run killed part way is
// resumed by the next one.
const stateFile = "crawl-state.json"

// crawlState is the content of stateFile.
type crawlState struct {
	CrawlID  string    `json:"crawl_id"`
	Started  time.Time `json:"started"`
	Sites    string    `json:"sites_sha1"` // the sites file the crawl follows
	Finished bool      `json:"finished"`
	// Extracted is set once the crawl's captures are extracted and indexed;
	// a crawl finished but not extracted (killed in between) is extracted by
	// the next run.
	Extracted bool `json:"extracted"`
	// Previous names a finished crawl whose extraction the kill cut short.
	Previous string `json:"previous_unextracted,omitempty"`
}

// chooseCrawl returns the crawl to run: the unfinished one the state file
// names when it follows the same sites file, else a new one. The caller
// records the choice, under the archive's lock, before any fetch.
func (p *Pipeline) chooseCrawl(sites []byte, now time.Time) (crawlState, bool, error) {
	sum := sha1.Sum(sites)
	digest := hex.EncodeToString(sum[:])
	var st crawlState
	data, err := os.ReadFile(p.path(stateFile))
	switch {
	case err == nil:
		if json.Unmarshal(data, &st) == nil && !st.Finished && st.Sites == digest && st.CrawlID != "" {
			return st, true, nil
		}
		if st.Finished && !st.Extracted && st.CrawlID != "" {
			return crawlState{CrawlID: crawl.NewCrawlID(), Started: now.UTC(), Sites: digest, Previous: st.CrawlID}, false, nil
		}
	case !errors.Is(err, os.ErrNotExist):
		return st, false, fmt.Errorf("read crawl state: %w", err)
	}
	return crawlState{CrawlID: crawl.NewCrawlID(), Started: now.UTC(), Sites: digest}, false, nil
}

func (p *Pipeline) saveState(st crawlState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(p.path(stateFile), append(data, '\n'))
}

// resumeFrom hands the crawler the captures the crawl id already archived.
func resumeFrom(arc *archive.Archive, id string) crawl.ResumeFunc {
	return func(ctx context.Context, fn func(record.Capture) error) error {
		return arc.CapturesIn(ctx, ofCrawls(id), fn)
	}
}

// ofCrawls matches the names of the WARC files a crawl wrote.
func ofCrawls(ids ...string) func(file string) bool {
	return func(file string) bool {
		for _, id := range ids {
			if strings.HasPrefix(file, "rankfile-"+id+"-") {
				return true
			}
		}
		return false
	}
}
