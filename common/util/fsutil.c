/*
 * fsutil.c - file-system helpers (see fsutil.h)
 */
#include "fsutil.h"
#include "xalloc.h"
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int rc = 0;
	for (s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				rc = -1;
			*s = '/';
		}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}
