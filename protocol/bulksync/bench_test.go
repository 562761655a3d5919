package bulksync

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
)

// BenchmarkMarloweBulkSyncDecode decodes all 1245 golden messages per iteration.
func BenchmarkMarloweBulkSyncDecode(b *testing.B) {
	sessiontest.BenchDecode(b, GoldenMachines(), goldenVectors(b))
}

// BenchmarkMarloweBulkSyncEncode encodes all 1245 golden messages per iteration.
func BenchmarkMarloweBulkSyncEncode(b *testing.B) {
	sessiontest.BenchEncode(b, GoldenMachines(), goldenVectors(b))
}
