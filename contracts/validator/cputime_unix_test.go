//go:build unix

package validator

import (
	"syscall"
	"time"
)

// processCPUTime is the user+system CPU time the test process has used.
// Benchmarks report it beside wall time because the benchmark machine's
// cores are shared, which inflates wall time far more than CPU time.
func processCPUTime() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
