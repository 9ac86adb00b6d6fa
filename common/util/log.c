/*
 * log.c - key=value log lines to stderr (see log.h)
 *
 * A line is "TIME LEVEL NAME key=value ...", TIME in UTC with its zone said
 * ("2026-11-23T01:00:00.000Z"). When stderr is the systemd journal (journald
 * sets $JOURNAL_STREAM to the "device:inode" of the stream it gave us), each
 * line starts with its syslog priority, "<3>" error, "<4>" warn, "<6>" info,
 * "<7>" debug (sd-daemon(3)), so that journalctl -p and the colours work.
 */
#include "log.h"
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int log_level = LOG_INFO;
static const char *log_name = "jrp";
static bool log_journal;

/* stderr_is_journal - $JOURNAL_STREAM names fd 2 itself (not a file a shell redirected it to) */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (!js || sscanf(js, "%llu:%llu%c", &dev, &ino, &end) != 2 || fstat(2, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

void log_init(const char *name, int level)
{
	log_name = name;
	log_level = level;
	log_journal = stderr_is_journal();
}

/* log_write - one line, one write(2): lines from several processes never interleave */
void log_write(int level, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	static const char *prio[] = { "<7>", "<6>", "<4>", "<3>" };
	char line[2048], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n, m;

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof line, "%s%s.%03ldZ %s %s ", log_journal ? prio[level & 3] : "", ts,
		     now.tv_nsec / 1000000, names[level & 3], log_name);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	n += m < 0 ? 0 : (m >= (int)(sizeof line - (size_t)n - 1) ? (int)(sizeof line - (size_t)n - 2) : m);
	line[n++] = '\n';
	if (write(2, line, (size_t)n) < 0)
		return;
}
