package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"rankfile/archive"
)

// workersDir holds, under a data directory, the folder of each worker of a
// shared crawl that writes there: workers/NAME/ is the worker's own data
// directory (its archive, reports and sites file).
const workersDir = "workers"

// WorkerDir is the data directory of worker name under the data directory
// dir: several workers may share dir, each writing into its own folder.
func WorkerDir(dir, name string) string { return filepath.Join(dir, workersDir, name) }

// Merge brings the WARC files of other archives into this one, as the
// workers of a shared crawl leave them, and extracts and indexes what they
// add: one capture index over all of them, in which a revisit resolves to
// its original whichever worker wrote it. Each dir is a data directory
// (its archive/, and the archive of each worker under its workers/) or an
// archive folder itself. A worker killed while writing has its last file
// finished first (as the crawl would on its next start); a worker still
// running is refused (its archive is locked). Files merged before add
// nothing: merging again after more crawling adds only the new files.
func (p *Pipeline) Merge(ctx context.Context, dirs []string) error {
	own, _ := filepath.Abs(p.path(archiveDir))
	var files []string
	for _, d := range dirs {
		arcs, err := archiveDirs(d)
		if err != nil {
			return err
		}
		for _, dir := range arcs {
			if abs, _ := filepath.Abs(dir); abs == own {
				continue // this archive itself
			}
			got, err := warcFiles(dir, p)
			if err != nil {
				return err
			}
			files = append(files, got...)
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("no WARC files in %v", dirs)
	}
	return p.Import(ctx, files, false)
}

// archiveDirs lists the archive folders of d: those of its workers and its
// own archive/, or d itself when it has neither.
func archiveDirs(d string) ([]string, error) {
	if _, err := os.Stat(d); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	var dirs []string
	workers, _ := filepath.Glob(filepath.Join(d, workersDir, "*", archiveDir))
	dirs = append(dirs, workers...)
	if fi, err := os.Stat(filepath.Join(d, archiveDir)); err == nil && fi.IsDir() {
		dirs = append(dirs, filepath.Join(d, archiveDir))
	}
	if len(dirs) == 0 {
		dirs = []string{d}
	}
	return dirs, nil
}

// warcFiles returns the paths of the finished WARC files of the archive in
// dir, after finishing those a killed writer left open.
func warcFiles(dir string, p *Pipeline) ([]string, error) {
	arc, err := archive.Open(dir, archive.Options{Logger: p.logger()})
	if errors.Is(err, archive.ErrLocked) {
		return nil, fmt.Errorf("merge %s: a crawl is still writing to it: %w", dir, err)
	}
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", dir, err)
	}
	names, err := arc.Files()
	if cerr := arc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("merge %s: %w", dir, err)
	}
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = filepath.Join(dir, n)
	}
	return paths, nil
}
