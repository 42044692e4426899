// Package wire encodes and decodes DNS query messages in the RFC 1035 wire
// format: header and question section only, names never compressed.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HeaderLen is the fixed size of a DNS message header in octets.
const HeaderLen = 12

const (
	flagQR = 1 << 15
	flagRD = 1 << 8
)

// ErrShortHeader is returned when a message is shorter than a header.
var ErrShortHeader = errors.New("wire: message shorter than header")

// Header is the fixed 12-octet DNS message header.
type Header struct {
	ID               uint16
	Response         bool
	Opcode           uint8
	RecursionDesired bool
	Rcode            uint8
	QDCount          uint16
	ANCount          uint16
	NSCount          uint16
	ARCount          uint16
}

// Flags returns the second header word.
func (h Header) Flags() uint16 {
	f := uint16(h.Opcode&0xF)<<11 | uint16(h.Rcode&0xF)
	if h.Response {
		f |= flagQR
	}
	if h.RecursionDesired {
		f |= flagRD
	}
	return f
}

// AppendTo appends the wire form of h to b, always in network byte order.
func (h Header) AppendTo(b []byte) []byte {
	var buf [HeaderLen]byte
	for i, v := range []uint16{h.ID, h.Flags(), h.QDCount, h.ANCount, h.NSCount, h.ARCount} {
		binary.BigEndian.PutUint16(buf[2*i:], v)
	}
	return append(b, buf[:]...)
}

// ParseHeader decodes the header at the start of b.
func ParseHeader(b []byte) (Header, error) {
	if len(b) < HeaderLen {
		return Header{}, ErrShortHeader
	}
	f := binary.BigEndian.Uint16(b[2:])
	return Header{
		ID:               binary.BigEndian.Uint16(b[0:]),
		Response:         f&flagQR != 0,
		Opcode:           uint8(f>>11) & 0xF,
		RecursionDesired: f&flagRD != 0,
		Rcode:            uint8(f & 0xF),
		QDCount:          binary.BigEndian.Uint16(b[4:]),
		ANCount:          binary.BigEndian.Uint16(b[6:]),
		NSCount:          binary.BigEndian.Uint16(b[8:]),
		ARCount:          binary.BigEndian.Uint16(b[10:]),
	}, nil
}

func (h Header) String() string {
	return fmt.Sprintf("id=0x%04x flags=0x%04x qd=%d an=%d ns=%d ar=%d",
		h.ID, h.Flags(), h.QDCount, h.ANCount, h.NSCount, h.ARCount)
}
