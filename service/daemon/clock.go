package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/node/slottime"
)

// nodeClock converts slots to times with the node's era history. The
// history only reaches a horizon a little past the node's tip, which moves
// on as the chain grows, so a slot past it makes the clock ask the node
// again (at most once per refreshGap) instead of failing for good.
type nodeClock struct {
	client  *n2c.Client
	timeout time.Duration

	mu        sync.Mutex
	conv      *slottime.Converter
	refreshed time.Time
}

const refreshGap = 5 * time.Second

func newNodeClock(client *n2c.Client, timeout time.Duration) *nodeClock {
	return &nodeClock{client: client, timeout: timeout}
}

// SlotToTime is the start of slot.
func (c *nodeClock) SlotToTime(slot uint64) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conv != nil {
		t, err := c.conv.SlotToTime(slot)
		if !errors.Is(err, slottime.ErrPastHorizon) {
			return t, err
		}
		if time.Since(c.refreshed) < refreshGap {
			return time.Time{}, err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	conv, err := c.client.SlotConverter(ctx)
	if err != nil {
		return time.Time{}, fmt.Errorf("era history from the node: %w", err)
	}
	c.conv, c.refreshed = conv, time.Now()
	return conv.SlotToTime(slot)
}
