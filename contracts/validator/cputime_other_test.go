//go:build !unix

package validator

import "time"

// processCPUTime is unavailable here; benchmarks then omit the metric.
func processCPUTime() (time.Duration, bool) { return 0, false }
