// Package hdrcast decodes the first two words of a DNS header the fast way
// someone once wrote it on a PC: by casting the buffer to a struct of
// uint16 and swapping the bytes, because "the network is big-endian and we
// are little-endian". That holds on amd64 and mipsel and is wrong on
// big-endian MIPS (ath79 routers) and PowerPC, where the cast already
// yields network order and the swap breaks it. encoding/binary.BigEndian is
// the portable way; this package keeps the bug so `gccgo-build test` can
// show it on the target's own byte order.
package hdrcast

import (
	"math/bits"
	"unsafe"
)

// Header holds the message ID and the flags word, in host values.
type Header struct {
	ID    uint16
	Flags uint16
}

type raw struct {
	id, flags uint16
}

// Decode reads the header at the start of b (at least 4 bytes).
func Decode(b []byte) Header {
	r := (*raw)(unsafe.Pointer(&b[0]))
	// The bug: assumes the host is little-endian.
	return Header{ID: bits.ReverseBytes16(r.id), Flags: bits.ReverseBytes16(r.flags)}
}

// Response reports whether the QR bit of the flags is set.
func (h Header) Response() bool { return h.Flags&0x8000 != 0 }
