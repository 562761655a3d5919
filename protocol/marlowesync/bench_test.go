package marlowesync

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
)

// BenchmarkMarloweSyncDecode decodes all 1240 golden messages per iteration.
func BenchmarkMarloweSyncDecode(b *testing.B) {
	sessiontest.BenchDecode(b, GoldenMachines(), goldenVectors(b))
}

// BenchmarkMarloweSyncEncode encodes all 1240 golden messages per iteration.
func BenchmarkMarloweSyncEncode(b *testing.B) {
	sessiontest.BenchEncode(b, GoldenMachines(), goldenVectors(b))
}
