package kv

// Readers that serve clients parked at the tip (the sync sub-protocols)
// must learn when the index changes without polling Badger. A closed
// channel is the broadcast: every waiter holding the channel of the
// current generation is released at once when a commit or a rollback
// lands, and takes the next generation's channel on its next read.

// changes is the broadcast state; the zero value is ready to use.
type changes struct {
	ch chan struct{}
}

// Changed returns a channel that is closed by the next commit (ApplyBlock,
// ApplyBlocks) or rollback that changes the store. Take the channel before
// reading the state it guards, so that a change between the read and the
// wait is not missed.
func (s *Store) Changed() <-chan struct{} {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	if s.changes.ch == nil {
		s.changes.ch = make(chan struct{})
	}
	return s.changes.ch
}

// notify releases the waiters of the current generation.
func (s *Store) notify() {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	if s.changes.ch != nil {
		close(s.changes.ch)
		s.changes.ch = nil
	}
}
