// Package rpc implements the minion's JSON-RPC 2.0 surface: the "query"
// method encodes a DNS query and returns its wire form.
package rpc

import (
	"encoding/json"

	"example.com/minion/internal/version"
	"example.com/minion/internal/wire"
)

// JSON-RPC 2.0 error codes used by Handle.
const (
	CodeParseError     = -32700
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
)

// Request is a JSON-RPC request.
type Request struct {
	JSONRPC string      `json:"jsonrpc"`
	ID      int         `json:"id"`
	Method  string      `json:"method"`
	Params  QueryParams `json:"params"`
}

// QueryParams describes the query to encode.
type QueryParams struct {
	Name    string `json:"name"`
	Type    string `json:"type,omitempty"`
	QueryID uint16 `json:"query_id,omitempty"`
}

// Result is the successful outcome of a call.
type Result struct {
	Agent    string `json:"agent"`
	Question string `json:"question"`
	Wire     string `json:"wire"`
	Length   int    `json:"length"`
}

// Error is a JSON-RPC error object.
type Error struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// Response is a JSON-RPC response; exactly one of Result and Error is set.
type Response struct {
	JSONRPC string  `json:"jsonrpc"`
	ID      int     `json:"id"`
	Result  *Result `json:"result,omitempty"`
	Error   *Error  `json:"error,omitempty"`
}

func failure(id, code int, msg string) Response {
	return Response{JSONRPC: "2.0", ID: id, Error: &Error{Code: code, Message: msg}}
}

// Handle executes one request.
func Handle(req Request) Response {
	if req.Method != "query" {
		return failure(req.ID, CodeMethodNotFound, "unknown method "+req.Method)
	}
	p := req.Params
	if p.Type == "" {
		p.Type = "A"
	}
	t, err := wire.ParseType(p.Type)
	if err != nil {
		return failure(req.ID, CodeInvalidParams, err.Error())
	}
	m := wire.NewQuery(p.QueryID, p.Name, t)
	b, err := m.Pack()
	if err != nil {
		return failure(req.ID, CodeInvalidParams, err.Error())
	}
	return Response{JSONRPC: "2.0", ID: req.ID, Result: &Result{
		Agent:    version.String(),
		Question: m.Questions[0].String(),
		Wire:     wire.Hex(b),
		Length:   len(b),
	}}
}

// Marshal encodes resp as compact JSON in struct field order.
func Marshal(resp Response) ([]byte, error) {
	return json.Marshal(resp)
}

// HandleJSON decodes a request, executes it and encodes the response.
func HandleJSON(data []byte) ([]byte, error) {
	var req Request
	if err := json.Unmarshal(data, &req); err != nil {
		return Marshal(failure(0, CodeParseError, "parse error"))
	}
	return Marshal(Handle(req))
}
