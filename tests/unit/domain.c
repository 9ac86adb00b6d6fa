/*
 * domain.c - a store, the catalogue and times for the rules' unit tests (domain.h)
 */
#include "domain.h"
#include "clock.h"
#include "codes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int dom_open(dom *d, const char *const *dbs, int ndbs)
{
	jrp_error e;
	memset(d, 0, sizeof *d);
	snprintf(d->dir, sizeof d->dir, "/tmp/jrp-unit-XXXXXX");
	if (!mkdtemp(d->dir) ||
	    parties_load(JRP_SOURCE_ROOT "/deploy/parties.yaml", &d->parties, &e) < 0 ||
	    catalog_load(JRP_SOURCE_ROOT "/rules", d->parties, &d->cat, &e) < 0 ||
	    store_open(d->dir, 8 << 20, 256 << 20, dbs, ndbs, &d->st, &e) < 0 || store_begin(d->st, true, &d->txn) < 0) {
		printf("# dom_open: %s %s\n", e.field, e.message);
		return -1;
	}
	return 0;
}

void dom_commit(dom *d)
{
	if (store_commit(d->st, d->txn) != 0)
		printf("# dom_commit failed\n");
	store_begin(d->st, true, &d->txn);
}

void dom_close(dom *d)
{
	char cmd[128];
	if (d->txn)
		mdb_txn_abort(d->txn);
	store_close(&d->st);
	catalog_free(&d->cat);
	parties_free(&d->parties);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", d->dir);
}

MDB_dbi dom_dbi(dom *d, int idx)
{
	return store_dbi(d->st, idx);
}

int64_t dom_ms(const char *t)
{
	int64_t ms = 0;
	if (ms_parse(t, &ms) < 0)
		printf("# test bug: time \"%s\"\n", t);
	return ms;
}

jrp_date dom_date(const char *ymd)
{
	jrp_date d = 0;
	if (date_parse(ymd, strlen(ymd), &d) < 0)
		printf("# test bug: date \"%s\"\n", ymd);
	return d;
}

const jrp_party *dom_party(dom *d, const char *id)
{
	const jrp_party *p = parties_find(d->parties, id);
	if (!p)
		printf("# test bug: no party \"%s\"\n", id);
	return p;
}

int dom_log_decode(dom *d, int idx, uint64_t seq, unsigned mask, bool copy, jrp_rec *r)
{
	MDB_val v;
	jrp_error e;
	int rc = store_log_get(d->txn, dom_dbi(d, idx), seq, &v);
	if (rc == 0 && (rc = rec_decode_bytes(v.mv_data, v.mv_size, mask, copy, r, &e)) < 0)
		printf("# log %d seq %llu: %s %s: %s\n", idx, (unsigned long long)seq, e.code, e.field, e.message);
	return rc;
}

uint64_t dom_log_last(dom *d, int idx)
{
	uint64_t last = 0;
	store_log_last(d->txn, dom_dbi(d, idx), &last);
	return last;
}

