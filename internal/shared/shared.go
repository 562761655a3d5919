// Package shared locates the project's read-only test material (the
// ../shared directory beside the repository: docs, Marlowe scripts, traces,
// benchmarks, protocol goldens). Tests read it in place; it is never copied
// into the repository.
package shared

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// EnvVar overrides the location of the shared directory.
const EnvVar = "MARLOWE_SHARED"

// Find returns the shared directory: $MARLOWE_SHARED if set, otherwise the
// directory "shared" beside the module root (the nearest ancestor of the
// working directory holding go.mod).
func Find() (string, error) {
	if d := os.Getenv(EnvVar); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			s := filepath.Join(filepath.Dir(dir), "shared")
			if _, err := os.Stat(filepath.Join(s, "marlowe")); err != nil {
				return "", errors.New("shared material not found at " + s + " (set " + EnvVar + ")")
			}
			return s, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above " + wd)
		}
		dir = parent
	}
}

// Dir returns the shared directory or fails the test: the material is part
// of CI, so its absence is an error, never a silent skip.
func Dir(tb testing.TB) string {
	tb.Helper()
	d, err := Find()
	if err != nil {
		tb.Fatalf("shared test material: %v", err)
	}
	return d
}

// Path joins elements onto the shared directory.
func Path(tb testing.TB, elem ...string) string {
	tb.Helper()
	return filepath.Join(append([]string{Dir(tb)}, elem...)...)
}
