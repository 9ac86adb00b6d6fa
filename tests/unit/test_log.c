/*
 * test_log.c - log lines: the time zone said, and the syslog priority first
 * when stderr is the systemd journal ($JOURNAL_STREAM names fd 2), never when
 * it is not (a terminal, a file, a stream the variable does not name)
 */
#include "../tap.h"
#include "util/log.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char path[] = "/tmp/jrp-test-log-XXXXXX";

/* lines - stderr into a fresh file, $JOURNAL_STREAM as js says ("match": the file's own dev:ino),
 * one line at each level; the file's text into out */
static void lines(const char *js, char *out, size_t n)
{
	int saved = dup(2), fd = open(path, O_RDWR | O_TRUNC);
	struct stat st;
	char v[64];
	ssize_t r;

	fstat(fd, &st);
	if (js && strcmp(js, "match") == 0) {
		snprintf(v, sizeof v, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
		setenv("JOURNAL_STREAM", v, 1);
	} else if (js) {
		setenv("JOURNAL_STREAM", js, 1);
	} else {
		unsetenv("JOURNAL_STREAM");
	}
	dup2(fd, 2);
	log_init("ingest", LOG_DEBUG);
	log_debug("event=a");
	log_info("event=b");
	log_warn("event=c");
	log_error("event=d");
	dup2(saved, 2);
	close(saved);
	r = pread(fd, out, n - 1, 0);
	out[r > 0 ? r : 0] = 0;
	close(fd);
}

static void test_journal_priorities(void)
{
	char out[2048], *l[4], *p = out;
	lines("match", out, sizeof out);
	for (int i = 0; i < 4; i++) {
		l[i] = p;
		if ((p = strchr(p, '\n')))
			*p++ = 0;
		else
			p = (char *)"";
	}
	CHECK(strncmp(l[0], "<7>", 3) == 0 && strstr(l[0], " debug ingest event=a"));
	CHECK(strncmp(l[1], "<6>", 3) == 0 && strstr(l[1], " info ingest event=b"));
	CHECK(strncmp(l[2], "<4>", 3) == 0 && strstr(l[2], " warn ingest event=c"));
	CHECK(strncmp(l[3], "<3>", 3) == 0 && strstr(l[3], " error ingest event=d"));
	if (tap_cur_failed)
		printf("# %s\n# %s\n# %s\n# %s\n", l[0], l[1], l[2], l[3]);
}

static void test_not_journal(void)
{
	char out[2048];
	/* no variable; another stream's; garbage: plain lines */
	const char *cases[] = { NULL, "1:2", "x", "12:34:56" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		lines(cases[i], out, sizeof out);
		CHECK(out[0] >= '0' && out[0] <= '9');
		CHECK(!strstr(out, "<6>") && !strstr(out, "<3>"));
	}
}

static void test_time_zone(void)
{
	char out[2048];
	int y, mo, d, h, mi, s, ms;
	char z = 0;
	lines(NULL, out, sizeof out);
	/* 2026-11-23T01:00:00.000Z info ... : UTC, and it says so */
	CHECK(sscanf(out, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c ", &y, &mo, &d, &h, &mi, &s, &ms, &z) == 8);
	CHECK(z == 'Z');
	CHECK(out[23] == 'Z' && out[24] == ' ');
}

int main(void)
{
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);
	RUN(test_journal_priorities);
	RUN(test_not_journal);
	RUN(test_time_zone);
	unlink(path);
	TAP_DONE();
}
