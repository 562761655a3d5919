//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package transport

import "net"

// pendingInput cannot peek at sockets on this platform; early data is then
// only detected once it has been buffered.
func pendingInput(net.Conn) bool { return false }
