package core

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/marlowe-lite/marlowe-lite/internal/shared"
)

// largestBenchmarkDatum is the biggest MarloweData among the semantics
// benchmark files (about 362 KB).
func largestBenchmarkDatum(b *testing.B) []byte {
	b.Helper()
	files, err := filepath.Glob(shared.Path(b, "marlowe", "benchmarks", "semantics", "*.benchmark"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no benchmark files: %v", err)
	}
	var best []byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		if d := benchmarkParts(b, raw)[0]; len(d) > len(best) {
			best = d
		}
	}
	return best
}

func BenchmarkMarloweDataDecodeEncodeLargest(b *testing.B) {
	datum := largestBenchmarkDatum(b)
	b.SetBytes(int64(len(datum)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		md, err := DecodeData[MarloweData](datum)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := EncodeData(md); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePlutusDataLargest(b *testing.B) {
	datum := largestBenchmarkDatum(b)
	b.SetBytes(int64(len(datum)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := DecodePlutusData(datum); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHashDataLargest(b *testing.B) {
	md, err := DecodeData[MarloweData](largestBenchmarkDatum(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := HashData(md); err != nil {
			b.Fatal(err)
		}
	}
}
