/*
 * counters.c - the office's figures as counters (see feedback.h): by name, and for what happened
 * also by the day it happened ("name@YYYY-MM-DD"), so that a period is a sum of days
 */
#include "feedback.h"
#include "store.h"
#include <stdio.h>
#include <string.h>

/* stock - a counter of what is (in force, awaiting, overdue), not of what happened: no day buckets */
static bool stock(const char *key)
{
	return strncmp(key, "active.", 7) == 0 || strncmp(key, "awaiting", 8) == 0 || strncmp(key, "overdue", 7) == 0;
}

int fb_stat_add(fbk *f, int64_t delta, const char *fmt, const char *a, const char *b)
{
	char key[160], day[11];
	size_t n;
	int rc;
	snprintf(key, sizeof key, fmt, a, b);
	if ((rc = meta_add(f->txn, f->db[FDB_STATS], key, delta, NULL)) != 0 || delta <= 0 || stock(key))
		return rc;
	/* what happened, also by the day it happened: statistics over a period sum days */
	n = strlen(key);
	date_format(f->day ? f->day : f->today, day);
	snprintf(key + n, sizeof key - n, "@%s", day);
	return meta_add(f->txn, f->db[FDB_STATS], key, delta, NULL);
}

uint64_t fb_stat_period(fbk *f, const char *key, jrp_date from, jrp_date to)
{
	char lo[160], hi[160], df[11], dt[11];
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t sum = 0;
	size_t hlen;
	int rc;
	date_format(from, df);
	date_format(to, dt);
	snprintf(lo, sizeof lo, "%s@%s", key, df);
	hlen = (size_t)snprintf(hi, sizeof hi, "%s@%s", key, dt);
	if (mdb_cursor_open(f->txn, f->db[FDB_STATS], &c) != 0)
		return 0;
	k.mv_data = lo;
	k.mv_size = strlen(lo);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != hlen || memcmp(k.mv_data, hi, hlen) > 0)
			break;
		if (v.mv_size == 8)
			sum += be64_get(v.mv_data);
	}
	mdb_cursor_close(c);
	return sum;
}

void fb_stat_days(fbk *f, const char *key, jrp_date from, jrp_date to, uint64_t *acc)
{
	char lo[160], df[11], dt[11];
	MDB_cursor *c;
	MDB_val k, v;
	size_t n;
	int rc;
	date_format(from, df);
	date_format(to, dt);
	n = (size_t)snprintf(lo, sizeof lo, "%s@", key);
	if (n + 10 >= sizeof lo)
		return;
	memcpy(lo + n, df, 11);
	if (mdb_cursor_open(f->txn, f->db[FDB_STATS], &c) != 0)
		return;
	k.mv_data = lo;
	k.mv_size = n + 10;
	/* "key@YYYY-MM-DD" sort by date: one seek, then only the days that have a count */
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		jrp_date d;
		if (k.mv_size != n + 10 || memcmp(k.mv_data, lo, n) != 0 || memcmp((char *)k.mv_data + n, dt, 10) > 0)
			break;
		if (v.mv_size == 8 && date_parse((char *)k.mv_data + n, 10, &d) == 0 && d >= from && d <= to)
			acc[d - from] += be64_get(v.mv_data);
	}
	mdb_cursor_close(c);
}

uint64_t fb_stat_get(fbk *f, const char *fmt, const char *a)
{
	char key[128];
	uint64_t v = 0;
	snprintf(key, sizeof key, fmt, a);
	meta_get_u64(f->txn, f->db[FDB_STATS], key, &v);
	return v;
}
