package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"example.com/minion/internal/probe"
	"example.com/minion/internal/rpc"
	minver "example.com/minion/internal/version"
	"example.com/minion/internal/wire"
)

// Known-good values. All self test output derives from fixed inputs, so it
// is identical on every host, byte order and word size; only the
// "compiler:" line depends on the toolchain.
const (
	wantWire   = "123401000001000000000000076578616d706c65036f72670000010001"
	rpcRequest = `{"jsonrpc":"2.0","id":7,"method":"query","params":{"name":"Example.ORG","type":"aaaa","query_id":4660}}`
	wantRPC    = `{"jsonrpc":"2.0","id":7,"result":{"agent":"minion/0.3.0","question":"example.org. AAAA IN",` +
		`"wire":"123401000001000000000000076578616d706c65036f726700001c0001","length":29}}`
	wantRPCError = `{"jsonrpc":"2.0","id":8,"error":{"code":-32601,"message":"unknown method dig"}}`
	wantProbes   = 7
	wantBudget   = 21 * time.Millisecond
)

func check(what, got, want string) error {
	if got != want {
		return fmt.Errorf("%s: got %s, want %s", what, got, want)
	}
	return nil
}

func runSelftest(w io.Writer) error {
	fmt.Fprintf(w, "%s selftest\n", minver.String())

	// Build-constraint selection must agree with the toolchain and target.
	fmt.Fprintf(w, "compiler: %s\n", minver.Compiler)
	if err := check("compiler", minver.Compiler, runtime.Compiler); err != nil {
		return err
	}
	fmt.Fprintf(w, "platform: %s\n", probe.Platform())
	if err := check("platform", probe.Platform(), runtime.GOOS); err != nil {
		return err
	}

	// Floating point through libgo: traps on an FPU-less core unless soft-float.
	fl := floatLine()
	fmt.Fprintf(w, "float: %s\n", fl)
	if err := check("float", fl, wantFloat); err != nil {
		return err
	}

	// Encode and decode a query.
	q := wire.NewQuery(queryID, "example.org.", wire.TypeA)
	fmt.Fprintf(w, "query: %s\n", q.Questions[0])
	b, err := q.Pack()
	if err != nil {
		return fmt.Errorf("pack: %v", err)
	}
	fmt.Fprintf(w, "wire: %s (%d octets)\n", wire.Hex(b), len(b))
	if err := check("wire", wire.Hex(b), wantWire); err != nil {
		return err
	}
	m, err := wire.Unpack(b)
	if err != nil {
		return fmt.Errorf("unpack: %v", err)
	}
	fmt.Fprintf(w, "decoded: %s\n", m)
	if err := check("decoded", m.String(), q.String()); err != nil {
		return err
	}

	// Malformed input must be rejected with the right error.
	bad := []struct {
		label string
		data  []byte
		want  error
	}{
		{"short", b[:5], wire.ErrShortHeader},
		{"truncated", b[:20], wire.ErrTruncatedName},
		{"compressed", append(append([]byte{}, b[:12]...), 0xC0, 0x0C, 0, 1, 0, 1), wire.ErrCompressed},
		{"trailing", append(append([]byte{}, b...), 0), wire.ErrTrailingData},
	}
	for _, c := range bad {
		_, err := wire.Unpack(c.data)
		fmt.Fprintf(w, "reject %s: %v\n", c.label, err)
		if !errors.Is(err, c.want) {
			return fmt.Errorf("reject %s: got %v, want %v", c.label, err, c.want)
		}
	}

	// JSON-RPC: one good call, one unknown method.
	for _, c := range [][2]string{
		{rpcRequest, wantRPC},
		{`{"jsonrpc":"2.0","id":8,"method":"dig"}`, wantRPCError},
	} {
		out, err := rpc.HandleJSON([]byte(c[0]))
		if err != nil {
			return fmt.Errorf("rpc: %v", err)
		}
		fmt.Fprintf(w, "rpc: %s\n", out)
		if err := check("rpc", string(out), c[1]); err != nil {
			return err
		}
	}

	// Probes run concurrently; results come back sorted by name.
	results := probe.RunAll(probe.Default())
	failed := 0
	for _, r := range results {
		fmt.Fprintf(w, "probe %s\n", r)
		if !r.OK {
			failed++
		}
	}
	total := probe.TotalBudget(results)
	fmt.Fprintf(w, "probes: %d run, %d failed, budget %s\n", len(results), failed, total)
	if failed != 0 || len(results) != wantProbes || total != wantBudget {
		return fmt.Errorf("probes: want %d run, 0 failed, budget %s", wantProbes, wantBudget)
	}
	return nil
}
