package wire

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
)

// Errors reported by Unpack.
var (
	ErrTruncatedQuestion = errors.New("wire: truncated question")
	ErrRecordsPresent    = errors.New("wire: resource record sections are not supported")
	ErrTrailingData      = errors.New("wire: trailing data after message")
)

// Question is one entry of the question section.
type Question struct {
	Name  string
	Type  Type
	Class Class
}

func (q Question) String() string {
	return q.Name + " " + q.Type.String() + " " + q.Class.String()
}

// Message is a DNS query: a header and its questions.
type Message struct {
	Header    Header
	Questions []Question
}

// NewQuery returns a recursive IN-class query for name and t.
func NewQuery(id uint16, name string, t Type) *Message {
	return &Message{
		Header:    Header{ID: id, RecursionDesired: true, QDCount: 1},
		Questions: []Question{{Name: CanonicalName(name), Type: t, Class: ClassINET}},
	}
}

// Pack encodes m. The QDCount written is always len(m.Questions).
func (m *Message) Pack() ([]byte, error) {
	h := m.Header
	h.QDCount = uint16(len(m.Questions))
	h.ANCount, h.NSCount, h.ARCount = 0, 0, 0
	b := h.AppendTo(make([]byte, 0, 64))
	var err error
	for _, q := range m.Questions {
		if b, err = appendName(b, q.Name); err != nil {
			return nil, err
		}
		var tc [4]byte
		binary.BigEndian.PutUint16(tc[0:], uint16(q.Type))
		binary.BigEndian.PutUint16(tc[2:], uint16(q.Class))
		b = append(b, tc[:]...)
	}
	return b, nil
}

// Unpack decodes a query message produced by Pack or a compatible encoder.
func Unpack(b []byte) (*Message, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return nil, err
	}
	if h.ANCount != 0 || h.NSCount != 0 || h.ARCount != 0 {
		return nil, ErrRecordsPresent
	}
	m := &Message{Header: h}
	off := HeaderLen
	for i := 0; i < int(h.QDCount); i++ {
		var q Question
		if q.Name, off, err = readName(b, off); err != nil {
			return nil, err
		}
		if off+4 > len(b) {
			return nil, ErrTruncatedQuestion
		}
		q.Type = Type(binary.BigEndian.Uint16(b[off:]))
		q.Class = Class(binary.BigEndian.Uint16(b[off+2:]))
		off += 4
		m.Questions = append(m.Questions, q)
	}
	if off != len(b) {
		return nil, ErrTrailingData
	}
	return m, nil
}

func (m *Message) String() string {
	s := m.Header.String()
	for _, q := range m.Questions {
		s += "; " + q.String()
	}
	return s
}

// Hex returns the lower-case hexadecimal form of b.
func Hex(b []byte) string {
	return hex.EncodeToString(b)
}
