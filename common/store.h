/*
 * store.h - the one LMDB module: environment, named databases, logs, cursors
 *
 * Each daemon owns one environment (DATA_DIR/<daemon>/). A log is a database
 * keyed by an 8-byte big-endian sequence number, appended with MDB_APPEND so
 * that seqs are strictly increasing and appends are cheap. A consumer's
 * cursor lives in the consumer's own environment and is written in the same
 * transaction as the effects of the records it covers: that is the whole
 * exactly-once mechanism.
 *
 * Map full: store_commit() reports JRP_EFULL after aborting; the caller grows
 * the map with store_grow() (doubling up to the configured maximum) and redoes
 * the transaction. At the maximum, the caller refuses with a clear error.
 * Growing is the design, not a fault: it is logged as info (event=map_grown);
 * only a map at its maximum is an error (event=map_full).
 *
 * Disk full: LMDB writes a commit's pages with pwritev(2), so a full disk
 * fails the commit with ENOSPC, or with EIO when the write was cut short
 * ("Input/output error"). Either way the commit is aborted and the store is
 * intact (the meta page still names the previous commit). store_commit looks
 * at the file system and reports a full one as JRP_ENOSPACE and
 * event=disk_full with the bytes left; the next commit after space is freed
 * succeeds. Both events are logged at most once a minute per store, with the
 * number of failures in between.
 */
#ifndef JRP_STORE_H
#define JRP_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lmdb.h>
#include "err.h"

typedef struct store store;

/* store_open - open/create dir (mode 0700) with the named dbs (at most 32) */
int store_open(const char *dir, size_t map_size, size_t map_max, const char *const *dbnames, int ndbs,
	       store **out, jrp_error *e);
void store_close(store **s);
MDB_env *store_env(store *s);
MDB_dbi store_dbi(store *s, int idx);
size_t store_map_size(store *s);
/* store_map_max - the map's configured maximum (map_max_mb) */
size_t store_map_max(store *s);
/* store_used - bytes of the map in use now: the last page written, as of txn */
uint64_t store_used(store *s, MDB_txn *txn);
/* store_disk_free - bytes still free for this process on the file system of the store; UINT64_MAX if
 * it cannot be told */
uint64_t store_disk_free(store *s);
/* store_log_first - the lowest seq in the log (0 if empty) */
int store_log_first(MDB_txn *txn, MDB_dbi dbi, uint64_t *seq);

int store_begin(store *s, bool write, MDB_txn **txn);
/* store_commit - commit; on failure the txn is gone and the code says why (JRP_EFULL for map full,
 * JRP_ENOSPACE for a full disk) */
int store_commit(store *s, MDB_txn *txn);
/* store_grow - double the map (no transaction may be open); JRP_EFULL at the maximum */
int store_grow(store *s);
/* store_rc - map an LMDB return code to JRP_E* (MDB_MAP_FULL/MDB_TXN_FULL -> JRP_EFULL) */
int store_rc(int mdb_rc);

/* 8-byte big-endian keys */
static inline void be64_put(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}
static inline uint64_t be64_get(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* store_log_last - the highest seq in the log (0 if empty) */
int store_log_last(MDB_txn *txn, MDB_dbi dbi, uint64_t *seq);
/* store_log_append - append val at seq (must be > last; callers use store_log_last + 1) */
int store_log_append(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, const void *val, size_t len);
/* store_log_get - the value at seq */
int store_log_get(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, MDB_val *val);
/* store_log_scan - call fn for each record with seq > after, at most max records and
 * about max_bytes bytes (at least one record); fn returns 0 to go on, 1 to stop */
int store_log_scan(MDB_txn *txn, MDB_dbi dbi, uint64_t after, size_t max, size_t max_bytes,
	     int (*fn)(void *arg, uint64_t seq, const MDB_val *val), void *arg);

/* u64 values under string keys (cursors, counters, ids) in a "meta" db */
int meta_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *v);   /* 0 if absent */
int meta_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t v);
/* meta_add - *v += delta (may be negative); returns the new value via out if non-NULL */
int meta_add(MDB_txn *txn, MDB_dbi dbi, const char *key, int64_t delta, uint64_t *out);

/* kv_prefix_each - fn for each key starting with prefix (plen bytes), in key order, at most max;
 * fn gets the key's remainder after the prefix; returns nonzero to stop (that value is returned) */
int kv_prefix_each(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen, size_t max,
		   int (*fn)(void *arg, const unsigned char *rest, size_t restlen, const MDB_val *val), void *arg);

/* kv helpers with string/bytes keys */
int kv_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, const void *v, size_t vn, unsigned flags);
int kv_get(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, MDB_val *v);   /* JRP_ENOTFOUND */
int kv_del(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn);
/* kv_floor - the greatest key <= k (kn bytes) that starts with k's first plen bytes, and its value: 0, or
 * JRP_ENOTFOUND. The keys' rest being big-endian instants, "as it was at T" (the as-of indexes) */
int kv_floor(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, size_t plen, MDB_val *key, MDB_val *val);

#endif
