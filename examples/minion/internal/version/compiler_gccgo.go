// +build gccgo

package version

// Compiler names the toolchain this file set was selected for. This file
// carries only a legacy +build line on purpose: the go tool must still
// honour it and pick it when building with -compiler=gccgo.
const Compiler = "gccgo"
