// Command minion is a small DNS-debug agent: it encodes DNS queries to
// their wire form, answers a JSON-RPC "query" call and runs offline probes.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"example.com/minion/internal/rpc"
	minver "example.com/minion/internal/version"
	"example.com/minion/internal/wire"
)

// queryID is the fixed DNS message ID used by the CLI so that its output is
// reproducible (a real resolver would randomise it).
const queryID = 0x1234

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("minion", flag.ContinueOnError)
	fs.SetOutput(stderr)
	selftest := fs.Bool("selftest", false, "run the deterministic self test")
	name := fs.String("name", "", "domain `name` to encode as an A query")
	asJSON := fs.Bool("json", false, "print the JSON-RPC response instead of hex")
	showVersion := fs.Bool("version", false, "print the version and the build information")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\nusage: minion -selftest | minion -name NAME [-json]\n", minver.String())
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 0 {
		return usageError(fs, stderr, "unexpected arguments")
	}

	if *showVersion {
		fmt.Fprintln(stdout, minver.String())
		fmt.Fprintf(stdout, "version\t%s\ncommit\t%s\n", version, minver.Commit)
		printBuildInfo(stdout)
		return 0
	}

	if *selftest {
		if *name != "" || *asJSON {
			return usageError(fs, stderr, "-selftest takes no other flags")
		}
		if err := runSelftest(stdout); err != nil {
			fmt.Fprintf(stdout, "selftest: FAIL %v\n", err)
			return 1
		}
		fmt.Fprintln(stdout, "selftest: ok")
		return 0
	}

	if *name == "" {
		return usageError(fs, stderr, "-name is required")
	}
	b, err := wire.NewQuery(queryID, *name, wire.TypeA).Pack()
	if err != nil {
		return usageError(fs, stderr, fmt.Sprintf("invalid -name %q: %v", *name, err))
	}
	if !*asJSON {
		fmt.Fprintln(stdout, wire.Hex(b))
		return 0
	}
	resp := rpc.Handle(rpc.Request{
		JSONRPC: "2.0",
		ID:      1,
		Method:  "query",
		Params:  rpc.QueryParams{Name: *name, Type: "A", QueryID: queryID},
	})
	out, err := rpc.Marshal(resp)
	if err != nil {
		fmt.Fprintf(stderr, "minion: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, string(out))
	return 0
}

func usageError(fs *flag.FlagSet, stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "minion: %s\n", msg)
	fs.Usage()
	return 2
}
