package archive

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// isWACZ reports whether the file at p is a WACZ package (a zip file
// named .wacz), as Browsertrix, ArchiveWeb.page and rankfile's export
// write them.
func isWACZ(p string) bool {
	if !strings.EqualFold(path.Ext(p), ".wacz") {
		return false
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	var magic [4]byte
	_, err = io.ReadFull(f, magic[:])
	return err == nil && string(magic[:]) == "PK\x03\x04"
}

// importWACZ imports the WARC files a WACZ package holds under archive/,
// each as Import imports a file of its own: read leniently, nothing kept
// twice, damage refused (or salvaged). Its page lists, indexes and
// datapackage are the package's own and are left: the archive indexes
// the records itself. Each entry is read from a copy in the archive
// directory (Open removes one a killed import left), named in messages
// and imports.jsonl as PACKAGE#archive/NAME.
func (a *Archive) importWACZ(ctx context.Context, p string, salvage bool) ([]Imported, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, fmt.Errorf("%w: WACZ package: %w", ErrHeader, err)
	}
	defer zr.Close()
	var got []Imported
	var errs []error
	n := 0
	for _, f := range zr.File {
		name := f.Name
		if !strings.HasPrefix(name, "archive/") || !isWARCName(strings.ToLower(path.Base(name))) {
			continue
		}
		n++
		if err := ctx.Err(); err != nil {
			return got, errors.Join(append(errs, err)...)
		}
		label := p + "#" + name
		tmp, err := a.extractEntry(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", label, err))
			continue
		}
		imp, err := a.importFile(ctx, source{path: tmp, label: label, base: path.Base(name)}, salvage)
		os.Remove(tmp)
		if imp.File != "" || imp.Repeat || imp.Duplicates > 0 {
			got = append(got, imp)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", label, err))
		}
	}
	if n == 0 {
		errs = append(errs, fmt.Errorf("%w: WACZ package holds no WARC file under archive/", ErrHeader))
	}
	return got, errors.Join(errs...)
}

// extractEntry copies a zip entry to a file of the archive directory that
// Open removes if it is left, and returns its path.
func (a *Archive) extractEntry(f *zip.File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("open: %w", err)
	}
	defer rc.Close()
	out, err := os.CreateTemp(a.dir, "wacz-entry-*"+importSuffix)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, rc); err != nil {
		out.Close()
		os.Remove(out.Name())
		return "", fmt.Errorf("read: %w", truncated(err))
	}
	if err := out.Close(); err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}
