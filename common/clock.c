/*
 * clock.c - the one clock (see clock.h)
 */
#include "clock.h"
#include "err.h"
#include <msgpack.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static bool test_mode;
static int64_t test_now;

void clock_enable_test(void)
{
	test_mode = true;
	if (!test_now) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		test_now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
}

bool clock_is_test(void) { return test_mode; }

void clock_set_ms(int64_t ms)
{
	if (test_mode)
		__atomic_store_n(&test_now, ms, __ATOMIC_RELAXED);   /* read by dispatch's front thread */
}

int64_t clock_now_ms(void)
{
	struct timespec ts;
	if (test_mode)
		return __atomic_load_n(&test_now, __ATOMIC_RELAXED);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t clock_real_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

jrp_date date_of_ms(int64_t ms)
{
	return (jrp_date)floordiv(ms + CST_OFFSET_MS, DAY_MS);
}

int64_t ms_of_date(jrp_date d)
{
	return (int64_t)d * DAY_MS - CST_OFFSET_MS;
}

jrp_date clock_today(void)
{
	return date_of_ms(clock_now_ms());
}

void ms_format(int64_t ms, char *buf, size_t n)
{
	jrp_date d = date_of_ms(ms);
	int64_t rem = ms + CST_OFFSET_MS - (int64_t)d * DAY_MS;
	char ds[11];
	int s = (int)(rem / 1000);
	date_format(d, ds);
	snprintf(buf, n, "%sT%02d:%02d:%02d+08:00", ds, s / 3600, s / 60 % 60, s % 60);
}

int ms_parse(const char *s, int64_t *out)
{
	jrp_date d;
	int hh, mm, ss;
	size_t n = strlen(s);
	char tail[8];
	if (n < 10 || date_parse(s, 10, &d) < 0)
		return JRP_EINVAL;
	if (n == 10) {
		*out = ms_of_date(d);
		return 0;
	}
	if (n != 25 || s[10] != 'T' || sscanf(s + 11, "%2d:%2d:%2d%6s", &hh, &mm, &ss, tail) != 4 ||
	    strcmp(tail, "+08:00") != 0 || hh > 23 || mm > 59 || ss > 59 || hh < 0 || mm < 0 || ss < 0)
		return JRP_EINVAL;
	*out = ms_of_date(d) + ((int64_t)hh * 3600 + mm * 60 + ss) * 1000;
	return 0;
}

int req_instant(const msgpack_object *o, const char *field, int64_t now, int64_t *out, jrp_error *e)
{
	char s[40];
	if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
		*out = (int64_t)o->via.u64;
	} else if (o->type == MSGPACK_OBJECT_STR && o->via.str.size < sizeof s) {
		snprintf(s, sizeof s, "%.*s", (int)o->via.str.size, o->via.str.ptr);
		if (ms_parse(s, out) != 0)
			return jrp_fail(e, JRP_ERR_BAD_VALUE, field, "\"%s\" is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+08:00", s);
	} else {
		return jrp_fail(e, JRP_ERR_WRONG_TYPE, field, "expected an instant: milliseconds since the epoch, or a "
				"time string YYYY-MM-DD[THH:MM:SS+08:00]");
	}
	if (*out > now)
		return jrp_fail(e, JRP_ERR_BAD_VALUE, field, "is in the future: an answer as of a past instant says what "
				"was so then");
	return 0;
}
