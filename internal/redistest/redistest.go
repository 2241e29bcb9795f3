// Package redistest starts Debian's redis-server for tests: on 127.0.0.1,
// on a free port, with its data in a temporary folder, its append-only file
// synced on every write (so a restart keeps everything the workers wrote),
// and ready when Start returns: it waits for the server's "Ready to accept
// connections" log line, not for a while.
package redistest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is a redis-server the test started.
type Server struct {
	Port int
	dir  string
	path string
	cmd  *exec.Cmd
	t    testing.TB
}

// Path returns the path of redis-server. Without it the test skips with a
// message, unless CI is set: there it fails.
func Path(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("redis-server")
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("redis-server is not installed (apt-get install redis-server); CI must run the shared crawl tests")
	}
	t.Skip("redis-server is not installed (apt-get install redis-server): shared crawl tests skipped")
	return ""
}

// Start starts a redis-server, stopped at the test's end.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{path: Path(t), dir: t.TempDir(), t: t}
	var err error
	for range 5 { // a port found free may be taken before redis binds it
		if s.Port, err = freePort(); err != nil {
			t.Fatal(err)
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// URL is the state URL of the server's database 0.
func (s *Server) URL() string { return "redis://127.0.0.1:" + strconv.Itoa(s.Port) + "/0" }

// Addr is the server's address.
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.Port) }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs the server and waits for its readiness line.
func (s *Server) start() error {
	cmd := exec.Command(s.path, "--port", strconv.Itoa(s.Port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--logfile", "", "--daemonize", "no",
		"--protected-mode", "yes", "--databases", "4")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		var log []string
		for sc.Scan() {
			line := sc.Text()
			if strings.Contains(line, "Ready to accept connections") {
				ready <- nil
				io.Copy(io.Discard, out) // keep the pipe drained
				return
			}
			log = append(log, line)
		}
		ready <- fmt.Errorf("redis-server on port %d exited before it was ready:\n%s", s.Port, strings.Join(log, "\n"))
	}()
	if err := <-ready; err != nil {
		cmd.Wait()
		return err
	}
	s.cmd = cmd
	return nil
}

// Stop stops the server (SIGTERM: it syncs its data and exits) and waits
// for it.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.cmd.Wait()
	s.cmd = nil
}

// Kill kills the server at once (SIGKILL), as a machine lost would.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Restart starts the server again on the same port and data, after Stop
// or Kill, and waits until it is ready (its data loaded).
func (s *Server) Restart() {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.start()
		if err == nil {
			return
		}
		// the port may linger a moment after the old server: try again
		// while the deadline allows, failing with the server's own words
		if time.Now().After(deadline) || !strings.Contains(err.Error(), "Address already in use") {
			s.t.Fatal(err)
		}
	}
}
