package transfer

import "github.com/marlowe-lite/marlowe-lite/protocol/object"

// NewMemoryHandler returns a StoreHandler over store, or over a fresh
// in-memory store when store is nil (reachable as the handler's Store).
func NewMemoryHandler(store *object.MemoryStore) *StoreHandler {
	if store == nil {
		store = object.NewMemoryStore()
	}
	return &StoreHandler{Store: store}
}
