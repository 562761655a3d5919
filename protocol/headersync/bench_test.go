package headersync

import (
	"testing"

	"github.com/marlowe-lite/marlowe-lite/protocol/session/sessiontest"
)

// BenchmarkMarloweHeaderSyncDecode decodes all 43 golden messages per iteration.
func BenchmarkMarloweHeaderSyncDecode(b *testing.B) {
	sessiontest.BenchDecode(b, GoldenMachines(), goldenVectors(b))
}

// BenchmarkMarloweHeaderSyncEncode encodes all 43 golden messages per iteration.
func BenchmarkMarloweHeaderSyncEncode(b *testing.B) {
	sessiontest.BenchEncode(b, GoldenMachines(), goldenVectors(b))
}
