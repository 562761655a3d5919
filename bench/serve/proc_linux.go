package main

import (
	"io/fs"
	"runtime"
	"syscall"
)

// The child is started from the main goroutine; locking it to the main
// thread makes the parent-death signal below fire only when the bench
// process itself ends (Linux sends it when the forking thread exits).
func init() { runtime.LockOSThread() }

// childAttr makes the kernel send SIGTERM to the serving process if the
// bench dies without cleaning up (killed, crashed), so that no server is
// left holding a port and memory on a shared machine.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// allocated is the disk space a file takes: its allocated blocks, so that
// sparse or preallocated files count what they use.
func allocated(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return info.Size()
}
