/*
 * asof.c - the check as of a past instant (issue 14 item 3; README "dispatch", check's as_of_time)
 *
 * A subject disputing a measure asks what was in force on the day it was applied. Two things make the
 * answer exact:
 *   - every write of the entries in force ("active": an entry took effect, was suspended or resumed, was
 *     extended, exited or was revoked) is also a row of "ahist": subject NUL entry(8) at(8) seq(8) ->
 *     in_force(1): the change copy at `seq` of the outbound log (which keeps it, or its archive does) is
 *     what the check showed from `at` on, or (in_force 0) the entry stopped being in force then. The
 *     entries in force at T are, per entry, the last row at or before T that is in force.
 *   - every catalogue that was ever in force is kept: meta "catver/" at(8) -> version (when it came into
 *     force: at the daemon's start with a version not seen before, or at catalog.reload), and
 *     "catfiles/" version -> its files (msgpack map: relative path -> bytes: catalog.yaml,
 *     standards.yaml, measures.yaml, calendar/NNNN.yaml). The catalogue in force at T is loaded from those
 *     bytes (through a scratch directory; kept in memory once loaded) and gives the measures, as it did.
 * "ahist_since" (meta) is when the index began: an instant before it is refused, never guessed.
 */
#include "dispatch.h"
#include "daemon.h"
#include "msg.h"
#include "names.h"
#include "store.h"
#include "util/fsutil.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CATVER "catver/"
#define CATFILES "catfiles/"
#define AHIST_SINCE "ahist_since"

int asof_note(dsp *x, const jrp_change *ch, bool in_force)
{
	unsigned char k[JRP_CODE_MAX + 1 + 24], v[1] = { in_force };
	size_t n = strlen(ch->subject.code) + 1;   /* a decoded change's code is at most JRP_CODE_MAX */
	memcpy(k, ch->subject.code, n);
	be64_put(k + n, ch->entry);
	be64_put(k + n + 8, (uint64_t)ch->at);
	be64_put(k + n + 16, ch->seq);
	return kv_put(x->txn, x->db[DDB_AHIST], k, n + 24, v, 1, 0);
}

/* ---- the catalogues ---- */

/* read_file - a whole file into the map being written (key: its path under the rules directory) */
static int add_file(mw *w, const char *dir, const char *rel)
{
	char *path = xasprintf("%s/%s", dir, rel);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return -1;
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	char chunk[8192];
	size_t r;
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, r, m);
	fclose(f);
	fclose(m);
	mw_str(w, rel);
	mw_strn(w, buf, n);
	free(buf);
	return 0;
}

/* snapshot - the files of the catalogue in dir, as catalog_load reads them */
static int snapshot(const char *dir, mw *w)
{
	static const char *const files[] = { "catalog.yaml", "standards.yaml", "measures.yaml" };
	mw_map(w);
	for (size_t i = 0; i < 3; i++)
		if (add_file(w, dir, files[i]) < 0) {
			mw_end(w);
			return -1;
		}
	char *cdir = xasprintf("%s/calendar", dir);
	DIR *dh = opendir(cdir);
	struct dirent *de;
	while (dh && (de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
			continue;
		char *rel = xasprintf("calendar/%s", de->d_name);
		add_file(w, dir, rel);
		free(rel);
	}
	if (dh)
		closedir(dh);
	free(cdir);
	mw_end(w);
	return 0;
}

/* catver_at - the version of the catalogue in force at `at` (the last catver row at or before it) into v, and
 * since when (*since, if not NULL); "" if none was kept by then */
static int catver_at(MDB_txn *txn, MDB_dbi meta, int64_t at, char *v, size_t n, int64_t *since)
{
	unsigned char k[32];
	MDB_val key, val;
	int rc;
	v[0] = '\0';
	memcpy(k, CATVER, strlen(CATVER));
	be64_put(k + strlen(CATVER), (uint64_t)at);
	rc = kv_floor(txn, meta, k, strlen(CATVER) + 8, strlen(CATVER), &key, &val);
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc != 0)
		return rc;
	if (key.mv_size != strlen(CATVER) + 8)
		return JRP_ESTORE;
	snprintf(v, n, "%.*s", (int)val.mv_size, (const char *)val.mv_data);
	if (since)
		*since = (int64_t)be64_get((const unsigned char *)key.mv_data + strlen(CATVER));
	return 0;
}

int asof_catalog_in_force(dsp *x, const jrp_catalog *cat, int64_t at)
{
	char last[128];
	unsigned char k[32];
	size_t vl = strlen(cat->version);
	int rc;
	MDB_val v;
	if ((rc = catver_at(x->txn, x->db[DDB_META], INT64_MAX, last, sizeof last, NULL)) != 0)
		return rc;
	if (strcmp(last, cat->version) == 0)
		return 0;
	char *fk = xasprintf(CATFILES "%s", cat->version);
	if ((rc = kv_get(x->txn, x->db[DDB_META], fk, strlen(fk), &v)) == JRP_ENOTFOUND) {
		mw w;
		mw_init(&w);
		if (snapshot(cat->dir, &w) < 0) {
			log_warn("event=catalog_not_kept version=%s dir=%s error=\"%s\" hint=\"a check as of a time it was in force "
				 "will name it but cannot give its measures\"", cat->version, cat->dir, strerror(errno));
			rc = 0;
		} else {
			rc = kv_put(x->txn, x->db[DDB_META], fk, strlen(fk), mw_data(&w), mw_len(&w), 0);
		}
		mw_free(&w);
	}
	free(fk);
	if (rc != 0)
		return rc;
	memcpy(k, CATVER, strlen(CATVER));
	be64_put(k + strlen(CATVER), (uint64_t)at);
	log_info("event=catalog_version_kept version=%s since_ms=%lld", cat->version, (long long)at);
	return kv_put(x->txn, x->db[DDB_META], k, strlen(CATVER) + 8, cat->version, vl, 0);
}

int asof_init(dsp *x, int64_t now)
{
	MDB_val v;
	uint64_t last = 0;
	char kept[128];
	int rc;
	if ((rc = store_log_last(x->txn, x->db[DDB_OUT], &last)) != 0)
		return rc;
	rc = kv_get(x->txn, x->db[DDB_META], AHIST_SINCE, strlen(AHIST_SINCE), &v);
	if (rc == JRP_ENOTFOUND) {
		/* a new store (complete from the beginning: 0), or one from before the index (complete from now) */
		unsigned char b[8];
		be64_put(b, last ? (uint64_t)now : 0);
		if ((rc = kv_put(x->txn, x->db[DDB_META], AHIST_SINCE, strlen(AHIST_SINCE), b, 8, 0)) != 0)
			return rc;
	} else if (rc != 0) {
		return rc;
	}
	/* the first catalogue of a new store was in force from its beginning */
	if ((rc = catver_at(x->txn, x->db[DDB_META], INT64_MAX, kept, sizeof kept, NULL)) != 0)
		return rc;
	return asof_catalog_in_force(x, x->cat, !kept[0] && !last ? 0 : now);
}

/* the catalogues loaded from their kept files: they never change, so a version once loaded is kept */
static struct {
	pthread_mutex_t mu;
	jrp_catalog *v[64];
	size_t n;
} loaded = { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0 };

static int rm_tree(const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	while (dh && (de = readdir(dh))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		char *p = xasprintf("%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_tree(p);
		else
			unlink(p);
		free(p);
	}
	if (dh)
		closedir(dh);
	return rmdir(dir);
}

/* kept_name - catalog.yaml, standards.yaml, measures.yaml or calendar/NNNN.yaml: what snapshot() keeps */
static bool kept_name(const msgpack_object *k)
{
	char n[32];
	if (k->via.str.size >= sizeof n)
		return false;
	snprintf(n, sizeof n, "%.*s", (int)k->via.str.size, k->via.str.ptr);
	if (strcmp(n, "catalog.yaml") == 0 || strcmp(n, "standards.yaml") == 0 || strcmp(n, "measures.yaml") == 0)
		return true;
	return strlen(n) == 18 && strncmp(n, "calendar/", 9) == 0 && strspn(n + 9, "0123456789") == 4 &&
	       strcmp(n + 13, ".yaml") == 0;
}

/* load_kept - the catalogue `version` from its kept files into *out: 0, or the refusal's code */
static int load_kept(dsp *x, const char *version, const char *scratch, const jrp_catalog **out, jrp_catalog **owned,
		     jrp_error *e)
{
	const jrp_catalog *found = NULL;
	int ret = 0;
	pthread_mutex_lock(&loaded.mu);
	for (size_t i = 0; i < loaded.n && !found; i++)
		if (strcmp(loaded.v[i]->version, version) == 0)
			found = loaded.v[i];
	pthread_mutex_unlock(&loaded.mu);
	if ((*out = found))
		return 0;
	char *fk = xasprintf(CATFILES "%s", version);
	MDB_val v;
	msg_in in;
	jrp_error pe;
	int rc = kv_get(x->txn, x->db[DDB_META], fk, strlen(fk), &v);
	free(fk);
	if (rc != 0)
		return rc == JRP_ENOTFOUND ? jrp_fail(e, JRP_ERR_NOT_FOUND, "as_of_time", "catalogue %s was in force then, "
						      "but its files were not kept", version) : rc;
	if (msg_parse_ref(v.mv_data, v.mv_size, SIZE_MAX, &in, &pe) < 0 || in.root->type != MSGPACK_OBJECT_MAP) {
		msg_in_free(&in);
		return jrp_fail(e, JRP_ERR_STORAGE, "as_of_time", "the kept files of catalogue %s are damaged", version);
	}
	char *dir = xasprintf("%s/asof-XXXXXX", scratch);
	jrp_catalog *cat = NULL;
	if (!mkdtemp(dir)) {
		ret = jrp_fail(e, JRP_ERR_STORAGE, "as_of_time", "no scratch directory for catalogue %s: %s", version,
			       strerror(errno));
		goto out;
	}
	char *cal = xasprintf("%s/calendar", dir);
	mkdir(cal, 0700);
	free(cal);
	for (uint32_t i = 0; i < in.root->via.map.size; i++) {
		const msgpack_object *kk = &in.root->via.map.ptr[i].key, *vv = &in.root->via.map.ptr[i].val;
		/* only the names snapshot() writes: a damaged store never makes us write elsewhere */
		if (kk->type != MSGPACK_OBJECT_STR || vv->type != MSGPACK_OBJECT_STR || !kept_name(kk))
			continue;
		char *p = xasprintf("%s/%.*s", dir, (int)kk->via.str.size, kk->via.str.ptr);
		FILE *f = fopen(p, "wb");
		if (f) {
			fwrite(vv->via.str.ptr, 1, vv->via.str.size, f);
			fclose(f);
		}
		free(p);
	}
	jrp_error le;
	jrp_error_clear(&le);
	if (catalog_load(dir, x->parties, &cat, &le) < 0) {
		ret = jrp_fail(e, JRP_ERR_STORAGE, "as_of_time", "catalogue %s, kept from then, does not load now: %s %s",
			       version, le.field, le.message);
		cat = NULL;
	}
	rm_tree(dir);
	if (cat) {
		pthread_mutex_lock(&loaded.mu);
		if (loaded.n < sizeof loaded.v / sizeof loaded.v[0])
			loaded.v[loaded.n++] = cat;
		else
			*owned = cat;   /* more versions than kept in memory: answer from it, then let it go */
		found = cat;
		pthread_mutex_unlock(&loaded.mu);
	}
out:
	free(dir);
	msg_in_free(&in);
	*out = found;
	return ret;
}

/* ---- the answer ---- */

static int answer(dsp *x, const jrp_catalog *cat, const char *code, const char *matter, const char *agency, int64_t at,
		  int64_t cat_since, mw *out, jrp_error *e);

typedef struct pick {
	uint64_t entry, seq;
	int64_t at;
	bool in_force;
} pick;

int check_answer_asof(dsp *x, const char *code, const char *matter, const char *agency, int64_t at,
		      const char *scratch, mw *out, jrp_error *e)
{
	MDB_val v;
	int64_t since = 0, cat_since = 0;
	char version[128];
	int rc;

	if ((rc = kv_get(x->txn, x->db[DDB_META], AHIST_SINCE, strlen(AHIST_SINCE), &v)) != 0)
		return rc == JRP_ENOTFOUND ? jrp_fail(e, JRP_ERR_NOT_FOUND, "as_of_time", "no history is kept yet") : rc;
	since = (int64_t)be64_get(v.mv_data);
	if (at < since)
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "as_of_time", "the history of entries in force is kept since %lld "
				"(ms); this dispatch cannot answer for an earlier instant", (long long)since);
	if ((rc = catver_at(x->txn, x->db[DDB_META], at, version, sizeof version, &cat_since)) != 0)
		return rc;
	if (!version[0])
		return jrp_fail(e, JRP_ERR_NOT_FOUND, "as_of_time", "no catalogue was kept as in force at that instant");
	const jrp_catalog *cat = x->cat;
	jrp_catalog *owned_cat = NULL;
	if (strcmp(version, x->cat->version) != 0 && (rc = load_kept(x, version, scratch, &cat, &owned_cat, e)) != 0)
		return rc;
	rc = answer(x, cat, code, matter, agency, at, cat_since, out, e);
	catalog_free(&owned_cat);
	return rc;
}

static int answer(dsp *x, const jrp_catalog *cat, const char *code, const char *matter, const char *agency, int64_t at,
		  int64_t cat_since, mw *out, jrp_error *e)
{
	int rc;
	if (!catalog_matter(cat, matter))
		return jrp_fail(e, JRP_ERR_UNKNOWN_MATTER, "matter", "\"%s\" is not a matter kind of catalogue %s (in force "
				"then)", matter, cat->version);

	/* per entry, the last row at or before `at` */
	size_t plen = strlen(code) + 1, np = 0, cap = 0;
	pick *picks = NULL;
	unsigned char k[64];
	MDB_cursor *c;
	MDB_val key, val;
	memcpy(k, code, plen);
	key.mv_data = k;
	key.mv_size = plen;
	if ((rc = mdb_cursor_open(x->txn, x->db[DDB_AHIST], &c)) != 0)
		return store_rc(rc);
	for (rc = mdb_cursor_get(c, &key, &val, MDB_SET_RANGE); rc == 0; rc = mdb_cursor_get(c, &key, &val, MDB_NEXT)) {
		const unsigned char *kp = key.mv_data;
		if (key.mv_size != plen + 24 || memcmp(kp, k, plen) != 0)
			break;
		uint64_t entry = be64_get(kp + plen), seq = be64_get(kp + plen + 16);
		int64_t t = (int64_t)be64_get(kp + plen + 8);
		if (t > at)
			continue;
		if (!np || picks[np - 1].entry != entry) {
			if (np == cap)
				picks = xrealloc(picks, (cap = cap ? cap * 2 : 8) * sizeof *picks);
			np++;
		}
		picks[np - 1] = (pick){ entry, seq, t, val.mv_size == 1 && ((const unsigned char *)val.mv_data)[0] };
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND) {
		free(picks);
		return store_rc(rc);
	}
	mw_kstr(out, "subject", code);
	mw_kstr(out, "matter", matter);
	mw_ki64(out, "as_of_time", at);
	mw_kstr(out, "catalog_version", cat->version);
	mw_ki64(out, "catalog_since", cat_since);
	mw_str(out, "entries");
	mw_arr(out);
	bool listed = false;
	for (size_t i = 0; i < np; i++) {
		if (!picks[i].in_force)
			continue;
		MDB_val rv;
		void *owned = NULL;
		msg_in in;
		jrp_error de;
		jrp_change ch;
		int bad;
		if (x->log_read)
			rc = x->log_read(x->log_arg, x->txn, picks[i].seq, &rv, &owned, e);
		else
			rc = store_log_get(x->txn, x->db[DDB_OUT], picks[i].seq, &rv);
		if (rc != 0) {
			free(picks);
			return rc;
		}
		bad = msg_parse_ref(rv.mv_data, rv.mv_size, SIZE_MAX, &in, &de) < 0 || change_decode(in.root, true, &ch, &de) < 0;
		msg_in_free(&in);
		free(owned);
		if (bad) {
			free(picks);
			return JRP_ESTORE;
		}
		check_write_entry(cat, &ch, matter, agency, out, picks[i].at, picks[i].seq);
		listed = true;
	}
	free(picks);
	mw_end(out);
	mw_kbool(out, "listed", listed);
	return 0;
}
