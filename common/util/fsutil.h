/*
 * fsutil.h - small file-system helpers shared by the daemons and jrpctl
 */
#ifndef JRP_FSUTIL_H
#define JRP_FSUTIL_H
#include <sys/types.h>

/* mkdir_p - create path and its parents (parents 0755, path itself `mode`); 0 or -1 with errno */
int mkdir_p(const char *path, mode_t mode);

#endif
