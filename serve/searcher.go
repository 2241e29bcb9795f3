package serve

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"rankfile/index"
)

// searcher holds the search index open read-only and reopens it when a
// rebuild has replaced it, so a long-running server sees new crawls.
type searcher struct {
	dir      string
	acronyms func() map[string]string // the sites file's, given to each index opened

	mu sync.RWMutex // held shared by searches, exclusively to swap ix
	ix *index.Index

	reopen sync.Mutex // one reopen at a time
}

// search runs q on the current index.
func (s *searcher) search(ctx context.Context, q index.Query) (*index.Result, error) {
	if err := s.refresh(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ix == nil {
		return nil, ErrNoIndex
	}
	return s.ix.Search(ctx, q)
}

// records calls fn with every record version q matches (see
// index.Index.Records).
func (s *searcher) records(ctx context.Context, q index.Query, fn func(index.Version) error) error {
	if err := s.refresh(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ix == nil {
		return ErrNoIndex
	}
	return s.ix.Records(ctx, q, fn)
}

// fresh reports whether an index is open and not replaced.
func (s *searcher) fresh() bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.ix != nil && !s.ix.Stale()
}

// refresh opens the index if none is open or the open one was replaced.
// When the directory holds no index for a moment (a rebuild swapping it
// without renameat2), the old index goes on serving.
func (s *searcher) refresh() error {
	if s.fresh() {
		return nil
	}
	s.reopen.Lock()
	defer s.reopen.Unlock()
	if s.fresh() {
		return nil
	}
	ix, err := index.OpenReadOnly(s.dir)
	if errors.Is(err, index.ErrNoIndex) {
		return nil // search answers ErrNoIndex, or the old index serves
	}
	if err != nil {
		return fmt.Errorf("open search index: %w", err)
	}
	if s.acronyms != nil {
		ix.SetAcronyms(s.acronyms())
	}
	s.mu.Lock()
	old := s.ix
	s.ix = ix
	s.mu.Unlock()
	if old != nil {
		return old.Close() // no search holds it: they hold mu shared
	}
	return nil
}

// close closes the open index.
func (s *searcher) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ix == nil {
		return nil
	}
	err := s.ix.Close()
	s.ix = nil
	return err
}

// siteAcronyms returns the acronyms of the sites file of the last crawl,
// acronym -> site name.
func (s *Server) siteAcronyms() map[string]string {
	m := map[string]string{}
	s.records.view(func(snap *recordSnap) error {
		if snap.sites != nil {
			for _, site := range snap.sites.Sites {
				if site.Acronym != "" {
					m[site.Acronym] = site.Name
				}
			}
		}
		return nil
	})
	return m
}
