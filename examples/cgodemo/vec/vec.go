// Package vec calls C (vec.c) with a struct, gets a struct back, and is
// called back from C: vec_walk calls the exported Go function goVisit.
package vec

/*
#cgo CFLAGS: -DVEC_SCALE_DEFAULT=2
#cgo LDFLAGS: -lm
#include <stdlib.h>
#include "vec.h"

static int scale_default(void) { return VEC_SCALE_DEFAULT; }
*/
import "C"

import "unsafe"

// Point is a 2-D point, converted to C's struct point.
type Point struct{ X, Y float64 }

func (p Point) c() C.struct_point {
	return C.struct_point{x: C.double(p.X), y: C.double(p.Y)}
}

// Len is |p|, computed by C's hypot.
func Len(p Point) float64 { return float64(C.vec_len(p.c())) }

// Scale returns p scaled by k (by the default factor when k is 0), computed in C.
func Scale(p Point, k float64) Point {
	if k == 0 {
		k = float64(C.scale_default())
	}
	r := C.vec_scale(p.c(), C.double(k))
	return Point{float64(r.x), float64(r.y)}
}

// Name is a string that C owns, copied into Go.
func Name() string { return C.GoString(C.vec_name()) }

// Echo copies s into C memory and back.
func Echo(s string) string {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return C.GoString(cs)
}
