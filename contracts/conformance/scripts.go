package conformance

import (
	"fmt"
	"path/filepath"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
)

// Scripts loads every Marlowe validator envelope under dir/scripts and checks
// each against the registry: the hash of the script bytes must be the
// registry's, or LoadScripts refuses it.
func Scripts(dir string) (Result, error) {
	r := Result{Check: "scripts"}
	loaded, err := registry.LoadScripts(filepath.Join(dir, "scripts"))
	if err != nil {
		return r, err
	}
	want := registry.New().Scripts()
	for _, s := range want {
		if _, ok := loaded.ByHash(s.Hash); ok {
			r.pass()
		} else {
			r.fail("%s: envelope %s missing", s, s.FileName())
		}
	}
	r.Notes = append(r.Notes, fmt.Sprintf("%d of %d registry scripts loaded and hash-verified", loaded.Len(), len(want)))
	return r, nil
}
