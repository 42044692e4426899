//go:build !go1.18

package main

import (
	"io"
	"runtime/debug"
)

// printSettings: Go 1.16's BuildInfo has no settings.
func printSettings(w io.Writer, bi *debug.BuildInfo) {}
