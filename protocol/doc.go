// Package protocol is the Marlowe Runtime wire protocol (the marlowe-proxy
// protocol on port 3700): Haskell Data.Binary codecs, session state machines,
// the TCP server and the Go client.
package protocol
