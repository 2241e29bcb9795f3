package pipeline

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockHolder returns the process that holds the archive's lock (a crawl,
// an import or an extract writing now), found in /proc/locks without
// touching the lock: taking it even for a moment could make a cron crawl
// starting that instant exit as locked. It returns 0 when no process holds
// it, and ok false where that cannot be known (no /proc/locks).
func lockHolder(lockPath string) (pid int, ok bool) {
	st, err := os.Stat(lockPath)
	if err != nil {
		return 0, true // no lock file: no rankfile ever wrote here
	}
	sys, isUnix := st.Sys().(*syscall.Stat_t)
	if !isUnix {
		return 0, false
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	dev := uint64(sys.Dev)
	major := (dev>>8)&0xfff | (dev>>32)&^0xfff
	minor := dev&0xff | (dev>>12)&^0xff
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, sys.Ino)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "3: FLOCK  ADVISORY  WRITE 4242 08:01:1318977 0 EOF"; a waiter's line has "->" after the number
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] == "->" || fields[5] != want {
			continue
		}
		if n, err := strconv.Atoi(fields[4]); err == nil {
			return n, true
		}
	}
	return 0, sc.Err() == nil
}
