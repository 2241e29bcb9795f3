package serve

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestParseCDXJ(t *testing.T) {
	for _, c := range []struct {
		name, line string
		ok         bool
	}{
		{"pywb strings", `com,example)/ 20240101000000 {"url":"http://example.com/","mime":"text/html","status":"200","digest":"ABC","length":"10","offset":"20","filename":"a.warc.gz"}`, true},
		{"numbers", `com,example)/ 20240101000000 {"url":"http://example.com/","status":200,"length":10,"offset":20,"filename":"a.warc.gz"}`, true},
		{"status dash", `com,example)/ 20240101000000 {"url":"http://example.com/","status":"-","length":"10","offset":"20","filename":"a.warc.gz"}`, true},
		{"traversal file", `com,example)/ 20240101000000 {"url":"http://example.com/","length":"10","offset":"20","filename":"../../etc/passwd"}`, false},
		{"bad time", `com,example)/ 2024 {"url":"http://example.com/","length":"10","offset":"20","filename":"a"}`, false},
		{"negative offset", `com,example)/ 20240101000000 {"url":"http://example.com/","length":"10","offset":"-5","filename":"a"}`, false},
		{"no json", `com,example)/ 20240101000000`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cp, err := parseCDXJ(c.line)
			if (err == nil) != c.ok {
				t.Fatalf("err %v, want ok=%v", err, c.ok)
			}
			if c.ok && (cp.Offset != 20 || cp.Length != 10 || cp.File != "a.warc.gz") {
				t.Errorf("%+v", cp)
			}
		})
	}
}

// TestCaptureIndex_journal reads a journal a crawl is appending to: a line
// without its newline yet waits, and is read once finished.
func TestCaptureIndex_journal(t *testing.T) {
	dir := t.TempDir()
	line := func(ts, off string) string {
		return `test,x)/ ` + ts + ` {"url":"http://x.test/","status":"200","length":"10","offset":"` + off + `","filename":"f.warc.gz"}`
	}
	write := func(s string) {
		f, err := os.OpenFile(filepath.Join(dir, journalName), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
	}
	x := newCaptureIndex(dir)
	count := func() int {
		cs, err := x.lookup("http://x.test/")
		if err != nil {
			t.Fatal(err)
		}
		return len(cs)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d captures of nothing", n)
	}
	write(line("20240101000000", "0") + "\n" + line("20240102000000", "100")[:40])
	if n := count(); n != 1 {
		t.Fatalf("%d captures with a partial line, want 1", n)
	}
	write(line("20240102000000", "100")[40:] + "\n")
	if n := count(); n != 2 {
		t.Fatalf("%d captures once the line is whole, want 2", n)
	}
	// the crawl closes: index.cdxj holds both, the journal goes
	os.WriteFile(filepath.Join(dir, cdxjName), []byte(line("20240101000000", "0")+"\n"+line("20240102000000", "100")+"\n"), 0o644)
	os.Remove(filepath.Join(dir, journalName))
	if n := count(); n != 2 {
		t.Fatalf("%d captures after the crawl closed, want 2", n)
	}
	c, ok, _ := x.nearest("http://x.test/", time.Date(2024, 1, 2, 5, 0, 0, 0, time.UTC))
	if !ok || c.Offset != 100 {
		t.Errorf("nearest: %+v %v", c, ok)
	}
}
