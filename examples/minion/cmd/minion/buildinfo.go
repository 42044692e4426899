package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// version is the release a build says it is: set at link time with
// -ldflags "-X main.version=1.2.3".
var version = "dev"

// printBuildInfo writes what the binary says it was built from, as
// runtime/debug.ReadBuildInfo reports it: the main package's path, the main
// module, and (Go 1.18 and later) the build settings.
func printBuildInfo(w io.Writer) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(w, "No version information found")
		return
	}
	fmt.Fprintf(w, "path\t%s\n", bi.Path)
	fmt.Fprintf(w, "mod\t%s\t%s\n", bi.Main.Path, bi.Main.Version)
	for _, d := range bi.Deps {
		fmt.Fprintf(w, "dep\t%s\t%s\n", d.Path, d.Version)
	}
	printSettings(w, bi)
}
