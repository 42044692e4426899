package hdrcast

import "testing"

func TestDecodeNetworkOrder(t *testing.T) {
	h := Decode([]byte{0x12, 0x34, 0x81, 0x80})
	if h.ID != 0x1234 {
		t.Errorf("ID = %#04x, want 0x1234", h.ID)
	}
	if !h.Response() {
		t.Errorf("Flags = %#04x: QR bit not set", h.Flags)
	}
}

func TestZeroHeader(t *testing.T) {
	if h := Decode(make([]byte, 4)); h != (Header{}) {
		t.Errorf("Decode(zeros) = %+v", h)
	}
}
