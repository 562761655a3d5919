package load

import "github.com/marlowe-lite/marlowe-lite/protocol/object"

// NewMemoryHandler returns a Handler over a fresh in-memory contract store
// (reachable as the returned handler's Store) granting batch pushes per
// MsgResume.
func NewMemoryHandler(batch int) *StoreHandler {
	return &StoreHandler{Store: object.NewMemoryStore(), Batch: batch}
}
