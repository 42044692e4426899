/* A 2-D point and what the C side does with it. */
#ifndef CGODEMO_VEC_H
#define CGODEMO_VEC_H

struct point {
	double x, y;
};

/* The Euclidean length of p (libm's hypot: #cgo LDFLAGS: -lm). */
double vec_len(struct point p);

/* p scaled by k, returned by value. */
struct point vec_scale(struct point p, double k);

/* Calls the Go function goVisit(tag, i) for i = 1 … n and returns the sum
   of its results: a callback from C into Go. */
long vec_walk(int tag, int n);

/* A constant string owned by C. */
const char *vec_name(void);

#endif
