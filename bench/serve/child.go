package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopTimeout bounds the child's shutdown after SIGTERM before it is
// killed.
const stopTimeout = 30 * time.Second

// logTail is how many of the child's last log lines an error quotes.
const logTail = 20

// logLine is the part of every one of the child's JSON log lines the
// bench reads (zerolog's field names).
type logLine struct {
	Level   string `json:"level"`
	Message string `json:"message"`
}

// eventLine is the fields of the lines the bench waits on; each message
// has its own subset, and the other lines may use the same names with
// other types.
type eventLine struct {
	Addr        string  `json:"addr"`
	Contracts   int     `json:"contracts"`
	Blocks      int     `json:"blocks"`
	Tip         uint64  `json:"tip"`
	GeneratedIn string  `json:"generated_in"`
	Block       uint64  `json:"block"`
	Percent     float64 `json:"percent"`
	NodeBlock   uint64  `json:"node_block"`
	BlocksPerS  float64 `json:"blocks_per_s"`
}

// history is what the child's "devnet history ready" line reports.
type history struct {
	contracts, blocks int
	tip               uint64
	generatedIn       time.Duration
	at                time.Time
}

// server is the serving process (`marlowe-lite serve --devnet`) run as a
// child. Its stderr (JSON logs) is copied to a file and read for the
// events the bench waits on; its exit is noticed at any time.
type server struct {
	cmd     *exec.Cmd
	pid     int
	started time.Time

	exited  chan struct{}
	waitErr error
	stopped bool // set before the bench's own SIGTERM

	mu        sync.Mutex
	tail      []string
	errs      []string
	addr      string
	addrCh    chan struct{}
	hist      *history
	histCh    chan struct{}
	caughtUp  time.Time
	caughtCh  chan struct{}
	caughtBlk uint64
	progress  func(eventLine)
}

// startServer starts bin with args, its logs going to logPath; progress
// is called with every "catching up" line.
func startServer(bin string, args []string, logPath string, progress func(eventLine)) (*server, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("serve log: %w", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = logFile
	cmd.SysProcAttr = childAttr()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logFile.Close()
		return nil, fmt.Errorf("serve: %w", err)
	}
	s := &server{cmd: cmd, exited: make(chan struct{}), addrCh: make(chan struct{}),
		histCh: make(chan struct{}), caughtCh: make(chan struct{}), progress: progress}
	s.started = time.Now()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s.pid = cmd.Process.Pid
	go func() {
		s.readLogs(io.TeeReader(stderr, logFile))
		// Wait only after the pipe is drained (os/exec's rule).
		s.waitErr = cmd.Wait()
		logFile.Close()
		close(s.exited)
	}()
	return s, nil
}

// readLogs reads the child's log lines until its stderr closes.
func (s *server) readLogs(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		raw := sc.Text()
		now := time.Now()
		var l logLine
		parsed := json.Unmarshal([]byte(raw), &l) == nil
		var ev eventLine
		switch l.Message {
		case "marlowe-lite started", "devnet history ready", "caught up with the node", "catching up":
			if err := json.Unmarshal([]byte(raw), &ev); err != nil {
				parsed = false
			}
		}
		s.mu.Lock()
		s.tail = append(s.tail, raw)
		if len(s.tail) > logTail {
			s.tail = s.tail[len(s.tail)-logTail:]
		}
		if !parsed {
			// A panic or a runtime error prints plain text; an event line
			// the bench cannot read would leave it waiting.
			s.errs = append(s.errs, raw)
			s.mu.Unlock()
			continue
		}
		switch l.Level {
		case "error", "fatal", "panic":
			s.errs = append(s.errs, raw)
		}
		switch l.Message {
		case "marlowe-lite started":
			if s.addr == "" {
				s.addr = ev.Addr
				close(s.addrCh)
			}
		case "devnet history ready":
			if s.hist == nil {
				d, _ := time.ParseDuration(ev.GeneratedIn)
				s.hist = &history{contracts: ev.Contracts, blocks: ev.Blocks, tip: ev.Tip, generatedIn: d, at: now}
				close(s.histCh)
			}
		case "caught up with the node":
			if s.caughtUp.IsZero() {
				s.caughtUp, s.caughtBlk = now, ev.Block
				close(s.caughtCh)
			}
		}
		s.mu.Unlock()
		if l.Message == "catching up" && s.progress != nil {
			s.progress(ev)
		}
	}
	if err := sc.Err(); err != nil {
		s.mu.Lock()
		s.errs = append(s.errs, "reading the serve log: "+err.Error())
		s.mu.Unlock()
		// Keep draining so that the child never blocks on a full pipe.
		_, _ = io.Copy(io.Discard, r)
	}
}

// failure is an error when the child has logged an error or exited on its
// own; nil while it runs cleanly.
func (s *server) failure() error {
	select {
	case <-s.exited:
		if !s.stopped {
			return fmt.Errorf("marlowe-lite serve exited unexpectedly (%v)%s", s.waitErr, s.tailText())
		}
	default:
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errs) > 0 {
		return fmt.Errorf("marlowe-lite serve logged %d error line(s), first: %s", len(s.errs), s.errs[0])
	}
	return nil
}

// tailText is the child's last log lines, for error messages.
func (s *server) tailText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tail) == 0 {
		return " (no log output)"
	}
	return "; last log lines:\n  " + strings.Join(s.tail, "\n  ")
}

// await waits for ch (one of the event channels) until timeout, failing
// early if the child exits or logs an error.
func (s *server) await(ch <-chan struct{}, what string, timeout time.Duration, done <-chan struct{}) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ch:
			return s.failure()
		case <-s.exited:
			return s.failure()
		case <-done:
			return errors.New("interrupted")
		case <-deadline.C:
			return fmt.Errorf("no %q from marlowe-lite serve within %v%s", what, timeout, s.tailText())
		case <-tick.C:
			if err := s.failure(); err != nil {
				return err
			}
		}
	}
}

// stop sends SIGTERM and waits for the child, killing it after
// stopTimeout. It returns an error when the child did not stop cleanly.
func (s *server) stop() error {
	select {
	case <-s.exited:
		if s.stopped {
			return nil
		}
		return fmt.Errorf("marlowe-lite serve had already exited (%v)", s.waitErr)
	default:
	}
	s.stopped = true
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return fmt.Errorf("SIGTERM to marlowe-lite serve: %w", err)
	}
	select {
	case <-s.exited:
		if s.waitErr != nil {
			return fmt.Errorf("marlowe-lite serve after SIGTERM: %w%s", s.waitErr, s.tailText())
		}
		return nil
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("marlowe-lite serve did not stop within %v of SIGTERM; killed", stopTimeout)
	}
}

// memory is a process's resident set: current and peak, in KiB.
type memory struct{ rss, hwm int64 }

func (m memory) String() string {
	return fmt.Sprintf("VmRSS %s, VmHWM %s", mib(m.rss), mib(m.hwm))
}

func mib(kib int64) string { return fmt.Sprintf("%.0f MiB", float64(kib)/1024) }

// readMemory reads VmRSS and VmHWM from /proc/<pid>/status.
func readMemory(pid int) (memory, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memory{}, fmt.Errorf("memory of process %d: %w", pid, err)
	}
	var m memory
	var seen int
	for line := range strings.SplitSeq(string(b), "\n") {
		var dst *int64
		switch {
		case strings.HasPrefix(line, "VmRSS:"):
			dst = &m.rss
		case strings.HasPrefix(line, "VmHWM:"):
			dst = &m.hwm
		default:
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || f[2] != "kB" {
			return memory{}, fmt.Errorf("memory of process %d: unexpected line %q", pid, line)
		}
		if *dst, err = strconv.ParseInt(f[1], 10, 64); err != nil {
			return memory{}, fmt.Errorf("memory of process %d: %q: %w", pid, line, err)
		}
		seen++
	}
	if seen != 2 {
		return memory{}, fmt.Errorf("memory of process %d: VmRSS or VmHWM missing from its status", pid)
	}
	return m, nil
}

// clockTicks is USER_HZ, the unit of /proc/<pid>/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// readCPU is a process's user plus system CPU time so far, from
// /proc/<pid>/stat.
func readCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("cpu time of process %d: %w", pid, err)
	}
	// The command name (field 2) may hold spaces; fields after it are
	// plain. utime and stime are fields 14 and 15, so the 12th and 13th
	// after the name.
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	if end < 0 {
		return 0, fmt.Errorf("cpu time of process %d: malformed stat %q", pid, s)
	}
	f := strings.Fields(s[end+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("cpu time of process %d: %d fields after the name", pid, len(f))
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("cpu time of process %d: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// readMachineBusy is the CPU time all processes on the machine have used
// so far (every state but idle and iowait, summed over CPUs), from the
// first line of /proc/stat: beside the server's and the clients' own CPU
// time it shows what other jobs took.
func readMachineBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, fmt.Errorf("machine cpu time: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, fmt.Errorf("machine cpu time: unexpected first line %q of /proc/stat", line)
	}
	var busy int64
	// user nice system idle iowait irq softirq steal (guest time is
	// already counted in user).
	for i, v := range f[1:min(len(f), 9)] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("machine cpu time: %q: %w", line, err)
		}
		if i != 3 && i != 4 {
			busy += n
		}
	}
	return time.Duration(busy) * time.Second / clockTicks, nil
}

// diskUsage is the disk space the regular files under dir take (du).
func diskUsage(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n += allocated(info)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("disk usage of %s: %w", dir, err)
	}
	return n, nil
}
