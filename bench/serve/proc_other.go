//go:build !linux

package main

import "syscall"

// childAttr has nothing to add off Linux; the bench reads the child's
// memory and CPU time from /proc and so fails clearly there anyway.
func childAttr() *syscall.SysProcAttr { return nil }
