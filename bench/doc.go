// Package bench holds benchmarks and load generators; figures are recorded in
// bench/RESULTS.md together with the command that produced them.
package bench
