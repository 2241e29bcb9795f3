package pipeline

import (
	"context"
	"fmt"
	"net"

	"rankfile/serve"
)

// Serve serves the web interface and JSON API over the data directory on
// addr (host:port) until ctx ends, then shuts down gracefully. It only
// reads the data directory, never taking the archive's lock, so a crawl
// may run meanwhile; it warns when addr is not a loopback address.
// baseURL is the archive's public address for citations; "" takes the
// data directory's setting (see Settings), or else each request's address.
func (p *Pipeline) Serve(ctx context.Context, addr, baseURL string) error {
	if baseURL == "" {
		var err error
		if baseURL, err = p.BaseURL(); err != nil {
			return err
		}
	} else if err := CheckBaseURL(baseURL); err != nil {
		return fmt.Errorf("--base-url: %w", err)
	}
	s, err := serve.New(serve.Options{Dir: p.Dir, Logger: p.logger(), BaseURL: baseURL})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	if !serve.IsLoopback(addr) {
		p.logger().Warn("serving beyond this machine: the archive is readable by anyone who can reach the address", "addr", ln.Addr().String())
	}
	fmt.Fprintf(p.out(), "Serving %s at http://%s/ (Ctrl-C stops)\n", p.Dir, ln.Addr())
	return s.Serve(ctx, ln)
}
