//go:build !linux

package main

import (
	"io/fs"
	"syscall"
)

// childAttr has nothing to add off Linux; the bench reads the child's
// memory and CPU time from /proc and so fails clearly there anyway.
func childAttr() *syscall.SysProcAttr { return nil }

// allocated is a file's size (its allocated blocks are not portable).
func allocated(info fs.FileInfo) int64 { return info.Size() }
