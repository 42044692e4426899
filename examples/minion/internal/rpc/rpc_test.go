package rpc_test

import (
	"strings"
	"testing"

	"example.com/minion/internal/rpc"
)

func TestQuery(t *testing.T) {
	out, err := rpc.HandleJSON([]byte(`{"jsonrpc":"2.0","id":1,"method":"query","params":{"name":"a.test"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"question":"a.test. A IN"`) {
		t.Errorf("unexpected response %s", out)
	}
}

func TestUnknownMethod(t *testing.T) {
	resp := rpc.Handle(rpc.Request{JSONRPC: "2.0", ID: 2, Method: "nope"})
	if resp.Error == nil || resp.Error.Code != rpc.CodeMethodNotFound {
		t.Errorf("got %+v, want method not found", resp)
	}
}

func TestShortMode(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
}
