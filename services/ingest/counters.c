/*
 * counters.c - ingest's counters: kept as records arrive, never computed by
 * scanning records
 *
 * Each counter is a u64 under its name in the stats database, and again under
 * name@YYYY-MM-DD for the day it moved (the day ingest took the record), so
 * that stats.get {from, to} sums the days of a period. Used for departments'
 * reporting (records, late reports: DOMAIN.md "Credit records") and for credit
 * commitments (made, kept, broken).
 */
#include "ingest.h"
#include "store.h"
#include <stdio.h>
#include <string.h>

int counters_add(MDB_txn *txn, MDB_dbi dbi, const char *key, jrp_date day, uint64_t delta, bool max)
{
	char k[128], ds[11];
	int rc;
	date_format(day, ds);
	for (int b = 0; b < 2; b++) {
		if (b)
			snprintf(k, sizeof k, "%s@%s", key, ds);
		else
			snprintf(k, sizeof k, "%s", key);
		if (max) {
			uint64_t cur = 0;
			meta_get_u64(txn, dbi, k, &cur);
			rc = delta > cur ? meta_put_u64(txn, dbi, k, delta) : 0;
		} else {
			rc = meta_add(txn, dbi, k, (int64_t)delta, NULL);
		}
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t counters_figure(MDB_txn *txn, MDB_dbi dbi, const char *fmt, const char *party, jrp_date from, jrp_date to,
			 bool max)
{
	char key[128], lo[140], hi[140], df[11], dt[11];
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t x = 0;
	size_t hl;
	int rc;
	snprintf(key, sizeof key, fmt, party);
	if (!from) {
		meta_get_u64(txn, dbi, key, &x);
		return x;
	}
	date_format(from, df);
	date_format(to, dt);
	snprintf(lo, sizeof lo, "%s@%s", key, df);
	hl = (size_t)snprintf(hi, sizeof hi, "%s@%s", key, dt);
	if (mdb_cursor_open(txn, dbi, &c) != 0)
		return 0;
	k.mv_data = lo;
	k.mv_size = strlen(lo);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		uint64_t y;
		if (k.mv_size != hl || memcmp(k.mv_data, hi, hl) > 0)
			break;
		if (v.mv_size != 8)
			continue;
		y = be64_get(v.mv_data);
		x = max ? (y > x ? y : x) : x + y;
	}
	mdb_cursor_close(c);
	return x;
}
