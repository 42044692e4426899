package wire

import (
	"os"
	"testing"
)

// setUp is set by TestMain, so the tests show it ran first.
var setUp bool

func TestMain(m *testing.M) {
	setUp = true
	os.Exit(m.Run())
}

func TestMainRanFirst(t *testing.T) {
	if !setUp {
		t.Fatal("TestMain did not run before the tests")
	}
}

func TestHeaderRoundTrip(t *testing.T) {
	h := Header{ID: 0xbeef, Response: true, Opcode: 2, RecursionDesired: true, Rcode: 3, QDCount: 1}
	got, err := ParseHeader(h.AppendTo(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got != h {
		t.Errorf("round trip: got %v, want %v", got, h)
	}
}

func TestShortHeader(t *testing.T) {
	if _, err := ParseHeader(make([]byte, HeaderLen-1)); err != ErrShortHeader {
		t.Errorf("err = %v, want ErrShortHeader", err)
	}
}

func TestReadNameInternal(t *testing.T) {
	b, err := appendName(nil, "a.example.")
	if err != nil {
		t.Fatal(err)
	}
	name, off, err := readName(b, 0)
	if err != nil || name != "a.example." || off != len(b) {
		t.Errorf("readName = %q, %d, %v", name, off, err)
	}
}
