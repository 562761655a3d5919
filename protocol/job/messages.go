package job

// Message tag bytes (wire-protocol.md §4.5). Each is valid in one state
// only; the state also decides how the fields after the tag are read.
const (
	tagExec         = 0x01
	tagAttach       = 0x02
	tagFail         = 0x03
	tagSucceed      = 0x04
	tagAwait        = 0x05
	tagPoll         = 0x06
	tagDetach       = 0x07
	tagAttached     = 0x08
	tagAttachFailed = 0x09
)

// MsgExec asks the server to execute Command in a new job (client, StInit).
type MsgExec struct {
	Command Command
}

// MsgAttach asks the server to attach to the running job JobID (client,
// StInit).
type MsgAttach struct {
	JobID JobID
}

// MsgAttached says the job to attach to exists; the server goes on with
// MsgFail, MsgSucceed or MsgAwait (server, StAttach).
type MsgAttached struct{}

// MsgAttachFailed says there is no such job; the session ends (server,
// StAttach).
type MsgAttachFailed struct{}

// MsgFail reports that the job failed with Err, a value of the pending
// command's error type (server, StCmd).
type MsgFail struct {
	Err any
}

// MsgSucceed reports that the job succeeded with Result, a value of the
// pending command's result type (server, StCmd).
type MsgSucceed struct {
	Result any
}

// MsgAwait reports that the job is still running with Status (a value of the
// pending command's status type) under JobID (server, StCmd).
type MsgAwait struct {
	Status any
	JobID  JobID
}

// MsgPoll asks for the job's current state (client, StAwait).
type MsgPoll struct{}

// MsgDetach leaves the job running and ends the session (client, StAwait).
type MsgDetach struct{}

// MessageName implements session.Message.
func (MsgExec) MessageName() string { return "MsgExec" }

// MessageName implements session.Message.
func (MsgAttach) MessageName() string { return "MsgAttach" }

// MessageName implements session.Message.
func (MsgAttached) MessageName() string { return "MsgAttached" }

// MessageName implements session.Message.
func (MsgAttachFailed) MessageName() string { return "MsgAttachFailed" }

// MessageName implements session.Message.
func (MsgFail) MessageName() string { return "MsgFail" }

// MessageName implements session.Message.
func (MsgSucceed) MessageName() string { return "MsgSucceed" }

// MessageName implements session.Message.
func (MsgAwait) MessageName() string { return "MsgAwait" }

// MessageName implements session.Message.
func (MsgPoll) MessageName() string { return "MsgPoll" }

// MessageName implements session.Message.
func (MsgDetach) MessageName() string { return "MsgDetach" }

// messageName names the message that tag byte t introduces, for errors.
func messageName(t byte) string {
	switch t {
	case tagExec:
		return "MsgExec"
	case tagAttach:
		return "MsgAttach"
	case tagFail:
		return "MsgFail"
	case tagSucceed:
		return "MsgSucceed"
	case tagAwait:
		return "MsgAwait"
	case tagPoll:
		return "MsgPoll"
	case tagDetach:
		return "MsgDetach"
	case tagAttached:
		return "MsgAttached"
	case tagAttachFailed:
		return "MsgAttachFailed"
	}
	return ""
}
