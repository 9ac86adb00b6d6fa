/*
 * test_clock.c - the one clock: civil dates in China Standard Time, the test
 * clock that only moves when set (DESIGN.md "Time")
 */
#include "../tap.h"
#include "clock.h"

static void test_cst_dates(void)
{
	int64_t ms;
	char buf[40], d[11];
	/* 2026-11-23 00:00 CST is 2026-11-22 16:00 UTC */
	CHECK_INT(ms_parse("2026-11-23", &ms), 0);
	CHECK_INT(ms, 1795363200000LL);   /* 2026-11-22T16:00:00Z */
	date_format(date_of_ms(ms), d);
	CHECK_STR(d, "2026-11-23");
	date_format(date_of_ms(ms - 1), d);
	CHECK_STR(d, "2026-11-22");
	CHECK_INT(ms_parse("2026-11-23T09:30:05+08:00", &ms), 0);
	ms_format(ms, buf, sizeof buf);
	CHECK_STR(buf, "2026-11-23T09:30:05+08:00");
	CHECK_INT(ms_of_date(date_of_ms(ms)), ms - (9 * 3600 + 30 * 60 + 5) * 1000LL);
	/* only CST offsets and real times are accepted */
	CHECK_INT(ms_parse("2026-11-23T09:30:05Z", &ms), JRP_EINVAL);
	CHECK_INT(ms_parse("2026-11-23T24:00:00+08:00", &ms), JRP_EINVAL);
	CHECK_INT(ms_parse("2026-11-31", &ms), JRP_EINVAL);
	CHECK_INT(ms_parse("tomorrow", &ms), JRP_EINVAL);
}

static void test_test_clock(void)
{
	int64_t t;
	/* before test mode, setting does nothing */
	clock_set_ms(1000);
	CHECK(clock_now_ms() > 1700000000000LL);
	clock_enable_test();
	CHECK_INT(ms_parse("2029-11-20T08:00:00+08:00", &t), 0);
	clock_set_ms(t);
	CHECK_INT(clock_now_ms(), t);
	CHECK_INT(clock_now_ms(), t);   /* it stands still */
	{
		char d[11];
		date_format(clock_today(), d);
		CHECK_STR(d, "2029-11-20");
	}
	/* real time for waits is never the test clock */
	CHECK(clock_real_ms() != t);
}

int main(void)
{
	RUN(test_cst_dates);
	RUN(test_test_clock);
	TAP_DONE();
}
