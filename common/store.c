/*
 * store.c - LMDB environment, logs and cursors (see store.h)
 *
 * Durability: the environment is opened with default sync (fsync on every
 * commit), so a committed transaction survives a crash of the process and of
 * the machine. The daemons amortise the fsync by committing whole batches.
 */
#include "store.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#define STORE_MAXDBS 32
#define STORE_EXTRA_DBS 132   /* opened by a service itself (jrp-exchange: two per peer region) */
#define FULL_MARGIN (16u << 20)      /* an EIO with less free than this is a full disk */
#define FULL_LOG_MS 60000            /* map_full, disk_full: at most one line a minute */

struct store {
	MDB_env *env;
	MDB_dbi dbi[STORE_MAXDBS];
	int ndbs;
	size_t map_size, map_max;
	char *dir;
	int64_t full_logged_ms[2];   /* map_full, disk_full: when last logged (monotonic) */
	unsigned full_repeats[2];    /* failures since */
};

/* full_log_due - time to log event kind (0 map_full, 1 disk_full) again; *repeats gets the failures
 * not logged since the last line */
static bool full_log_due(store *s, int kind, unsigned *repeats)
{
	struct timespec t;
	int64_t now;
	clock_gettime(CLOCK_MONOTONIC, &t);
	now = (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
	if (s->full_logged_ms[kind] && now - s->full_logged_ms[kind] < FULL_LOG_MS) {
		s->full_repeats[kind]++;
		return false;
	}
	*repeats = s->full_repeats[kind];
	s->full_repeats[kind] = 0;
	s->full_logged_ms[kind] = now;
	return true;
}

static uint64_t disk_free(const char *dir);

/* disk_free - bytes this process may still write on the file system of dir (root may use the
 * reserved blocks too); UINT64_MAX if it cannot be told */
uint64_t store_disk_free(store *s)
{
	return disk_free(s->dir);
}

static uint64_t disk_free(const char *dir)
{
	struct statvfs v;
	if (statvfs(dir, &v) != 0)
		return UINT64_MAX;
	return (uint64_t)(geteuid() == 0 ? v.f_bfree : v.f_bavail) * v.f_frsize;
}

/* commit_failed - the JRP_E* code of a failed commit, logged as what it is: a map that must grow
 * (debug: the caller grows it), a full disk (whatever errno LMDB passed on), or another failure */
static int commit_failed(store *s, int rc)
{
	unsigned repeats;
	uint64_t free_b;
	if (rc == MDB_MAP_FULL || rc == MDB_TXN_FULL) {
		log_debug("event=map_full dir=%s map_mb=%zu max_mb=%zu", s->dir, s->map_size >> 20, s->map_max >> 20);
		return JRP_EFULL;
	}
	if (rc == ENOSPC || rc == EDQUOT || rc == EIO) {
		free_b = disk_free(s->dir);
		if (rc != EIO || free_b < FULL_MARGIN) {
			if (full_log_due(s, 1, &repeats))
				log_error("event=disk_full dir=%s free_bytes=%llu error=\"%s\" repeats=%u hint=\"nothing was "
					  "stored and the store is intact; free space on this disk (or grow it) and the daemon "
					  "carries on by itself\"", s->dir, free_b == UINT64_MAX ? 0ULL : (unsigned long long)free_b,
					  mdb_strerror(rc), repeats);
			return JRP_ENOSPACE;
		}
	}
	log_error("event=commit_failed dir=%s error=\"%s\"", s->dir, mdb_strerror(rc));
	return store_rc(rc);
}

int store_rc(int rc)
{
	switch (rc) {
	case 0: return 0;
	case MDB_NOTFOUND: return JRP_ENOTFOUND;
	case MDB_MAP_FULL: case MDB_TXN_FULL: case MDB_MAP_RESIZED: return JRP_EFULL;
	case MDB_KEYEXIST: return JRP_ECONFLICT;
	}
	return JRP_ESTORE;
}

/* check_files - a directory that held a store must still hold all of it: LMDB would take a missing
 * or empty data.mdb for a new store (and serve nothing), and die of SIGBUS on one cut short */
static int check_files(const char *dir, jrp_error *e)
{
	char path[4200];
	struct stat st;
	DIR *dh;
	struct dirent *de;
	bool others = false;

	snprintf(path, sizeof path, "%s/data.mdb", dir);
	if (stat(path, &st) == 0) {
		if (st.st_size > 0)
			return 0;
		return jrp_fail(e, JRP_ERR_STORAGE, path, "is empty, but a store was kept here (a full disk or a "
				"truncated copy?); restore it from a backup, or move the directory away to start an empty store");
	}
	if (errno != ENOENT)
		return jrp_fail(e, JRP_ERR_STORAGE, path, "cannot be read: %s", strerror(errno));
	if (!(dh = opendir(dir)))
		return 0;   /* a new directory */
	while ((de = readdir(dh)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			others = true;
	closedir(dh);
	if (others)
		return jrp_fail(e, JRP_ERR_STORAGE, path, "is missing, but %s holds other files of a store (lock.mdb, "
				"journal segments): restore data.mdb from a backup, or move the directory away to start an "
				"empty store", dir);
	return 0;
}

/* check_size - data.mdb holds every page its header says the store uses */
static int check_size(store *s, const char *dir, jrp_error *e)
{
	char path[4200];
	struct stat st;
	MDB_envinfo info;
	MDB_stat ms;
	uint64_t need;

	snprintf(path, sizeof path, "%s/data.mdb", dir);
	if (mdb_env_info(s->env, &info) != 0 || mdb_env_stat(s->env, &ms) != 0 || stat(path, &st) != 0)
		return jrp_fail(e, JRP_ERR_STORAGE, path, "cannot be read");
	need = ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
	if ((uint64_t)st.st_size < need)
		return jrp_fail(e, JRP_ERR_STORAGE, path, "is %llu bytes, but its header says the store uses %llu (pages up "
				"to %llu of %u bytes): the file was cut short (an interrupted copy, a full disk?); restore it "
				"from a backup", (unsigned long long)st.st_size, (unsigned long long)need,
				(unsigned long long)info.me_last_pgno, ms.ms_psize);
	return 0;
}

int store_open(const char *dir, size_t map_size, size_t map_max, const char *const *dbnames, int ndbs,
	       store **out, jrp_error *e)
{
	store *s;
	MDB_txn *txn;
	int rc;

	if (ndbs > STORE_MAXDBS)
		return jrp_fail(e, JRP_ERR_STORAGE, dir, "too many databases");
	if ((rc = check_files(dir, e)) < 0)
		return JRP_ESTORE;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return jrp_fail(e, JRP_ERR_STORAGE, dir, "cannot create: %s", strerror(errno));
	s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	s->ndbs = ndbs;
	if ((rc = mdb_env_create(&s->env)) != 0)
		goto fail;
	mdb_env_set_maxdbs(s->env, STORE_MAXDBS + STORE_EXTRA_DBS);
	mdb_env_set_maxreaders(s->env, 126);
	/* an existing environment may be larger than the configured start */
	mdb_env_set_mapsize(s->env, map_size);
	if ((rc = mdb_env_open(s->env, dir, MDB_NOTLS, 0600)) != 0)
		goto env_close;
	if (check_size(s, dir, e) < 0) {
		mdb_env_close(s->env);
		free(s->dir);
		free(s);
		return JRP_ESTORE;
	}
	{
		MDB_envinfo info;
		mdb_env_info(s->env, &info);
		s->map_size = info.me_mapsize > map_size ? info.me_mapsize : map_size;
		s->map_max = map_max > s->map_size ? map_max : s->map_size;
	}
	if ((rc = mdb_txn_begin(s->env, NULL, 0, &txn)) != 0)
		goto env_close;
	for (int i = 0; i < ndbs; i++)
		if ((rc = mdb_dbi_open(txn, dbnames[i], MDB_CREATE, &s->dbi[i])) != 0) {
			mdb_txn_abort(txn);
			goto env_close;
		}
	if ((rc = mdb_txn_commit(txn)) != 0)
		goto env_close;
	*out = s;
	return 0;
env_close:
	mdb_env_close(s->env);
fail:
	jrp_fail(e, JRP_ERR_STORAGE, dir, "cannot open LMDB environment: %s", mdb_strerror(rc));
	free(s->dir);
	free(s);
	return store_rc(rc) == 0 ? JRP_ESTORE : store_rc(rc);
}

void store_close(store **sp)
{
	store *s = *sp;
	if (!s)
		return;
	mdb_env_close(s->env);
	free(s->dir);
	free(s);
	*sp = NULL;
}

MDB_env *store_env(store *s) { return s->env; }
MDB_dbi store_dbi(store *s, int idx) { return s->dbi[idx]; }
size_t store_map_size(store *s) { return s->map_size; }
size_t store_map_max(store *s) { return s->map_max; }

uint64_t store_used(store *s, MDB_txn *txn)
{
	MDB_envinfo info;
	MDB_stat st;
	(void)txn;
	if (mdb_env_info(s->env, &info) != 0 || mdb_env_stat(s->env, &st) != 0)
		return 0;
	return (uint64_t)(info.me_last_pgno + 1) * st.ms_psize;
}

int store_log_first(MDB_txn *txn, MDB_dbi dbi, uint64_t *seq)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;
	*seq = 0;
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_rc(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_FIRST);
	if (rc == 0 && k.mv_size == 8)
		*seq = be64_get(k.mv_data);
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

int store_begin(store *s, bool write, MDB_txn **txn)
{
	int rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, txn);
	if (rc == MDB_MAP_RESIZED) {
		/* another process grew the map (e.g. mdb_stat while we run): adopt it */
		mdb_env_set_mapsize(s->env, 0);
		rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, txn);
	}
	if (rc != 0)
		log_error("event=txn_begin_failed dir=%s error=\"%s\"", s->dir, mdb_strerror(rc));
	return store_rc(rc);
}

int store_commit(store *s, MDB_txn *txn)
{
	int rc = mdb_txn_commit(txn);
	return rc == 0 ? 0 : commit_failed(s, rc);
}

int store_grow(store *s)
{
	size_t next = s->map_size * 2;
	unsigned repeats;
	int rc;
	if (s->map_size >= s->map_max) {
		if (full_log_due(s, 0, &repeats))
			log_error("event=map_full dir=%s map_mb=%zu max_mb=%zu repeats=%u hint=\"writes are refused with "
				  "storage; raise map_max_mb in the configuration and restart this daemon\"", s->dir,
				  s->map_size >> 20, s->map_max >> 20, repeats);
		return JRP_EFULL;
	}
	if (next > s->map_max)
		next = s->map_max;
	if ((rc = mdb_env_set_mapsize(s->env, next)) != 0) {
		log_error("event=map_grow_failed dir=%s error=\"%s\"", s->dir, mdb_strerror(rc));
		return JRP_EFULL;
	}
	log_info("event=map_grown dir=%s from_mb=%zu to_mb=%zu", s->dir, s->map_size >> 20, next >> 20);
	s->map_size = next;
	return 0;
}

int store_log_last(MDB_txn *txn, MDB_dbi dbi, uint64_t *seq)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc = mdb_cursor_open(txn, dbi, &c);
	if (rc)
		return store_rc(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND) {
		*seq = 0;
		return 0;
	}
	if (rc)
		return store_rc(rc);
	*seq = k.mv_size == 8 ? be64_get(k.mv_data) : 0;
	return 0;
}

int store_log_append(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, const void *val, size_t len)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v = { len, (void *)val };
	be64_put(kb, seq);
	return store_rc(mdb_put(txn, dbi, &k, &v, MDB_APPEND));
}

int store_log_get(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, MDB_val *val)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb };
	be64_put(kb, seq);
	return store_rc(mdb_get(txn, dbi, &k, val));
}

int store_log_scan(MDB_txn *txn, MDB_dbi dbi, uint64_t after, size_t max, size_t max_bytes,
	     int (*fn)(void *arg, uint64_t seq, const MDB_val *val), void *arg)
{
	MDB_cursor *c;
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	size_t n = 0, bytes = 0;
	int rc;

	if (after == UINT64_MAX)
		return 0;
	be64_put(kb, after + 1);
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_rc(rc);
	rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && n < max && (n == 0 || bytes + v.mv_size <= max_bytes)) {
		if (k.mv_size != 8)
			break;
		n++;
		bytes += v.mv_size;
		if (fn(arg, be64_get(k.mv_data), &v))
			break;
		rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

int meta_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t *out)
{
	MDB_val k = { strlen(key), (void *)key }, v;
	int rc = mdb_get(txn, dbi, &k, &v);
	*out = 0;
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return store_rc(rc);
	if (v.mv_size == 8)
		*out = be64_get(v.mv_data);
	return 0;
}

int meta_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *key, uint64_t val)
{
	unsigned char b[8];
	MDB_val k = { strlen(key), (void *)key }, v = { 8, b };
	be64_put(b, val);
	return store_rc(mdb_put(txn, dbi, &k, &v, 0));
}

int meta_add(MDB_txn *txn, MDB_dbi dbi, const char *key, int64_t delta, uint64_t *out)
{
	uint64_t v;
	int rc = meta_get_u64(txn, dbi, key, &v);
	if (rc)
		return rc;
	v += (uint64_t)delta;
	if (out)
		*out = v;
	return meta_put_u64(txn, dbi, key, v);
}

int kv_put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, const void *v, size_t vn, unsigned flags)
{
	MDB_val key = { kn, (void *)k }, val = { vn, (void *)v };
	return store_rc(mdb_put(txn, dbi, &key, &val, flags));
}

int kv_get(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, MDB_val *v)
{
	MDB_val key = { kn, (void *)k };
	return store_rc(mdb_get(txn, dbi, &key, v));
}

int kv_del(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn)
{
	MDB_val key = { kn, (void *)k };
	int rc = mdb_del(txn, dbi, &key, NULL);
	return rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}

int kv_floor(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, size_t plen, MDB_val *key, MDB_val *val)
{
	MDB_cursor *c;
	int rc;
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_rc(rc);
	key->mv_data = (void *)k;
	key->mv_size = kn;
	rc = mdb_cursor_get(c, key, val, MDB_SET_RANGE);
	if (rc == 0 && key->mv_size == kn && memcmp(key->mv_data, k, kn) == 0)
		;   /* k itself */
	else if (rc == 0)
		rc = mdb_cursor_get(c, key, val, MDB_PREV);
	else if (rc == MDB_NOTFOUND)
		rc = mdb_cursor_get(c, key, val, MDB_LAST);
	if (rc == 0 && (key->mv_size < plen || memcmp(key->mv_data, k, plen) != 0))
		rc = MDB_NOTFOUND;
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? JRP_ENOTFOUND : store_rc(rc);
}

int kv_prefix_each(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t plen, size_t max,
		   int (*fn)(void *arg, const unsigned char *rest, size_t restlen, const MDB_val *val), void *arg)
{
	MDB_cursor *c;
	MDB_val k = { plen, (void *)prefix }, v;
	size_t n = 0;
	int rc, r = 0;
	if ((rc = mdb_cursor_open(txn, dbi, &c)) != 0)
		return store_rc(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0 && n < max; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT), n++) {
		if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
			break;
		if ((r = fn(arg, (const unsigned char *)k.mv_data + plen, k.mv_size - plen, &v)) != 0)
			break;
	}
	mdb_cursor_close(c);
	if (r)
		return r;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : store_rc(rc);
}
