//go:build go1.18

package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// printSettings writes the build settings (Go 1.18's BuildInfo.Settings).
func printSettings(w io.Writer, bi *debug.BuildInfo) {
	for _, s := range bi.Settings {
		fmt.Fprintf(w, "build\t%s=%s\n", s.Key, s.Value)
	}
}
