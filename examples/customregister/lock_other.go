//go:build !(darwin || dragonfly || freebsd || linux || netbsd || openbsd)

package main

import "os"

// hasFileLock reports whether lockFile really locks.
const hasFileLock = false

// lockFile does nothing on systems without flock(2): keeping one
// FileRegister per file is then the caller's duty.
func lockFile(*os.File) error { return nil }

// syncDir does nothing on systems where a directory cannot be synced.
func syncDir(string) error { return nil }
