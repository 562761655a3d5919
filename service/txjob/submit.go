package txjob

import (
	"context"
	"errors"
	"sync"

	"github.com/blinklabs-io/gouroboros/ledger/conway"

	"github.com/marlowe-lite/marlowe-lite/contracts/registry"
	"github.com/marlowe-lite/marlowe-lite/kv"
	"github.com/marlowe-lite/marlowe-lite/node/n2c"
	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	ptx "github.com/marlowe-lite/marlowe-lite/protocol/txjob"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
	"github.com/marlowe-lite/marlowe-lite/service/view"
)

// submitJob is one Submit job; its watcher goroutine moves it on and Poll
// reads it.
type submitJob struct {
	id types.TxId
	mu sync.Mutex
	o  job.Outcome
}

// Poll implements job.Job.
func (j *submitJob) Poll(ctx context.Context) (job.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return job.Outcome{}, err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.o, nil
}

func (j *submitJob) set(o job.Outcome) {
	j.mu.Lock()
	j.o = o
	j.mu.Unlock()
}

func (j *submitJob) done() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.o.Done()
}

// submit starts a Submit job. An already known transaction re-attaches to
// its job rather than being submitted twice.
func (h *Handler) submit(ctx context.Context, c ptx.Submit) job.Job {
	id, err := ptx.TxIdOf(c.Tx)
	if err != nil {
		return job.Finished(job.FailedWith(ptx.SubmitFailed{Message: err.Error()}))
	}
	if c.Era != types.BabbageEraOnwardsConway {
		return job.Finished(job.FailedWith(ptx.SubmitFailed{Message: "only Conway-era transactions are accepted"}))
	}
	// Decoding catches what the node would refuse to parse before any
	// state is kept for the job.
	if _, err := conway.NewConwayTransactionFromCbor(c.Tx); err != nil {
		return job.Finished(job.FailedWith(ptx.SubmitFailed{Message: "decode transaction: " + err.Error()}))
	}
	h.mu.Lock()
	if j, ok := h.jobs[id]; ok {
		h.mu.Unlock()
		return j
	}
	h.mu.Unlock()

	// The index tip before submission bounds where the block can be.
	var after uint64
	if tip, ok, err := h.cfg.Store.Tip(); err == nil && ok {
		after = tip.Slot
	}
	if err := h.cfg.Node.SubmitTx(ctx, n2c.TxEraConway, c.Tx); err != nil {
		var rej *n2c.RejectedError
		if errors.As(err, &rej) {
			return job.Finished(job.FailedWith(ptx.SubmitFailed{Message: rej.Error()}))
		}
		return job.Finished(job.FailedWith(ptx.SubmitException{Message: err.Error()}))
	}
	j := &submitJob{id: id, o: job.RunningWith(ptx.Accepted, ptx.JobIdSubmit{TxId: id})}
	h.remember(j)
	var txID registry.TxID
	copy(txID[:], id)
	probe := registry.TxOutRef{TxID: txID, Index: 0}
	h.wg.Add(1)
	go h.watch(j, txID, probe, after)
	return j
}

// remember records j for Attach, forgetting the oldest finished jobs
// beyond MaxJobs.
func (h *Handler) remember(j *submitJob) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.jobs[j.id] = j
	h.order = append(h.order, j.id)
	for len(h.jobs) > h.cfg.MaxJobs {
		evicted := false
		for i, id := range h.order {
			if old := h.jobs[id]; old != nil && old.done() {
				delete(h.jobs, id)
				h.order = append(h.order[:i], h.order[i+1:]...)
				evicted = true
				break
			}
		}
		if !evicted {
			return
		}
	}
}

// watch waits for the transaction to be in a block: after every index
// commit it looks for it in the index's activity (Marlowe transactions),
// then asks the node whether its first output exists (any transaction),
// in which case the index tip is the best block known to hold it.
func (h *Handler) watch(j *submitJob, id registry.TxID, probe registry.TxOutRef, after uint64) {
	defer h.wg.Done()
	for {
		changed := h.cfg.Store.Changed()
		if blk, ok := h.findBlock(id, probe, after); ok {
			j.set(job.SucceededWith(view.BlockHeader(blk)))
			h.log.Info().Str("tx", id.String()).Uint64("slot", blk.Slot).Msg("submitted transaction in a block")
			return
		}
		select {
		case <-h.ctx.Done():
			return
		case <-changed:
		}
	}
}

// findBlock reports the block holding transaction id, if it is known yet.
func (h *Handler) findBlock(id registry.TxID, probe registry.TxOutRef, after uint64) (kv.BlockRef, bool) {
	acts, err := h.cfg.Store.Activity(after, 0)
	if err != nil {
		h.log.Warn().Err(err).Msg("submit watcher: read activity")
		return kv.BlockRef{}, false
	}
	for _, a := range acts {
		for _, tx := range a.Txs {
			if tx.TxID == id {
				return a.Block, true
			}
		}
	}
	tip, ok, err := h.cfg.Store.Tip()
	if err != nil || !ok || tip.Slot <= after {
		return kv.BlockRef{}, false
	}
	var found bool
	qerr := h.cfg.Node.Query(h.ctx, func(s *n2c.Snapshot) error {
		us, err := s.UTxOByTxIn(probe)
		found = err == nil && len(us) > 0
		return err
	})
	if qerr != nil || !found {
		return kv.BlockRef{}, false
	}
	// A Marlowe transaction is found above; any other one is reported in
	// the indexed tip once the node shows its output (the index never
	// runs ahead of the node).
	return tip, true
}
