/*
 * test_store.c - LMDB logs, cursors and map growth on real files
 *
 * DESIGN.md "Data flow: logs and cursors": seqs strictly increase, a scan
 * after a cursor returns exactly the later records; a full map grows and the
 * data stays whole.
 */
#include "../tap.h"
#include "store.h"
#include <stdlib.h>
#include <unistd.h>

static const char *const dbs[] = { "meta", "log" };

static char *tmpdir(void)
{
	char *t = strdup("/tmp/jrp-test-store-XXXXXX");
	return mkdtemp(t);
}

static int count_cb(void *arg, uint64_t seq, const MDB_val *v)
{
	uint64_t *a = arg;
	a[0]++;
	a[1] = seq;
	return 0;
}

static void test_log_and_cursor(void)
{
	char *dir = tmpdir();
	store *s;
	jrp_error e;
	MDB_txn *txn;
	uint64_t last, cnt[2] = { 0, 0 }, v;
	CHECK_INT(store_open(dir, 1 << 20, 1 << 24, dbs, 2, &s, &e), 0);
	CHECK_INT(store_begin(s, true, &txn), 0);
	CHECK_INT(store_log_last(txn, store_dbi(s, 1), &last), 0);
	CHECK_INT(last, 0);
	for (uint64_t i = 1; i <= 100; i++)
		CHECK_INT(store_log_append(txn, store_dbi(s, 1), i, "rec", 3), 0);
	/* an append below the last seq is refused (MDB_APPEND keeps the log ordered) */
	CHECK(store_log_append(txn, store_dbi(s, 1), 50, "x", 1) != 0);
	CHECK_INT(meta_put_u64(txn, store_dbi(s, 0), "cursor", 40), 0);
	CHECK_INT(store_commit(s, txn), 0);
	store_close(&s);

	CHECK_INT(store_open(dir, 1 << 20, 1 << 24, dbs, 2, &s, &e), 0);
	CHECK_INT(store_begin(s, false, &txn), 0);
	CHECK_INT(store_log_last(txn, store_dbi(s, 1), &last), 0);
	CHECK_INT(last, 100);
	CHECK_INT(meta_get_u64(txn, store_dbi(s, 0), "cursor", &v), 0);
	CHECK_INT(v, 40);
	CHECK_INT(store_log_scan(txn, store_dbi(s, 1), v, 1000, 1 << 20, count_cb, cnt), 0);
	CHECK_INT(cnt[0], 60);
	CHECK_INT(cnt[1], 100);
	cnt[0] = 0;
	CHECK_INT(store_log_scan(txn, store_dbi(s, 1), 90, 5, 1 << 20, count_cb, cnt), 0);
	CHECK_INT(cnt[0], 5);
	CHECK_INT(cnt[1], 95);
	mdb_txn_abort(txn);
	store_close(&s);
	free(dir);
}

static void test_map_full_grows(void)
{
	char *dir = tmpdir();
	store *s;
	jrp_error e;
	MDB_txn *txn;
	char big[4000];
	uint64_t seq = 0, last;
	int grew = 0;
	memset(big, 'x', sizeof big);
	CHECK_INT(store_open(dir, 64 << 10, 8 << 20, dbs, 2, &s, &e), 0);
	for (int batch = 0; batch < 20; batch++) {
		int rc;
		uint64_t start = seq;
	redo:
		seq = start;
		CHECK_INT(store_begin(s, true, &txn), 0);
		rc = 0;
		for (int i = 0; i < 20 && rc == 0; i++)
			rc = store_log_append(txn, store_dbi(s, 1), ++seq, big, sizeof big);
		if (rc == JRP_EFULL) {
			mdb_txn_abort(txn);
			if (store_grow(s) == 0) {
				grew++;
				goto redo;
			}
			break;
		}
		rc = store_commit(s, txn);
		if (rc == JRP_EFULL && store_grow(s) == 0) {
			grew++;
			goto redo;
		}
		CHECK_INT(rc, 0);
	}
	CHECK(grew > 0);
	CHECK_INT(store_begin(s, false, &txn), 0);
	CHECK_INT(store_log_last(txn, store_dbi(s, 1), &last), 0);
	CHECK_INT(last, 400);
	mdb_txn_abort(txn);
	store_close(&s);
	/* at the maximum, growing refuses cleanly */
	CHECK_INT(store_open(dir, 1 << 20, 1 << 20, dbs, 2, &s, &e), 0);
	CHECK(store_map_size(s) >= (8u << 20) || store_grow(s) == JRP_EFULL);
	store_close(&s);
	free(dir);
}

int main(void)
{
	RUN(test_log_and_cursor);
	RUN(test_map_full_grows);
	TAP_DONE();
}
