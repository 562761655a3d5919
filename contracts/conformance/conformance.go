// Package conformance checks the Marlowe core against IOG's published
// conformance material (the directory shared/marlowe: reference traces,
// validator benchmark script contexts, scripts). The same loaders serve the
// test-suite and the `marlowe-lite conformance` command, so an operator can
// confirm on the target machine that this build computes what the on-chain
// validator computes.
package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Result is the outcome of one family of checks.
type Result struct {
	// Check names the family, e.g. "reference traces".
	Check string
	// Passed and Failed count individual items (transactions, files).
	Passed, Failed int
	// Failures describe the first failures (at most MaxFailures).
	Failures []string
	// Notes are facts worth printing that are not pass/fail (e.g. cost
	// match rates under another protocol version).
	Notes []string
}

// MaxFailures bounds the failure descriptions kept per check.
const MaxFailures = 20

func (r *Result) pass() { r.Passed++ }

func (r *Result) fail(format string, args ...any) {
	r.Failed++
	if len(r.Failures) < MaxFailures {
		r.Failures = append(r.Failures, fmt.Sprintf(format, args...))
	}
}

// Check is one family of checks over the material directory.
type Check struct {
	Name string
	Run  func(dir string) (Result, error)
}

// Checks lists every family, in the order the command runs them.
func Checks() []Check {
	return []Check{
		{"reference traces", ReferenceTraces},
		{"benchmark datums", BenchmarkDatums},
		{"scripts", Scripts},
		{"validators", Validators},
	}
}

// sortedGlob lists files matching pattern in dir, sorted, and fails when
// there are none: missing material must not look like success.
func sortedGlob(dir, pattern string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no %s in %s", pattern, dir)
	}
	sort.Strings(files)
	return files, nil
}

func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return b, nil
}
