/*
 * xalloc.h - allocation that never returns NULL: out of memory aborts here,
 * in one place, with a log line (a daemon that cannot allocate cannot keep
 * its promises; the supervisor restarts it and it resumes from its cursor).
 */
#ifndef JRP_XALLOC_H
#define JRP_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* xoom - what could not be allocated (a library's allocation failed): logged, then abort */
void xoom(const char *what, size_t n) __attribute__((noreturn));

#endif
