/*
 * log.c - key=value log lines to stderr (see log.h)
 */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

int log_level = LOG_INFO;
static const char *log_name = "jrp";

void log_init(const char *name, int level)
{
	log_name = name;
	log_level = level;
}

void log_write(int level, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	flockfile(stderr);
	fprintf(stderr, "%s.%03ldZ %s %s ", ts, now.tv_nsec / 1000000, names[level & 3], log_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}
