#include <math.h>

#include "vec.h"
#include "_cgo_export.h"

double vec_len(struct point p) {
	return hypot(p.x, p.y);
}

struct point vec_scale(struct point p, double k) {
	struct point r = {p.x * k, p.y * k};
	return r;
}

long vec_walk(int tag, int n) {
	long sum = 0;
	for (int i = 1; i <= n; i++) {
		sum += goVisit(tag, i);
	}
	return sum;
}

const char *vec_name(void) {
	return "vec.c (" __FILE__ ")";
}
