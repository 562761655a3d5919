package kv

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/marlowe-lite/marlowe-lite/contracts/core"
)

const (
	objCrashEnv      = "KV_OBJECTS_CRASH_DIR"
	objCrashFromEnv  = "KV_OBJECTS_CRASH_FROM"
	objCrashMemTable = 1 << 20 // small transactions: big sessions commit in several
)

// objCrashSession is session i of the crash test: every third one too big
// for one transaction (its commit goes through the marker), every fourth
// one discarded instead of committed.
func objCrashSession(i int) (cs []core.Contract, hs [][32]byte, discard bool) {
	rng := rand.New(rand.NewPCG(uint64(i), 77))
	n, pad := 20, 0
	if i%3 == 0 {
		n, pad = 400, 8
	}
	cs, hs = objDAG(rng, n, int64(i)+1, pad)
	return cs, hs, i%4 == 1
}

// objCrashDangling is the contracts of the session that session i leaves
// open (flushed, never ended) while it runs.
func objCrashDangling(i int) ([]core.Contract, [][32]byte) {
	return objDAG(rand.New(rand.NewPCG(uint64(i), 78)), 15, -int64(i)-1, 0)
}

// TestObjectsCrashChild is the child process of TestObjectsCrashSafety; it
// does nothing in a normal run. From session KV_OBJECTS_CRASH_FROM on, it
// runs sessions until killed: each one leaves a flushed session open
// beside it, stages and flushes, then commits ("commit i" before, "done
// i" after) or discards ("discard i").
func TestObjectsCrashChild(t *testing.T) {
	dir := os.Getenv(objCrashEnv)
	if dir == "" {
		t.Skip("child of TestObjectsCrashSafety only")
	}
	from, err := strconv.Atoi(os.Getenv(objCrashFromEnv))
	if err != nil {
		t.Fatal(err)
	}
	s, err := reopenAfterKill(dir)
	if err != nil {
		t.Fatalf("child open: %v", err)
	}
	o, err := NewObjects(s, ObjectOptions{})
	if err != nil {
		t.Fatalf("child objects: %v", err)
	}
	os.Stdout.WriteString("ready\n")
	for i := from; ; i++ {
		dcs, _ := objCrashDangling(i)
		dangling, err := o.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		stageAll(t, dangling, dcs)
		if err := dangling.Flush(); err != nil {
			t.Fatal(err)
		}
		cs, _, discard := objCrashSession(i)
		ss, err := o.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		for k, c := range cs {
			if _, err := ss.Stage(c); err != nil {
				t.Fatal(err)
			}
			if k%50 == 49 {
				if err := ss.Flush(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if discard {
			if err := ss.Discard(); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(os.Stdout, "discard %d\n", i)
			continue
		}
		fmt.Fprintf(os.Stdout, "commit %d\n", i)
		if err := ss.Commit(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stdout, "done %d\n", i)
	}
}

// TestObjectsCrashSafety kills a child process that stages, flushes,
// commits and discards sessions (with an abandoned session always open
// beside them) with SIGKILL at random moments, 8 times. After each kill
// the reopened store holds every session the child reported committed, no
// discarded or abandoned contract, the session being committed at the
// kill either whole or not at all (multi-transaction commits included),
// and no staging row.
func TestObjectsCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const kills = 8
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(12, 12))
	next := 0
	var committed []int
	committedHashes := map[int][][32]byte{}
	whole, none := 0, 0
	for k := range kills {
		cmd := exec.Command(exe, "-test.run=^TestObjectsCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), objCrashEnv+"="+dir, objCrashFromEnv+"="+strconv.Itoa(next))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(out)
		line, err := r.ReadString('\n')
		if err != nil || line != "ready\n" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("kill %d: child did not start: %q %v", k, line, err)
		}
		time.Sleep(time.Duration(20+rng.IntN(250)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		var lines []string
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				break
			}
			lines = append(lines, strings.TrimSpace(l))
		}
		_ = cmd.Wait()
		if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() || st.Signal() != syscall.SIGKILL {
			t.Fatalf("kill %d: child ended otherwise: %v", k, cmd.ProcessState)
		}
		inFlight, last := -1, next-1
		for _, l := range lines {
			var i int
			switch {
			case sscan(l, "commit %d", &i):
				inFlight = i
			case sscan(l, "done %d", &i):
				committed, inFlight, last = append(committed, i), -1, i
				_, committedHashes[i], _ = objCrashSession(i)
			case sscan(l, "discard %d", &i):
				last = i
			default:
				t.Fatalf("kill %d: child said %q", k, l)
			}
		}

		s, err := reopenAfterKill(dir)
		if err != nil {
			t.Fatalf("kill %d: reopen: %v (files: %s)", k, err, listFiles(dir))
		}
		o, err := NewObjects(s, ObjectOptions{})
		if err != nil {
			t.Fatalf("kill %d: recover: %v", k, err)
		}
		all, err := o.Hashes()
		if err != nil {
			t.Fatal(err)
		}
		stored := make(map[[32]byte]bool, len(all))
		for _, h := range all {
			stored[h] = true
		}
		present := func(hs [][32]byte) int {
			n := 0
			for _, h := range hs {
				if stored[h] {
					n++
				}
			}
			return n
		}
		for _, i := range committed {
			if hs := committedHashes[i]; present(hs) != len(hs) {
				t.Fatalf("kill %d: committed session %d incomplete", k, i)
			}
		}
		end := max(last, inFlight) + 1 // sessions the child may have touched
		for i := next; i <= end; i++ {
			_, dh := objCrashDangling(i)
			if n := present(dh); n != 0 {
				t.Fatalf("kill %d: %d contracts of abandoned session %d visible", k, n, i)
			}
			_, hs, discard := objCrashSession(i)
			n := present(hs)
			switch {
			case discard && n != 0:
				t.Fatalf("kill %d: %d contracts of discarded session %d visible", k, n, i)
			case i == inFlight && n != 0 && n != len(hs):
				t.Fatalf("kill %d: session %d killed in its commit is partly visible: %d of %d", k, i, n, len(hs))
			case i == inFlight && n == len(hs):
				committed = append(committed, i)
				committedHashes[i] = hs
				whole++
			case i == inFlight:
				none++
			case i > last && n != 0:
				t.Fatalf("kill %d: %d contracts of session %d, never committed, visible", k, n, i)
			}
		}
		if n := countPrefix(t, s, pObjectStaged) + countPrefix(t, s, pObjectCommit); n != 0 {
			t.Fatalf("kill %d: %d staging rows or markers after recovery", k, n)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		next = end + 1
	}
	if len(committed) < kills {
		t.Fatalf("only %d sessions committed in %d runs: kills land too early", len(committed), kills)
	}
	t.Logf("%d SIGKILLs, %d sessions committed; killed in a commit: %d recovered whole, %d not committed", kills, len(committed), whole, none)
}

func sscan(s, format string, i *int) bool {
	n, err := fmt.Sscanf(s, format, i)
	return err == nil && n == 1 && fmt.Sprintf(format, *i) == s
}

// reopenAfterKill opens the crash test's store. The small memtable of this
// test makes a SIGKILL between Badger's creation of a memtable file and its
// first write frequent; kv.Open must absorb the empty file it leaves
// (removeEmptyMemtables).
func reopenAfterKill(dir string) (*Store, error) {
	return Open(dir, Options{SecurityParam: 10, MemTableSize: objCrashMemTable})
}

// listFiles names the files of dir with their sizes, for failure reports.
func listFiles(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, e := range ents {
		if info, err := e.Info(); err == nil {
			parts = append(parts, fmt.Sprintf("%s:%d", e.Name(), info.Size()))
		}
	}
	return strings.Join(parts, " ")
}
