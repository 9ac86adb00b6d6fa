/*
 * test_calendar.c - dates, periods and working days (common/calendar.c)
 *
 * Working-day deadlines follow the State Council's yearly holiday schedule,
 * days off and make-up weekend days (DOMAIN.md "Working days" [national]);
 * report lateness is 7 working days [001 §(一)1,4]. Uses the real files in
 * rules/calendar/ and broken ones written to a temporary directory.
 */
#include "calendar.h"
#include "../tap.h"
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[64];

static jrp_date D(const char *s)
{
	jrp_date d = 0;

	if (date_parse(s, strlen(s), &d) != 0) {
		printf("# bad date in test: %s\n", s);
		abort();
	}
	return d;
}

static const char *F(jrp_date d)
{
	static char buf[4][11];
	static int i;

	i = (i + 1) % 4;
	date_format(d, buf[i]);
	return buf[i];
}

static char *write_file(const char *name, const char *text)
{
	char *path = malloc(strlen(tmpdir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static jrp_calendar *real_calendar(void)
{
	static const char *years[] = { "2025", "2026", "2027" };
	jrp_calendar *cal = calendar_new();
	jrp_error e;
	char path[512];
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/rules/calendar/%s.yaml", JRP_SOURCE_ROOT, years[i]);
		jrp_error_clear(&e);
		CHECK_INT(calendar_load_file(cal, path, &e), 0);
		if (e.message[0])
			printf("# %s: %s\n", e.field, e.message);
	}
	return cal;
}

/* strict YYYY-MM-DD: real days of real months only */
static void test_date_parse(void)
{
	jrp_date d;

	CHECK_INT(date_parse("2026-01-01", 10, &d), 0);
	CHECK_STR(F(d), "2026-01-01");
	CHECK_INT(date_parse("1970-01-01", 10, &d), 0);
	CHECK_INT(d, 0);
	CHECK_INT(date_parse("2024-02-29", 10, &d), 0);           /* leap year */
	CHECK_INT(date_parse("2000-02-29", 10, &d), 0);           /* 400-year rule */
	CHECK_INT(date_parse("2026-02-30", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2025-02-29", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("1900-02-29", 10, &d), JRP_EINVAL);  /* 100-year rule */
	CHECK_INT(date_parse("2026-04-31", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026-13-01", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026-00-10", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026-01-00", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026-1-01", 9, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026/01/01", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026-01-011", 11, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026-01-01", 9, &d), JRP_EINVAL);   /* length is exact */
	CHECK_INT(date_parse("1899-12-31", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("+026-01-01", 10, &d), JRP_EINVAL);
	CHECK_INT(date_parse("2026-0a-01", 10, &d), JRP_EINVAL);
}

/* the day-number conversions agree with a plain day-by-day walk */
static void test_date_roundtrip(void)
{
	int y = 1900, m = 1, d = 1, yy, mm, dd, bad = 0;
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	jrp_date n = date_from_ymd(1900, 1, 1);

	for (; y < 2101; n++) {
		date_to_ymd(n, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d || date_from_ymd(y, m, d) != n)
			bad++;
		if (++d > dim[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	CHECK_INT(bad, 0);
	CHECK_INT(date_weekday(0), 4);                   /* 1970-01-01 Thursday */
	CHECK_INT(date_weekday(D("2026-09-30")), 3);     /* Wednesday */
	CHECK_INT(date_weekday(D("2026-10-10")), 6);     /* Saturday */
	CHECK_INT(date_weekday(D("2026-10-11")), 7);     /* Sunday */
	CHECK_INT(date_weekday(D("1969-12-31")), 3);     /* negative day numbers */
	CHECK_INT(date_weekday(D("1900-01-01")), 1);
}

/* periods "3y", "6m", "10d", "1y6m": validity, repair minimum, exit focus (DOMAIN.md "Lists") */
static void test_period_parse(void)
{
	jrp_period p;
	char buf[32];

	CHECK_INT(period_parse("3y", &p), 0);
	CHECK(p.years == 3 && p.months == 0 && p.days == 0);
	CHECK_INT(period_parse("6m", &p), 0);
	CHECK(p.years == 0 && p.months == 6 && p.days == 0);
	CHECK_INT(period_parse("10d", &p), 0);
	CHECK(p.years == 0 && p.months == 0 && p.days == 10);
	CHECK_INT(period_parse("1y6m", &p), 0);
	CHECK(p.years == 1 && p.months == 6 && p.days == 0);
	CHECK_INT(period_parse("1y6m10d", &p), 0);
	CHECK(p.years == 1 && p.months == 6 && p.days == 10);
	CHECK_INT(period_parse("0d", &p), 0);
	CHECK(period_is_zero(p));
	period_format(p, buf, sizeof buf);
	CHECK_STR(buf, "0d");
	period_parse("1y6m", &p);
	period_format(p, buf, sizeof buf);
	CHECK_STR(buf, "1y6m");
	period_parse("2m15d", &p);
	period_format(p, buf, sizeof buf);
	CHECK_STR(buf, "2m15d");
	CHECK(!period_is_zero(p));

	CHECK_INT(period_parse("", &p), JRP_EINVAL);
	CHECK_INT(period_parse("3", &p), JRP_EINVAL);
	CHECK_INT(period_parse("y", &p), JRP_EINVAL);
	CHECK_INT(period_parse("3x", &p), JRP_EINVAL);
	CHECK_INT(period_parse("3Y", &p), JRP_EINVAL);
	CHECK_INT(period_parse("6m1y", &p), JRP_EINVAL);   /* order y, m, d */
	CHECK_INT(period_parse("1y1y", &p), JRP_EINVAL);
	CHECK_INT(period_parse("01y", &p), JRP_EINVAL);
	CHECK_INT(period_parse("-1y", &p), JRP_EINVAL);
	CHECK_INT(period_parse("1 y", &p), JRP_EINVAL);
	CHECK_INT(period_parse("1y ", &p), JRP_EINVAL);
	CHECK_INT(period_parse("99999d", &p), JRP_EINVAL);
}

/* years and months with the day clamped to the month's end, then days */
static void test_period_add(void)
{
	jrp_period p;

	period_parse("1m", &p);
	CHECK_STR(F(date_add_period(D("2024-01-31"), p)), "2024-02-29");
	CHECK_STR(F(date_add_period(D("2025-01-31"), p)), "2025-02-28");
	CHECK_STR(F(date_add_period(D("2026-12-15"), p)), "2027-01-15");
	period_parse("1y", &p);
	CHECK_STR(F(date_add_period(D("2024-02-29"), p)), "2025-02-28");
	period_parse("3y", &p);   /* tax.major_violation validity from the decision date */
	CHECK_STR(F(date_add_period(D("2026-03-15"), p)), "2029-03-15");
	period_parse("6m", &p);
	CHECK_STR(F(date_add_period(D("2026-03-31"), p)), "2026-09-30");
	CHECK_STR(F(date_add_period(D("2026-08-31"), p)), "2027-02-28");
	period_parse("1y6m", &p);
	CHECK_STR(F(date_add_period(D("2026-08-31"), p)), "2028-02-29");
	period_parse("10d", &p);
	CHECK_STR(F(date_add_period(D("2026-12-25"), p)), "2027-01-04");
	period_parse("1m10d", &p);  /* clamp first, then the days */
	CHECK_STR(F(date_add_period(D("2026-01-31"), p)), "2026-03-10");
	period_parse("0d", &p);
	CHECK_STR(F(date_add_period(D("2026-01-31"), p)), "2026-01-31");
}

/* DOMAIN.md "Working days": the 2026 table, days off and 调休 make-up days [national] */
static void test_workdays_2026(void)
{
	jrp_calendar *cal = real_calendar();

	CHECK_STR(calendar_year_status(cal, 2025), "official");
	CHECK_STR(calendar_year_status(cal, 2026), "official");
	CHECK(!calendar_is_workday(cal, D("2026-01-01")));
	CHECK(!calendar_is_workday(cal, D("2026-01-02")));        /* Friday, off */
	CHECK(calendar_is_workday(cal, D("2026-01-04")));         /* Sunday, worked */
	CHECK(calendar_is_workday(cal, D("2026-02-14")));         /* Saturday, worked */
	CHECK(!calendar_is_workday(cal, D("2026-02-23")));        /* Monday, off */
	CHECK(calendar_is_workday(cal, D("2026-02-24")));
	CHECK(calendar_is_workday(cal, D("2026-02-28")));         /* Saturday, worked */
	CHECK(!calendar_is_workday(cal, D("2026-03-01")));        /* Sunday */
	CHECK(calendar_is_workday(cal, D("2026-05-09")));         /* Saturday, worked */
	CHECK(!calendar_is_workday(cal, D("2026-06-19")));
	CHECK(calendar_is_workday(cal, D("2026-09-20")));         /* Sunday, worked */
	CHECK(!calendar_is_workday(cal, D("2026-09-25")));
	CHECK(!calendar_is_workday(cal, D("2026-10-01")));
	CHECK(!calendar_is_workday(cal, D("2026-10-07")));        /* Wednesday, off */
	CHECK(calendar_is_workday(cal, D("2026-10-08")));
	CHECK(calendar_is_workday(cal, D("2026-10-10")));         /* Saturday, worked */
	CHECK(!calendar_is_workday(cal, D("2026-10-11")));

	/* 5 working days from 2026-09-30: Oct 1-7 off, Oct 8, 9, 10 (Sat, worked), 12, 13 */
	CHECK_STR(F(calendar_add_workdays(cal, D("2026-09-30"), 5)), "2026-10-13");
	CHECK_STR(F(calendar_add_workdays(cal, D("2026-09-30"), 1)), "2026-10-08");
	CHECK_STR(F(calendar_add_workdays(cal, D("2026-10-09"), 1)), "2026-10-10");
	CHECK_STR(F(calendar_add_workdays(cal, D("2026-09-30"), 0)), "2026-09-30");
	CHECK_INT(calendar_workdays_between(cal, D("2026-09-30"), D("2026-10-13")), 5);
	CHECK_INT(calendar_workdays_between(cal, D("2026-10-13"), D("2026-09-30")), 0);
	CHECK_INT(calendar_workdays_between(cal, D("2026-10-01"), D("2026-10-07")), 0);
	/* 7 working days to report a decision of Friday 2026-02-13 [001 §(一)1]:
	 * Sat 14 (worked), 24, 25, 26, 27, Sat 28 (worked), Mar 2 */
	CHECK_STR(F(calendar_add_workdays(cal, D("2026-02-13"), 7)), "2026-03-02");
	/* across the year end: 2025-12-31 -> Jan 1-3 off, Sunday Jan 4 worked */
	CHECK_STR(F(calendar_add_workdays(cal, D("2025-12-31"), 1)), "2026-01-04");
	CHECK_INT(calendar_workdays_between(cal, D("2025-12-30"), D("2026-01-05")), 3);
	/* 2025: Oct 1-8 off, Sat Oct 11 worked */
	CHECK_STR(F(calendar_add_workdays(cal, D("2025-09-30"), 3)), "2025-10-11");
	/* a whole official year: 2026 has 261 weekdays - 19 weekday holidays + 6 make-up days */
	CHECK_INT(calendar_workdays_between(cal, D("2025-12-31"), D("2026-12-31")), 248);
	calendar_free(&cal);
	CHECK(cal == NULL);
}

/* Time limits in days (期间) as the standards give them (DOMAIN.md Life 1: "the period the standard
 * gives", 国家税务总局令第54号's 5 days to state one's case): 5d counts calendar days, the start
 * day excluded (《民法典》第二百零一条), and a last day that is a day off moves to the next working
 * day (第二百零三条); 5wd counts working days. Parsing is strict. */
static void test_limits(void)
{
	jrp_calendar *cal = real_calendar();
	jrp_limit l;
	char buf[16];

	CHECK_INT(limit_parse("5d", &l), 0);
	CHECK(l.n == 5 && !l.workdays);
	CHECK_INT(limit_parse("10wd", &l), 0);
	CHECK(l.n == 10 && l.workdays);
	CHECK_INT(limit_parse("0d", &l), 0);
	CHECK_INT(limit_parse("366d", &l), 0);
	limit_format(l, buf, sizeof buf);
	CHECK_STR(buf, "366d");
	static const char *const bad[] = { "", "d", "5", "5w", "5dw", "05d", "367d", "-1d", "5 d", "1y", "5D", NULL };
	for (int i = 0; bad[i]; i++)
		CHECK_INT(limit_parse(bad[i], &l), JRP_EINVAL);
	CHECK_INT(limit_parse(NULL, &l), JRP_EINVAL);
	/* Monday 2026-11-23 + 5 days = Saturday 28 (a day off) -> Monday 30 */
	CHECK_STR(F(calendar_limit_end(cal, D("2026-11-23"), (jrp_limit){ 5, false })), "2026-11-30");
	/* Tuesday 2026-11-24 + 3 days = Friday 27: a working day, kept */
	CHECK_STR(F(calendar_limit_end(cal, D("2026-11-24"), (jrp_limit){ 3, false })), "2026-11-27");
	/* 2026-09-28 + 5 days = Saturday 3 October, in the National Day holiday -> Thursday 8 October */
	CHECK_STR(F(calendar_limit_end(cal, D("2026-09-28"), (jrp_limit){ 5, false })), "2026-10-08");
	/* 2026-10-05 + 5 days = Saturday 10 October, a make-up working day: kept */
	CHECK_STR(F(calendar_limit_end(cal, D("2026-10-05"), (jrp_limit){ 5, false })), "2026-10-10");
	/* working days: the same as calendar_add_workdays */
	CHECK_STR(F(calendar_limit_end(cal, D("2026-09-30"), (jrp_limit){ 5, true })), "2026-10-13");
	CHECK_STR(F(calendar_limit_end(cal, D("2026-09-30"), (jrp_limit){ 0, false })), "2026-09-30");
	calendar_free(&cal);
}

/* Issue 10 item 9 - DOMAIN.md "Working days": when an official schedule replaces a provisional year,
 * calendar_changed names the year, and a deadline counted under the provisional one is counted again
 * (the same number of working days from the same day) under the official one */
static void test_official_replaces_provisional(void)
{
	jrp_calendar *old = real_calendar(), *cal = calendar_new();
	char path[512];
	jrp_error e;
	int y0 = 0, y1 = 0;
	FILE *f;
	CHECK(!calendar_changed(old, old, &y0, &y1));
	snprintf(path, sizeof path, "%s/rules/calendar/2025.yaml", JRP_SOURCE_ROOT);
	CHECK_INT(calendar_load_file(cal, path, &e), 0);
	snprintf(path, sizeof path, "%s/rules/calendar/2026.yaml", JRP_SOURCE_ROOT);
	CHECK_INT(calendar_load_file(cal, path, &e), 0);
	snprintf(path, sizeof path, "/tmp/jrp_test_cal_2027_%d.yaml", (int)getpid());
	f = fopen(path, "w");
	fputs("year: 2027\nstatus: official\nsource: test\ndays_off:\n  - 2027-01-01\n  - 2027-02-05..2027-02-12\n"
	      "workdays:\n  - 2027-02-20\n", f);
	fclose(f);
	CHECK_INT(calendar_load_file(cal, path, &e), 0);
	unlink(path);
	CHECK(calendar_changed(old, cal, &y0, &y1));
	CHECK_INT(y0, 2027);
	CHECK_INT(y1, 2027);
	/* 10 working days after Tue 26 Jan 2027: provisional 11 Feb, official 17 Feb */
	CHECK_STR(F(calendar_add_workdays(old, D("2027-01-26"), 10)), "2027-02-11");
	CHECK_STR(F(calendar_move(old, cal, D("2027-01-26"), D("2027-02-11"))), "2027-02-17");
	/* 7 after Wed 3 Feb: 16 Feb, then Saturday 20 Feb (a working day in the official year) */
	CHECK_STR(F(calendar_move(old, cal, D("2027-02-03"), D("2027-02-16"))), "2027-02-20");
	/* a deadline in a year that did not change does not move */
	CHECK_STR(F(calendar_move(old, cal, D("2026-09-30"), D("2026-10-13"))), "2026-10-13");
	calendar_free(&old);
	calendar_free(&cal);
}

/* DOMAIN.md "Working days": a year without its schedule is provisional, never silent */
static void test_provisional(void)
{
	jrp_calendar *cal = real_calendar();

	CHECK_STR(calendar_year_status(cal, 2027), "provisional");
	CHECK_STR(calendar_year_status(cal, 2028), "missing");
	CHECK_STR(calendar_year_status(cal, 1800), "missing");
	CHECK(!calendar_provisional(cal, D("2025-01-01"), D("2026-12-31")));
	CHECK(calendar_provisional(cal, D("2026-12-20"), D("2027-01-10")));
	CHECK(calendar_provisional(cal, D("2028-03-01"), D("2028-03-01")));
	CHECK(calendar_provisional(cal, D("2027-01-10"), D("2026-12-20")));  /* reversed */
	/* 2027: statutory dates only, no make-up days */
	CHECK(!calendar_is_workday(cal, D("2027-02-05")));   /* Friday, Spring Festival */
	CHECK(!calendar_is_workday(cal, D("2027-02-08")));   /* Monday */
	CHECK(calendar_is_workday(cal, D("2027-02-09")));
	CHECK(!calendar_is_workday(cal, D("2027-02-06")));   /* Saturday */
	CHECK_STR(F(calendar_add_workdays(cal, D("2027-02-04"), 1)), "2027-02-09");
	/* 2028: missing, weekends only */
	CHECK(calendar_is_workday(cal, D("2028-01-03")));    /* Monday */
	CHECK(calendar_is_workday(cal, D("2028-10-02")));    /* would be a holiday; not known */
	CHECK(!calendar_is_workday(cal, D("2028-01-01")));   /* Saturday */
	CHECK_STR(F(calendar_add_workdays(cal, D("2027-12-31"), 1)), "2028-01-03");
	CHECK_INT(calendar_workdays_between(cal, D("2027-12-31"), D("2028-12-31")), 260);

	/* an empty calendar: everything missing, weekends only */
	calendar_free(&cal);
	cal = calendar_new();
	CHECK_STR(calendar_year_status(cal, 2026), "missing");
	CHECK(calendar_is_workday(cal, D("2026-10-01")));
	CHECK_STR(F(calendar_add_workdays(cal, D("2026-09-30"), 5)), "2026-10-07");
	calendar_free(&cal);
}

/* add_workdays and workdays_between agree with a day-by-day count everywhere */
static void test_add_matches_naive(void)
{
	jrp_calendar *cal = real_calendar();
	jrp_date start = D("2024-12-01"), d, r, t;
	int n, k, bad = 0, i;

	for (d = start; d < start + 1200; d += 7) {
		for (n = 1; n <= 400; n += 37) {
			t = d;
			for (k = 0; k < n;)
				if (calendar_is_workday(cal, ++t))
					k++;
			r = calendar_add_workdays(cal, d, n);
			if (r != t || calendar_workdays_between(cal, d, r) != n)
				bad++;
		}
	}
	CHECK_INT(bad, 0);
	/* cheap enough to call on every deadline: 200,000 x 300 working days */
	for (i = 0, r = 0; i < 200000; i++)
		r += calendar_add_workdays(cal, start + i % 700, 300) & 1;
	CHECK(r >= 0);
	calendar_free(&cal);
}

struct bad_case {
	const char *name;       /* file name */
	const char *text;
	int line, col;
	const char *msg;        /* substring of the message */
};

/* broken year files: the error names file:line:col and why, and nothing is loaded */
static void test_bad_files(void)
{
	static const struct bad_case cases[] = {
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off: [2026-01-01]\nworkdays:\n  - 2026-01-05\n",
		  6, 5, "not a Saturday or Sunday" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off:\n  - 2025-12-31\n",
		  5, 5, "outside year 2026" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off:\n  - 2026-01-01..2027-01-01\n",
		  5, 5, "outside year 2026" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off:\n  - 2026-01-03..2026-01-01\n",
		  5, 5, "ends before it starts" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off:\n  - 2026-02-30\n",
		  5, 5, "not a valid date" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off: [2026-01-03]\nworkdays: [2026-01-03]\n",
		  5, 12, "also listed in days_off" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off:\n  - 2026-01-01..2026-01-03\n  - 2026-01-02\n",
		  6, 5, "listed twice" },
		{ "a.yaml", "year: 2026\nstatus: final\nsource: x\ndays_off: []\n",
		  2, 9, "official or provisional" },
		{ "a.yaml", "year: \"2026\"\nstatus: official\nsource: x\ndays_off: []\n",
		  1, 7, "plain decimal integer" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off: []\nholidays: []\n",
		  5, 1, "unknown key 'holidays' (allowed: year, status, source, days_off, workdays)" },
		{ "a.yaml", "year: 2026\nstatus: official\nyear: 2026\nsource: x\ndays_off: []\n",
		  3, 1, "duplicate key 'year'" },
		{ "a.yaml", "year: 2026\nstatus: official\n",
		  1, 1, "missing required key 'source'" },
		{ "a.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off: [2026-01-01\n",
		  5, 1, "YAML syntax error" },
		{ "2025.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off: []\n",
		  1, 7, "does not match the file name" },
	};
	jrp_calendar *cal = calendar_new();
	jrp_error e;
	char want[256], *path;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_file(cases[i].name, cases[i].text);
		jrp_error_clear(&e);
		CHECK(calendar_load_file(cal, path, &e) != 0);
		snprintf(want, sizeof want, "%s:%d:%d", path, cases[i].line, cases[i].col);
		CHECK_STR(e.code, "config");
		CHECK_STR(e.field, want);
		CHECK(strstr(e.message, cases[i].msg) != NULL);
		if (!strstr(e.message, cases[i].msg))
			printf("# case %zu: %s: %s\n", i, e.field, e.message);
		CHECK_STR(calendar_year_status(cal, 2026), "missing");   /* nothing changed */
		free(path);
	}

	/* a year loaded twice is an error */
	path = write_file("b.yaml", "year: 2026\nstatus: provisional\nsource: x\ndays_off: []\n");
	CHECK_INT(calendar_load_file(cal, path, &e), 0);
	CHECK_STR(calendar_year_status(cal, 2026), "provisional");
	jrp_error_clear(&e);
	CHECK(calendar_load_file(cal, path, &e) != 0);
	snprintf(want, sizeof want, "%s:1:7", path);
	CHECK_STR(e.field, want);
	CHECK(strstr(e.message, "already loaded") != NULL);
	free(path);

	/* a missing file */
	jrp_error_clear(&e);
	CHECK_INT(calendar_load_file(cal, "/nonexistent/2026.yaml", &e), JRP_EIO);
	CHECK_STR(e.code, "config");
	CHECK(strstr(e.message, "cannot open") != NULL);
	calendar_free(&cal);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/jrp_test_calendar_XXXXXX");
	if (!mkdtemp(tmpdir))
		return 2;
	RUN(test_date_parse);
	RUN(test_date_roundtrip);
	RUN(test_period_parse);
	RUN(test_period_add);
	RUN(test_workdays_2026);
	RUN(test_limits);
	RUN(test_official_replaces_provisional);
	RUN(test_provisional);
	RUN(test_add_matches_naive);
	RUN(test_bad_files);
	nftw(tmpdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	TAP_DONE();
}
