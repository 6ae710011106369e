package browsertest

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// processOutput keeps the tail of what the browser process prints, for a
// failed start.
type processOutput struct {
	mu  sync.Mutex
	buf []byte
}

func (o *processOutput) Write(p []byte) (int, error) {
	const keep = 8 << 10
	o.mu.Lock()
	defer o.mu.Unlock()
	o.buf = append(o.buf, p...)
	if len(o.buf) > keep {
		o.buf = slices.Clone(o.buf[len(o.buf)-keep:])
	}
	return len(p), nil
}

func (o *processOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return string(o.buf)
}

// processes lists the processes whose command line mentions the profile
// directory dir: the browser started with it and its helpers.
func processes(dir string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	flag, inside := "--user-data-dir="+dir, dir+string(filepath.Separator)
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil {
			continue
		}
		for arg := range strings.SplitSeq(string(cmdline), "\x00") {
			if arg == flag || strings.Contains(arg, inside) {
				pids = append(pids, pid)
				break
			}
		}
	}
	return pids
}

// killLeftovers kills, by pid, the processes of the browser that uses the
// profile dir which outlived it (helpers can), until none shows up for a
// few passes, and returns those still there after a few seconds.
func killLeftovers(dir string) []int {
	deadline := time.Now().Add(5 * time.Second)
	for quiet := 0; quiet < 3; time.Sleep(20 * time.Millisecond) {
		pids := processes(dir)
		if len(pids) == 0 {
			quiet++
			continue
		}
		quiet = 0
		if time.Now().After(deadline) {
			return pids
		}
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return nil
}
