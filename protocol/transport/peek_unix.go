//go:build linux || darwin || freebsd || netbsd || openbsd

package transport

import (
	"net"
	"syscall"
)

// pendingInput reports whether the socket under nc holds unread input,
// without consuming it or blocking (a MSG_PEEK|MSG_DONTWAIT recv).
// Connections without a socket (net.Pipe) report false.
func pendingInput(nc net.Conn) bool {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var buf [1]byte
	pending := false
	err = rc.Read(func(fd uintptr) bool {
		n, _, rerr := syscall.Recvfrom(int(fd), buf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		pending = rerr == nil && n > 0
		return true // never wait for readiness: this is a probe
	})
	return err == nil && pending
}
