package kv

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

const (
	crashEnv   = "KV_CRASH_CHILD_DIR"
	crashSeed  = 13
	crashChain = 300
	crashK     = 40
)

// TestCrashChild is the child process of TestCrashSafety; it does nothing
// in a normal run. It reopens the store, then applies the fixed chain from
// its tip, rolling back now and then (also from the chain's end) and
// re-applying, until killed. It prints "ready" once the store is open.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("child of TestCrashSafety only")
	}
	blocks := genChain(t, rand.New(rand.NewPCG(crashSeed, crashSeed)), crashChain)
	s, err := Open(dir, Options{SecurityParam: crashK, MemTableSize: 16 << 20})
	if err != nil {
		t.Fatalf("child open: %v", err)
	}
	os.Stdout.WriteString("ready\n")
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for {
		tip, ok, err := s.Tip()
		if err != nil {
			t.Fatalf("child tip: %v", err)
		}
		n := 0
		if ok {
			n = int(tip.Number)
		}
		if n == len(blocks) || (n > 0 && rng.IntN(15) == 0) {
			depth := min(n, 1+rng.IntN(crashK))
			err := s.RollBack(pointOf(blocks, n-depth))
			if err == nil {
				continue
			}
			if !errors.Is(err, ErrBeyondWindow) || n == len(blocks) {
				t.Fatalf("child rollback: %v", err)
			}
		}
		b := blocks[n]
		if err := s.ApplyBlock(b.ref.Point(), b.ref.Number, b.ev); err != nil {
			t.Fatalf("child apply: %v", err)
		}
	}
}

// TestCrashSafety is acceptance 2: a child process indexes (with rollbacks)
// and is killed with SIGKILL at random moments, 25 times; after each kill
// the reopened store equals a fresh store built over the chain up to its
// recovered tip, byte for byte (nothing duplicated, nothing lost), and its
// journal is consistent with that chain.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const kills = 25
	dir := t.TempDir()
	blocks := genChain(t, rand.New(rand.NewPCG(crashSeed, crashSeed)), crashChain)
	rng := rand.New(rand.NewPCG(99, 99))
	tips := map[uint64]bool{}
	for i := range kills {
		cmd := exec.Command(exe, "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || line != "ready\n" {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("kill %d: child did not start: %q %v", i, line, err)
		}
		time.Sleep(time.Duration(5+rng.IntN(150)) * time.Millisecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() || st.Signal() != syscall.SIGKILL {
			t.Fatalf("kill %d: child ended otherwise: %v", i, cmd.ProcessState)
		}

		s, err := Open(dir, Options{SecurityParam: crashK, MemTableSize: 16 << 20})
		if err != nil {
			t.Fatalf("kill %d: reopen: %v", i, err)
		}
		tip, ok, err := s.Tip()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		if ok {
			n = int(tip.Number)
			if n > len(blocks) || tip != blocks[n-1].ref {
				t.Fatalf("kill %d: recovered tip %v is not on the chain", i, tip)
			}
		}
		tips[uint64(n)] = true
		got := dumpStore(t, s)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		ref := openMem(t, crashK)
		applyAll(t, ref, blocks[:n])
		want := dumpStore(t, ref)
		if d := diffIndex(got, want); d != "" {
			t.Fatalf("kill %d at block %d: store differs from the fresh one: %s", i, n, d)
		}
		if d := journalSubset(got, want); d != "" {
			t.Fatalf("kill %d at block %d: %s", i, n, d)
		}
		if err := ref.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(tips) < kills/3 {
		t.Fatalf("only %d distinct recovered tips in %d kills: kills are not landing mid-run", len(tips), kills)
	}
	t.Logf("%d SIGKILLs, %d distinct recovered tips", kills, len(tips))
}
