/*
 * str.h - string copies on hot paths (snprintf("%s") was a tenth of ingest's instructions)
 */
#ifndef JRP_UTIL_STR_H
#define JRP_UTIL_STR_H
#include <stddef.h>
#include <string.h>

/* str_copy - src into dst (n > 0 bytes), cut short if it must be, always NUL-terminated,
 * as snprintf(dst, n, "%s", src) would; returns the length copied */
static inline size_t str_copy(char *dst, size_t n, const char *src)
{
	size_t l = strnlen(src, n - 1);
	memcpy(dst, src, l);
	dst[l] = 0;
	return l;
}

#endif
