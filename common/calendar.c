/*
 * calendar.c - dates, periods and working days (see calendar.h)
 *
 * Used by the catalogue loader (rules/calendar/YYYY.yaml, one file per year)
 * and by every daemon that counts deadlines: report lateness (7 working days),
 * objection windows, feedback deadlines, repair answers [DOMAIN.md "Working
 * days"]. Each loaded year is a bitmap of its working days plus a running
 * count, so a lookup is one bit test and adding n working days is a binary
 * search per year crossed. A year without a file counts weekends only and is
 * reported as "missing" (provisional) so the daemons can warn.
 */
#include "calendar.h"
#include "util/xalloc.h"
#include "ydoc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAL_MIN_YEAR 1900
#define CAL_MAX_YEAR 9999
#define CAL_NYEARS (CAL_MAX_YEAR - CAL_MIN_YEAR + 1)
#define PERIOD_MAX 9999

enum { YEAR_OFFICIAL = 1, YEAR_PROVISIONAL };

struct cal_year {
	int year;
	int status;             /* YEAR_*; 0 = built on the fly (missing) */
	int ndays;              /* 365 or 366 */
	jrp_date first;         /* January 1 */
	uint64_t work[6];       /* bit i: day-of-year i (0-based) is a working day */
	uint16_t cum[367];      /* cum[i]: working days among day-of-year [0, i) */
};

struct jrp_calendar {
	struct cal_year *years[CAL_NYEARS];
};

/* ---- dates ---- */

/* days_from_civil - proleptic Gregorian date to days since 1970-01-01 (H. Hinnant) */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

jrp_date date_from_ymd(int y, int m, int d)
{
	return (jrp_date)days_from_civil(y, m, d);
}

void date_to_ymd(jrp_date date, int *y, int *m, int *day)
{
	int64_t z = (int64_t)date + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int mm = (int)(mp < 10 ? mp + 3 : mp - 9);

	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = mm;
	*y = (int)(yoe + era * 400 + (mm <= 2));
}

int date_weekday(jrp_date d)
{
	/* 1970-01-01 was a Thursday */
	return (int)((((int64_t)d % 7) + 7 + 3) % 7) + 1;
}

static int digits(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int date_parse(const char *s, size_t len, jrp_date *out)
{
	int y, m, d;

	if (!s || len != 10 || s[4] != '-' || s[7] != '-')
		return JRP_EINVAL;
	y = digits(s, 4);
	m = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < CAL_MIN_YEAR || y > CAL_MAX_YEAR || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, m))
		return JRP_EINVAL;
	*out = date_from_ymd(y, m, d);
	return 0;
}

void date_format(jrp_date d, char out[11])
{
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	if (y < 0)
		y = 0;
	if (y > 9999)
		y = 9999;
	/* by hand: this runs for every date of every record written (no printf machinery) */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + day / 10);
	out[9] = (char)('0' + day % 10);
	out[10] = 0;
}

/*
 * date_add_period - years and months are added together as one number of
 * months (so "1y6m" is exactly 18 months), the day is clamped to the end of
 * the target month (Jan 31 + 1m = Feb 28/29), then the days are added.
 */
jrp_date date_add_period(jrp_date d, jrp_period p)
{
	int y, m, day, dim;
	int64_t m0, ny;

	date_to_ymd(d, &y, &m, &day);
	m0 = (int64_t)(m - 1) + (int64_t)p.years * 12 + p.months;
	ny = y + (m0 >= 0 ? m0 / 12 : -((-m0 + 11) / 12));
	m0 -= (ny - y) * 12;
	m = (int)m0 + 1;
	dim = days_in_month((int)ny, m);
	if (day > dim)
		day = dim;
	return (jrp_date)(days_from_civil(ny, m, day) + p.days);
}

int period_parse(const char *s, jrp_period *out)
{
	static const char units[] = "ymd";
	jrp_period p = { 0, 0, 0 };
	const char *q;
	int next = 0, v, n, any = 0, i;

	if (!s || !*s)
		return JRP_EINVAL;
	while (*s) {
		for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
			;
		if (n == 0 || n > 4 || (n > 1 && s[0] == '0'))
			return JRP_EINVAL;
		v = digits(s, (size_t)n);
		q = strchr(units, s[n]);
		if (!s[n] || !q)
			return JRP_EINVAL;
		i = (int)(q - units);
		if (i < next)   /* units in order y, m, d, each at most once */
			return JRP_EINVAL;
		next = i + 1;
		if (i == 0)
			p.years = v;
		else if (i == 1)
			p.months = v;
		else
			p.days = v;
		any = 1;
		s += n + 1;
	}
	if (!any || p.years > PERIOD_MAX || p.months > PERIOD_MAX || p.days > PERIOD_MAX)
		return JRP_EINVAL;
	*out = p;
	return 0;
}

void period_format(jrp_period p, char *out, size_t n)
{
	size_t off = 0;

	if (!n)
		return;
	out[0] = 0;
	if (p.years && off < n)
		off += (size_t)snprintf(out + off, n - off, "%dy", p.years);
	if (p.months && off < n)
		off += (size_t)snprintf(out + off, n - off, "%dm", p.months);
	if (p.days && off < n)
		off += (size_t)snprintf(out + off, n - off, "%dd", p.days);
	if (period_is_zero(p))
		snprintf(out, n, "0d");
}

int limit_parse(const char *s, jrp_limit *out)
{
	int n, v;
	if (!s)
		return JRP_EINVAL;
	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++)
		;
	if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
		return JRP_EINVAL;
	v = digits(s, (size_t)n);
	if (v > 366)
		return JRP_EINVAL;
	if (strcmp(s + n, "d") == 0)
		out->workdays = false;
	else if (strcmp(s + n, "wd") == 0)
		out->workdays = true;
	else
		return JRP_EINVAL;
	out->n = v;
	return 0;
}

void limit_format(jrp_limit l, char *out, size_t n)
{
	snprintf(out, n, "%d%s", l.n, l.workdays ? "wd" : "d");
}

bool period_is_zero(jrp_period p)
{
	return p.years == 0 && p.months == 0 && p.days == 0;
}

/* ---- years ---- */

static void year_set(struct cal_year *y, int i, bool work)
{
	if (work)
		y->work[i / 64] |= UINT64_C(1) << (i % 64);
	else
		y->work[i / 64] &= ~(UINT64_C(1) << (i % 64));
}

static bool year_test(const struct cal_year *y, int i)
{
	return (y->work[i / 64] >> (i % 64)) & 1;
}

static void year_count(struct cal_year *y)
{
	int i;

	y->cum[0] = 0;
	for (i = 0; i < y->ndays; i++)
		y->cum[i + 1] = (uint16_t)(y->cum[i] + year_test(y, i));
}

/* year_weekends - a year where every Monday..Friday is a working day */
static void year_weekends(struct cal_year *y, int year)
{
	int i, wd;

	memset(y, 0, sizeof *y);
	y->year = year;
	y->ndays = is_leap(year) ? 366 : 365;
	y->first = date_from_ymd(year, 1, 1);
	wd = date_weekday(y->first);
	for (i = 0; i < y->ndays; i++, wd = wd % 7 + 1)
		year_set(y, i, wd <= 5);
	year_count(y);
}

static int year_of(jrp_date d)
{
	int y, m, day;

	date_to_ymd(d, &y, &m, &day);
	return y;
}

/* year_get - the loaded year, or a weekends-only year built into *tmp */
static const struct cal_year *year_get(const jrp_calendar *cal, int year, struct cal_year *tmp)
{
	if (year >= CAL_MIN_YEAR && year <= CAL_MAX_YEAR && cal->years[year - CAL_MIN_YEAR])
		return cal->years[year - CAL_MIN_YEAR];
	year_weekends(tmp, year);
	return tmp;
}

jrp_calendar *calendar_new(void)
{
	return xcalloc(1, sizeof(jrp_calendar));
}

void calendar_free(jrp_calendar **calp)
{
	jrp_calendar *cal = *calp;
	int i;

	if (!cal)
		return;
	for (i = 0; i < CAL_NYEARS; i++)
		free(cal->years[i]);
	free(cal);
	*calp = NULL;
}

bool calendar_is_workday(const jrp_calendar *cal, jrp_date d)
{
	int year = year_of(d);
	const struct cal_year *y;

	if (year >= CAL_MIN_YEAR && year <= CAL_MAX_YEAR && (y = cal->years[year - CAL_MIN_YEAR]))
		return year_test(y, d - y->first);
	return date_weekday(d) <= 5;
}

jrp_date calendar_add_workdays(const jrp_calendar *cal, jrp_date d, int n)
{
	struct cal_year tmp;
	const struct cal_year *y;
	int doy, avail, target, lo, hi, mid;

	if (n <= 0)
		return d;
	d++;    /* first candidate: the day after d */
	for (;;) {
		y = year_get(cal, year_of(d), &tmp);
		doy = d - y->first;
		avail = y->cum[y->ndays] - y->cum[doy];
		if (avail < n) {
			n -= avail;
			d = y->first + y->ndays;
			continue;
		}
		/* smallest i >= doy with cum[i + 1] >= cum[doy] + n */
		target = y->cum[doy] + n;
		lo = doy;
		hi = y->ndays - 1;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (y->cum[mid + 1] >= target)
				hi = mid;
			else
				lo = mid + 1;
		}
		return y->first + lo;
	}
}

jrp_date calendar_limit_end(const jrp_calendar *cal, jrp_date d, jrp_limit l)
{
	jrp_date end;
	if (l.n <= 0)
		return d;
	if (l.workdays)
		return calendar_add_workdays(cal, d, l.n);
	/* 《民法典》第二百零一条: the start day does not count; 第二百零三条: a last day on a day off
	 * moves to the day after the days off end */
	end = d + l.n;
	while (!calendar_is_workday(cal, end))
		end++;
	return end;
}

bool calendar_changed(const jrp_calendar *a, const jrp_calendar *b, int *first, int *last)
{
	bool any = false;
	for (int i = 0; i < CAL_NYEARS; i++) {
		const struct cal_year *x = a->years[i], *y = b->years[i];
		bool same;
		if (!x && !y)
			continue;   /* weekends only on both sides */
		if (!x || !y)
			same = false;
		else
			same = x->status == y->status && memcmp(x->work, y->work, sizeof x->work) == 0;
		if (same)
			continue;
		if (!any)
			*first = CAL_MIN_YEAR + i;
		*last = CAL_MIN_YEAR + i;
		any = true;
	}
	return any;
}

jrp_date calendar_move(const jrp_calendar *old, const jrp_calendar *new_cal, jrp_date from, jrp_date due)
{
	int n = calendar_workdays_between(old, from, due);
	return n > 0 ? calendar_add_workdays(new_cal, from, n) : due;
}

int calendar_workdays_between(const jrp_calendar *cal, jrp_date a, jrp_date b)
{
	struct cal_year tmp;
	const struct cal_year *y;
	jrp_date d, last;
	int count = 0;

	for (d = a + 1; d <= b; d = y->first + y->ndays) {
		y = year_get(cal, year_of(d), &tmp);
		last = y->first + y->ndays - 1;
		if (last > b)
			last = b;
		count += y->cum[last - y->first + 1] - y->cum[d - y->first];
	}
	return count;
}

const char *calendar_year_status(const jrp_calendar *cal, int year)
{
	const struct cal_year *y;

	if (year < CAL_MIN_YEAR || year > CAL_MAX_YEAR || !(y = cal->years[year - CAL_MIN_YEAR]))
		return "missing";
	return y->status == YEAR_OFFICIAL ? "official" : "provisional";
}

bool calendar_provisional(const jrp_calendar *cal, jrp_date a, jrp_date b)
{
	int y, ya = year_of(a), yb = year_of(b);

	if (yb < ya) {
		y = ya;
		ya = yb;
		yb = y;
	}
	for (y = ya; y <= yb; y++)
		if (strcmp(calendar_year_status(cal, y), "official") != 0)
			return true;
	return false;
}

/* ---- year files ---- */

/* parse_item - "YYYY-MM-DD" or "A..B" (inclusive, ordered) inside `year` */
static int parse_item(ydoc *d, ynode *it, const char *key, int year, bool range_ok,
		      jrp_date *a, jrp_date *b, jrp_error *e)
{
	const char *s = ydoc_scalar(it);
	const char *dots;
	size_t len;

	if (!s || !*s)
		return ydoc_fail(d, it, e, "key '%s': each item must be a date YYYY-MM-DD%s", key,
				 range_ok ? " or a range YYYY-MM-DD..YYYY-MM-DD" : "");
	len = strlen(s);
	dots = strstr(s, "..");
	if (dots && !range_ok)
		return ydoc_fail(d, it, e, "key '%s': '%s' must be a single date (no ranges here)", key, s);
	if (dots) {
		if (date_parse(s, (size_t)(dots - s), a) || date_parse(dots + 2, len - (size_t)(dots - s) - 2, b))
			return ydoc_fail(d, it, e, "key '%s': '%s' is not a valid range YYYY-MM-DD..YYYY-MM-DD",
					 key, s);
		if (*b < *a)
			return ydoc_fail(d, it, e, "key '%s': range '%s' ends before it starts", key, s);
	} else {
		if (date_parse(s, len, a))
			return ydoc_fail(d, it, e, "key '%s': '%s' is not a valid date YYYY-MM-DD", key, s);
		*b = *a;
	}
	if (year_of(*a) != year || year_of(*b) != year)
		return ydoc_fail(d, it, e, "key '%s': '%s' is outside year %d", key, s, year);
	return 0;
}

/* basename_year - NNNN if the file is named NNNN.yaml, else 0 */
static int basename_year(const char *path)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	if (strlen(b) != 9 || strcmp(b + 4, ".yaml") != 0)
		return 0;
	return digits(b, 4) > 0 ? digits(b, 4) : 0;
}

int calendar_load_file(jrp_calendar *cal, const char *path, jrp_error *e)
{
	static const char *const keys[] = { "year", "status", "source", "days_off", "workdays", NULL };
	struct cal_year *y = NULL;
	uint64_t off[6] = { 0 };        /* days listed in days_off */
	ydoc *d = NULL;
	ynode *root, *seq, *it;
	int64_t year = 0;
	char *status = NULL, *source = NULL;
	jrp_date a, b, t;
	size_t i, n;
	int rc, fy, k;
	char buf[11];

	if ((rc = ydoc_load(path, &d, e)))
		return rc;
	root = ydoc_root(d);
	if ((rc = ydoc_map_check_keys(d, root, keys, e)))
		goto out;
	if ((rc = ydoc_int(d, root, "year", true, CAL_MIN_YEAR, CAL_MAX_YEAR, &year, e)))
		goto out;
	fy = basename_year(path);
	if (fy && fy != year) {
		rc = ydoc_fail(d, ydoc_map_get(d, root, "year"), e,
			       "key 'year': %d does not match the file name (%d.yaml)", (int)year, fy);
		goto out;
	}
	if (cal->years[year - CAL_MIN_YEAR]) {
		rc = ydoc_fail(d, ydoc_map_get(d, root, "year"), e,
			       "key 'year': year %d is already loaded from another file", (int)year);
		goto out;
	}
	if ((rc = ydoc_str(d, root, "status", true, &status, e)))
		goto out;
	if (strcmp(status, "official") != 0 && strcmp(status, "provisional") != 0) {
		rc = ydoc_fail(d, ydoc_map_get(d, root, "status"), e,
			       "key 'status' must be official or provisional, not '%s'", status);
		goto out;
	}
	if ((rc = ydoc_str(d, root, "source", true, &source, e)))
		goto out;

	y = xmalloc(sizeof *y);
	year_weekends(y, (int)year);
	y->status = strcmp(status, "official") == 0 ? YEAR_OFFICIAL : YEAR_PROVISIONAL;

	seq = ydoc_map_get(d, root, "days_off");
	if (!seq) {
		rc = ydoc_fail(d, root, e, "missing required key 'days_off'");
		goto out;
	}
	if (!ydoc_is_seq(seq)) {
		rc = ydoc_fail(d, seq, e, "key 'days_off' must be a sequence of dates or ranges");
		goto out;
	}
	n = ydoc_seq_len(seq);
	for (i = 0; i < n; i++) {
		it = ydoc_seq_at(d, seq, i);
		if ((rc = parse_item(d, it, "days_off", (int)year, true, &a, &b, e)))
			goto out;
		for (t = a; t <= b; t++) {
			k = t - y->first;
			if ((off[k / 64] >> (k % 64)) & 1) {
				date_format(t, buf);
				rc = ydoc_fail(d, it, e, "key 'days_off': %s is listed twice", buf);
				goto out;
			}
			off[k / 64] |= UINT64_C(1) << (k % 64);
			year_set(y, k, false);
		}
	}

	seq = ydoc_map_get(d, root, "workdays");
	if (seq && !ydoc_is_seq(seq)) {
		rc = ydoc_fail(d, seq, e, "key 'workdays' must be a sequence of dates");
		goto out;
	}
	n = ydoc_seq_len(seq);
	for (i = 0; i < n; i++) {
		it = ydoc_seq_at(d, seq, i);
		if ((rc = parse_item(d, it, "workdays", (int)year, false, &a, &b, e)))
			goto out;
		k = a - y->first;
		if (date_weekday(a) <= 5) {
			rc = ydoc_fail(d, it, e, "key 'workdays': %s is not a Saturday or Sunday "
				       "(only weekend days can be make-up working days)", ydoc_scalar(it));
			goto out;
		}
		if ((off[k / 64] >> (k % 64)) & 1) {
			rc = ydoc_fail(d, it, e, "key 'workdays': %s is also listed in days_off",
				       ydoc_scalar(it));
			goto out;
		}
		if (year_test(y, k)) {
			rc = ydoc_fail(d, it, e, "key 'workdays': %s is listed twice", ydoc_scalar(it));
			goto out;
		}
		year_set(y, k, true);
	}
	year_count(y);
	cal->years[year - CAL_MIN_YEAR] = y;
	y = NULL;
	rc = 0;
out:
	free(y);
	free(status);
	free(source);
	ydoc_free(&d);
	return rc;
}
