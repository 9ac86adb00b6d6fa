/*
 * vec.h - a growable array of uint64_t (ids, seqs) for walks that must not stop at a
 * fixed bound: collect first, then act (the act may write to the index being walked)
 */
#ifndef JRP_VEC_H
#define JRP_VEC_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "xalloc.h"

typedef struct u64vec {
	uint64_t *v;
	size_t n, cap;
} u64vec;

static inline void u64vec_push(u64vec *a, uint64_t x)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof *a->v);
	}
	a->v[a->n++] = x;
}

static inline void u64vec_free(u64vec *a)
{
	free(a->v);
	a->v = NULL;
	a->n = a->cap = 0;
}

#endif
