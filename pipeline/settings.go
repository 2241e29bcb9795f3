package pipeline

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// settingsFile, in the data directory, holds settings a person edits:
//
//	base_url: https://archive.example.org   # where rankfile serve is reached
const settingsFile = "settings.yaml"

// Settings are the data directory's settings.
type Settings struct {
	// BaseURL is the archive's public address, where rankfile serve answers:
	// citations (export, show) link to BASE/capture/TIMESTAMP/URL.
	BaseURL string `yaml:"base_url"`
}

// ReadSettings reads the data directory's settings; a directory without
// the file has none.
func (p *Pipeline) ReadSettings() (Settings, error) {
	var s Settings
	data, err := os.ReadFile(p.path(settingsFile))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("read settings: %w", err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		return s, fmt.Errorf("%s: %w", p.path(settingsFile), err)
	}
	if s.BaseURL != "" {
		if err := CheckBaseURL(s.BaseURL); err != nil {
			return s, fmt.Errorf("%s: base_url: %w", p.path(settingsFile), err)
		}
	}
	return s, nil
}

// BaseURL returns the archive's public base URL from the settings, "" when
// none is set.
func (p *Pipeline) BaseURL() (string, error) {
	s, err := p.ReadSettings()
	return strings.TrimRight(s.BaseURL, "/"), err
}

// CheckBaseURL checks that u is an absolute http or https URL without a
// query or fragment.
func CheckBaseURL(u string) error {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" || pu.RawQuery != "" || pu.Fragment != "" {
		return fmt.Errorf("%q is not a base URL: want http(s)://host[/path]", u)
	}
	return nil
}
