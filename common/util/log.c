/*
 * log.c - key=value log lines to stderr (see log.h)
 */
#include "log.h"
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int log_level = LOG_INFO;
static const char *log_name = "jrp";

void log_init(const char *name, int level)
{
	log_name = name;
	log_level = level;
}

/* log_write - one line, one write(2): lines from several processes never interleave */
void log_write(int level, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	char line[2048], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n, m;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof line, "%s.%03ldZ %s %s ", ts, now.tv_nsec / 1000000, names[level & 3], log_name);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n += m < 0 ? 0 : (m >= (int)(sizeof line - (size_t)n - 1) ? (int)(sizeof line - (size_t)n - 2) : m);
	line[n++] = '\n';
	if (write(2, line, (size_t)n) < 0)
		return;
}
