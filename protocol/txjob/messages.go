package txjob

import "github.com/marlowe-lite/marlowe-lite/protocol/job"

// The TxJob messages are the generic Job messages (package job); these
// aliases let callers name them from this package.
type (
	// MsgExec asks the server to run a Command.
	MsgExec = job.MsgExec
	// MsgAttach attaches to a running Submit job (JobIdSubmit).
	MsgAttach = job.MsgAttach
	// MsgAttached says the job exists.
	MsgAttached = job.MsgAttached
	// MsgAttachFailed says there is no such job.
	MsgAttachFailed = job.MsgAttachFailed
	// MsgFail carries the command's error value.
	MsgFail = job.MsgFail
	// MsgSucceed carries the command's result.
	MsgSucceed = job.MsgSucceed
	// MsgAwait carries a SubmitStatus and a JobIdSubmit.
	MsgAwait = job.MsgAwait
	// MsgPoll asks for the job's state again.
	MsgPoll = job.MsgPoll
	// MsgDetach leaves the job running and ends the session.
	MsgDetach = job.MsgDetach
)
