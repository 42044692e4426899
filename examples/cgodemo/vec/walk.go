package vec

// #include "vec.h"
import "C"

import "sync"

var (
	mu       sync.Mutex
	visitors = map[int]func(int) int{}
	next     int
)

// Walk calls f(1) … f(n) from C and returns the sum of its results.
func Walk(n int, f func(int) int) int {
	mu.Lock()
	next++
	tag := next
	visitors[tag] = f
	mu.Unlock()
	defer func() {
		mu.Lock()
		delete(visitors, tag)
		mu.Unlock()
	}()
	return int(C.vec_walk(C.int(tag), C.int(n)))
}

//export goVisit
func goVisit(tag, i C.int) C.long {
	mu.Lock()
	f := visitors[int(tag)]
	mu.Unlock()
	return C.long(f(int(i)))
}
