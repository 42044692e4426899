//go:build !gccgo
// +build !gccgo

package version

// Compiler names the toolchain this file set was selected for.
const Compiler = "gc"
