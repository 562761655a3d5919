package session

import "context"

// The sync sub-protocols answer a request at the tip with MsgWait and the
// client then polls. A handler backed by a live index answers the first
// request at once (the client learns it is caught up) but may hold a poll
// until something changes, so that a parked client hears of a new block or
// a rollback as soon as it is committed rather than a poll interval later.
// Serve loops mark the context of the calls they make for a poll.

type pollKey struct{}

// WithPoll marks ctx as answering a client's poll after a wait.
func WithPoll(ctx context.Context) context.Context {
	return context.WithValue(ctx, pollKey{}, true)
}

// Polling reports whether ctx answers a poll (see WithPoll): a handler may
// then block until it has news or ctx ends, and should still answer wait
// after a bounded time so that the session notices a vanished client.
func Polling(ctx context.Context) bool {
	v, _ := ctx.Value(pollKey{}).(bool)
	return v
}
