package txjob

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/marlowe-lite/marlowe-lite/protocol/job"
	"github.com/marlowe-lite/marlowe-lite/protocol/types"
)

// Memory is an in-memory Handler for tests and development. Create,
// ApplyInputs, Withdraw and BurnRoleTokens answer with the outcome
// configured for their kind (SetOutcome). Submit starts a job keyed by the
// transaction's real id (TxIdOf) that reports Submitting until
// SetSubmitOutcome moves it on; Attach finds such jobs. Memory is safe for
// concurrent use by many sessions.
type Memory struct {
	mu       sync.Mutex
	outcomes map[CommandKind]job.Outcome
	submits  map[types.TxId]job.Outcome
	commands []Command
}

// NewMemory returns a Memory with no outcomes configured.
func NewMemory() *Memory {
	return &Memory{outcomes: map[CommandKind]job.Outcome{}, submits: map[types.TxId]job.Outcome{}}
}

// SetOutcome sets the answer to commands of kind k, which must not be
// Submit (submit jobs are driven by SetSubmitOutcome). The outcome must be
// final: these commands have no status.
func (m *Memory) SetOutcome(k CommandKind, o job.Outcome) error {
	switch {
	case k == KindSubmit:
		return fmt.Errorf("memory handler: Submit outcomes are set per job with SetSubmitOutcome")
	case !o.Done():
		return fmt.Errorf("memory handler: %s has no status; its outcome must be final", k)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outcomes[k] = o
	return nil
}

// SetSubmitOutcome sets what the Submit job of txId reports from now on. A
// running outcome without a job id gets JobIdSubmit{txId}.
func (m *Memory) SetSubmitOutcome(txId types.TxId, o job.Outcome) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.submits[txId]; !ok {
		return fmt.Errorf("memory handler: no submit job for transaction %x", []byte(txId))
	}
	if !o.Done() && o.JobID == nil {
		o.JobID = JobIdSubmit{TxId: txId}
	}
	m.submits[txId] = o
	return nil
}

// Commands returns the commands executed so far, in order.
func (m *Memory) Commands() []Command {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.commands)
}

// Exec implements Handler.
func (m *Memory) Exec(ctx context.Context, cmd Command) (job.Job, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.commands = append(m.commands, cmd)
	sub, ok := cmd.(Submit)
	if !ok {
		tag, _ := cmd.CommandTag().(Tag)
		k := tag.Kind
		o, ok := m.outcomes[k]
		if !ok {
			return nil, fmt.Errorf("memory handler: no outcome configured for %s", k)
		}
		return job.Finished(o), nil
	}
	id, err := TxIdOf(sub.Tx)
	if err != nil {
		// The Haskell server would have refused the transaction when
		// decoding it; here the job fails the way a node would.
		return job.Finished(job.FailedWith(SubmitFailed{Message: err.Error()})), nil
	}
	if _, ok := m.submits[id]; !ok {
		m.submits[id] = job.RunningWith(Submitting, JobIdSubmit{TxId: id})
	}
	return memoryJob{m: m, id: id}, nil
}

// Attach implements Handler.
func (m *Memory) Attach(ctx context.Context, id JobIdSubmit) (job.Job, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.submits[id.TxId]; !ok {
		return nil, false, nil
	}
	return memoryJob{m: m, id: id.TxId}, true, nil
}

// memoryJob is a Submit job of a Memory.
type memoryJob struct {
	m  *Memory
	id types.TxId
}

func (j memoryJob) Poll(ctx context.Context) (job.Outcome, error) {
	if err := ctx.Err(); err != nil {
		return job.Outcome{}, err
	}
	j.m.mu.Lock()
	defer j.m.mu.Unlock()
	return j.m.submits[j.id], nil
}
