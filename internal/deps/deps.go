//go:build tools

// Package deps pins the project's mandated dependencies in go.mod before the
// packages that use them land (badger backs kv/, the Badger index of the
// chain follower). The "tools" build tag keeps it out of every build while
// `go mod tidy` still sees the imports.
package deps

import _ "github.com/dgraph-io/badger/v4"
