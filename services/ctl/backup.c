/*
 * backup.c - jrpctl backup DIR / jrpctl restore DIR (issue 12 item 3)
 *
 * A backup is a consistent hot copy of the four LMDB environments - and jrp-exchange's, where the
 * configuration has an exchange: section - taken by this process while the daemons serve: LMDB lets
 * another process open an environment read-only and copy one snapshot of it (mdb_env_copy2,
 * compacted) without stopping the writer. The copies are taken downstream first - exchange,
 * feedback, dispatch, adjudicate, ingest - so that in the set no consumer's cursor is ahead of its
 * upstream's log: each upstream is copied after its consumers and has at least what they had pulled.
 * (jrp-exchange and jrp-feedback both consume dispatch's log; jrp-exchange's cursors on its peers'
 * streams are on other regions' logs, which no set holds.)
 * dispatch's check journal segments are copied after dispatch's environment: a frame the copy had
 * not yet moved into the log is moved again at start, once (the journal's place is in the copy's
 * meta). The configuration, the parties registry and the rules go beside them, for reference.
 *
 * DIR/manifest.json says what the set holds: when it was taken, the jrp log format, per daemon its
 * log id, last seq, cursor and the upstream log that cursor belongs to, and every file's size and
 * CRC-32C. `jrpctl restore DIR` checks all of that - files intact, formats this build reads, each
 * cursor at most its upstream's last seq and on its upstream's log - with every daemon stopped, and
 * only then puts the set in place (what was there is kept beside it, renamed).
 *
 * jrp-exchange in a set is optional: a set taken without an exchange: section has none and restores as
 * before (DATA_DIR/exchange, if any, is left as it is, and said so); a set that has it is refused by a
 * configuration without the section (the engine's exchange would be left out of the set's history).
 * A restored jrp-exchange keeps its log id: its streams are the peers' upstream logs, and a peer that
 * had pulled beyond the set stops by itself (the stream ends below its cursor, or another record is
 * at it), while one that had not carries on.
 */
#include "ctl.h"
#include "conv.h"
#include "archive.h"
#include "records.h"
#include "retain.h"
#include "store.h"
#include "util/crc32c.h"
#include "util/xalloc.h"
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* pathf - snprintf into a path or message buffer; a result that does not fit is cut (paths are checked
 * to fit before use: DIR is at most BACKUP_DIR_MAX) */
static void pathf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pathf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, n, fmt, ap);
	va_end(ap);
}

#define BACKUP_DIR_MAX 1024

/* each daemon's outbound log database (NULL: none) and its upstream (-1: none) */
static const char *const outlog_db[SVC__ALL] = { "events", "changes", "out", NULL, "xlog" };
static const int upstream_of[SVC__ALL] = { -1, SVC_INGEST, SVC_ADJUDICATE, SVC_DISPATCH, SVC_DISPATCH };
/* the order of the copies: downstream first */
static const int copy_order[SVC__ALL] = { SVC_EXCHANGE, SVC_FEEDBACK, SVC_DISPATCH, SVC_ADJUDICATE, SVC_INGEST };

typedef struct set_file {
	char name[64];          /* relative to the daemon's directory (archive/NAME for an archive file) */
	uint64_t size;
	uint32_t crc;
} set_file;

typedef struct set_daemon {
	uint64_t format, log_last, cursor;
	char log_id[64], upstream_log[64];
	set_file *files;
	int nfiles, capfiles;
	int archives_missing;   /* archive files the store names that were not in DATA_DIR */
	bool present;           /* in the set (the four always; jrp-exchange where it was configured) */
} set_daemon;

/* file_add - a new entry of sd's file list */
static set_file *file_add(set_daemon *sd)
{
	if (sd->nfiles == sd->capfiles)
		sd->files = xrealloc(sd->files, (size_t)(sd->capfiles = sd->capfiles ? sd->capfiles * 2 : 16) * sizeof *sd->files);
	memset(&sd->files[sd->nfiles], 0, sizeof *sd->files);
	return &sd->files[sd->nfiles++];
}

static void set_free(set_daemon *sd)
{
	for (int s = 0; s < SVC__ALL; s++) {
		free(sd[s].files);
		sd[s].files = NULL;
		sd[s].nfiles = sd[s].capfiles = 0;
	}
}

/* file_crc - size and CRC-32C of a file; 0 or -1 */
static int file_crc(const char *path, uint64_t *size, uint32_t *crc)
{
	char buf[1 << 16];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*size = 0;
	*crc = 0;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		*crc = crc32c(*crc, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
	char buf[1 << 16];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC), out;
	if (in < 0)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof buf)) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n == 0 && fsync(out) < 0)
		n = -1;
	close(in);
	if (close(out) < 0)
		n = -1;
	return n < 0 ? -1 : 0;
}

/* copy_tree - a directory's regular files and subdirectories (the rules) */
static int copy_tree(const char *from, const char *to)
{
	DIR *dir = opendir(from);
	struct dirent *de;
	int rc = 0;
	if (!dir || mkdir(to, 0700) < 0) {
		if (dir)
			closedir(dir);
		return -1;
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		char a[PATH_MAX], b[PATH_MAX];
		struct stat st;
		if (de->d_name[0] == '.')
			continue;
		pathf(a, sizeof a, "%s/%s", from, de->d_name);
		pathf(b, sizeof b, "%s/%s", to, de->d_name);
		if (stat(a, &st) < 0)
			rc = -1;
		else if (S_ISDIR(st.st_mode))
			rc = copy_tree(a, b);
		else if (S_ISREG(st.st_mode))
			rc = copy_file(a, b);
	}
	closedir(dir);
	return rc;
}

/* env_facts - from a (copied) environment: format, log id, last seq of its outbound log, cursor and
 * the upstream log it belongs to */
static int env_facts(const char *dir, int svc, set_daemon *sd, char *err, size_t errn)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi meta, out;
	MDB_val k, v;
	int rc;
	if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, 32)) ||
	    (rc = mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0600)) || (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) ||
	    (rc = mdb_dbi_open(txn, "meta", 0, &meta))) {
		pathf(err, errn, "%s: %s", dir, mdb_strerror(rc));
		goto out;
	}
	meta_get_u64(txn, meta, "format", &sd->format);
	meta_get_u64(txn, meta, "cursor", &sd->cursor);
	k.mv_data = "log_id";
	k.mv_size = 6;
	if (mdb_get(txn, meta, &k, &v) == 0 && v.mv_size < sizeof sd->log_id)
		memcpy(sd->log_id, v.mv_data, v.mv_size);
	k.mv_data = "upstream_log";
	k.mv_size = strlen("upstream_log");
	if (mdb_get(txn, meta, &k, &v) == 0 && v.mv_size < sizeof sd->upstream_log)
		memcpy(sd->upstream_log, v.mv_data, v.mv_size);
	if (outlog_db[svc]) {
		if ((rc = mdb_dbi_open(txn, outlog_db[svc], 0, &out)) != 0) {
			pathf(err, errn, "%s: its log %s: %s", dir, outlog_db[svc], mdb_strerror(rc));
			goto out;
		}
		store_log_last(txn, out, &sd->log_last);
	}
out:
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	return rc ? -1 : 0;
}

/* add_files - every file of dir into sd's list, with size and CRC */
static int add_files(const char *dir, set_daemon *sd)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char p[PATH_MAX];
		set_file *f;
		struct stat st;
		if (de->d_name[0] == '.' || strcmp(de->d_name, "lock.mdb") == 0 || strlen(de->d_name) >= sizeof f->name)
			continue;
		pathf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (stat(p, &st) < 0 || !S_ISREG(st.st_mode))
			continue;   /* the archive directory: its files are added by copy_archives */
		f = file_add(sd);
		pathf(f->name, sizeof f->name, "%s", de->d_name);
		if (file_crc(p, &f->size, &f->crc) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	return 0;
}

/* copy_range - the first size bytes of from into a new file to (synced) */
static int copy_range(const char *from, const char *to, uint64_t size)
{
	char buf[1 << 16];
	uint64_t done = 0;
	int in = open(from, O_RDONLY | O_CLOEXEC), out, rc = 0;
	if (in < 0)
		return -1;
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		close(in);
		return -1;
	}
	while (rc == 0 && done < size) {
		size_t want = size - done < sizeof buf ? (size_t)(size - done) : sizeof buf;
		ssize_t n = read(in, buf, want);
		if (n <= 0 || write(out, buf, (size_t)n) != n)
			rc = -1;
		else
			done += (uint64_t)n;
	}
	if (rc == 0 && fsync(out) < 0)
		rc = -1;
	close(in);
	if (close(out) < 0)
		rc = -1;
	return rc;
}

/* copy_archives - the archive files the copied store (copy) names, from the live directory: for
 * each retained log, every file up to its current one, that one only up to its committed size (the
 * daemon may be appending a block beyond it now, or have begun a new file: those belong to a later
 * state). Files the store names that are not in DATA_DIR (moved away by the operator) are counted
 * and named; the set says what it lacks. */
static int copy_archives(const char *live, const char *copy, set_daemon *sd, char *err, size_t errn)
{
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	MDB_cursor *cur = NULL;
	MDB_val k, v;
	char ldir[PATH_MAX], cdir[PATH_MAX];
	int rc;
	pathf(ldir, sizeof ldir, "%s/archive", live);
	pathf(cdir, sizeof cdir, "%s/archive", copy);
	if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, 32)) ||
	    (rc = mdb_env_open(env, copy, MDB_RDONLY | MDB_NOTLS, 0600)) || (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn))) {
		pathf(err, errn, "%s: %s", copy, mdb_strerror(rc));
		goto out;
	}
	if ((rc = mdb_dbi_open(txn, "archive", 0, &dbi)) == MDB_NOTFOUND) {
		rc = 0;   /* a store from before retention: nothing archived */
		goto out;
	}
	if (rc || (rc = mdb_cursor_open(txn, dbi, &cur))) {
		pathf(err, errn, "%s: its archive index: %s", copy, mdb_strerror(rc));
		goto out;
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *key = k.mv_data;
		char log[ARCHIVE_NAME_MAX];
		retain_state st;
		uint64_t *files = NULL;
		size_t nf = 0;
		/* a log's state: NAME NUL 's' */
		if (k.mv_size < 3 || k.mv_size - 2 >= sizeof log || key[k.mv_size - 2] != 0 || key[k.mv_size - 1] != 's' ||
		    !retain_state_decode(v.mv_data, v.mv_size, &st) || !st.file)
			continue;
		memcpy(log, key, k.mv_size - 2);
		log[k.mv_size - 2] = 0;
		if (mkdir(cdir, 0700) < 0 && errno != EEXIST) {
			pathf(err, errn, "%s: %s", cdir, strerror(errno));
			rc = -1;
			goto out;
		}
		archive_files(ldir, log, &files, &nf);
		for (uint64_t first = 0;; ) {
			/* the files of this log up to the current one, those present */
			size_t i;
			char a[PATH_MAX], b[PATH_MAX];
			uint64_t size;
			set_file *f;
			for (i = 0; i < nf && files[i] <= first; i++)
				;
			if (i == nf || files[i] > st.file)
				break;
			first = files[i];
			archive_path(a, sizeof a, ldir, log, first);
			archive_path(b, sizeof b, cdir, log, first);
			if (!archive_size(ldir, log, first, &size))
				continue;
			if (first == st.file)
				size = st.size;
			if (copy_range(a, b, size) < 0) {
				pathf(err, errn, "%s: %s", a, strerror(errno));
				free(files);
				rc = -1;
				goto out;
			}
			f = file_add(sd);
			pathf(f->name, sizeof f->name, "archive/%s", strrchr(b, '/') + 1);
			if (file_crc(b, &f->size, &f->crc) < 0) {
				pathf(err, errn, "%s: %s", b, strerror(errno));
				free(files);
				rc = -1;
				goto out;
			}
		}
		{
			/* what the store names but the directory lacks: said, not hidden */
			uint64_t have = 0;
			for (size_t i = 0; i < nf; i++)
				have += files[i] <= st.file;
			if (have < st.files) {
				sd->archives_missing += (int)(st.files - have);
				fprintf(stderr, "jrpctl: backup: the store names %llu archive files of its %s log, %llu of them "
					"are in %s: the set lacks the others (moved away?); copy them into its data/.../archive/\n",
					(unsigned long long)st.files, log, (unsigned long long)have, ldir);
			}
		}
		free(files);
	}
	rc = rc == MDB_NOTFOUND ? 0 : rc;
out:
	if (cur)
		mdb_cursor_close(cur);
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	return rc ? -1 : 0;
}

static void write_manifest(FILE *f, const char *taken, const char *catalog, const set_daemon *sd)
{
	fprintf(f, "{\n  \"jrp_backup\": 1,\n  \"taken\": \"%s\",\n  \"format\": %d,\n  \"catalog_version\": \"%s\",\n"
		"  \"daemons\": {\n", taken, JRP_LOG_FORMAT, catalog);
	for (int s = 0, first = 1; s < SVC__ALL; s++) {
		if (!sd[s].present)
			continue;
		fprintf(f, "%s    \"%s\": {\"format\": %llu, \"log_id\": \"%s\", \"log_last\": %llu, \"cursor\": %llu, "
			"\"upstream_log\": \"%s\",\n      \"files\": [", first ? "" : ",\n", svc_names[s], (unsigned long long)sd[s].format,
			sd[s].log_id, (unsigned long long)sd[s].log_last, (unsigned long long)sd[s].cursor, sd[s].upstream_log);
		for (int i = 0; i < sd[s].nfiles; i++)
			fprintf(f, "%s{\"name\": \"%s\", \"size\": %llu, \"crc32c\": %u}", i ? ", " : "", sd[s].files[i].name,
				(unsigned long long)sd[s].files[i].size, sd[s].files[i].crc);
		fprintf(f, "]}");
		first = 0;
	}
	fprintf(f, "\n  }\n}\n");
}

int ctl_backup(ctl *c, int argc, char **argv)
{
	char dir[PATH_MAX], p[PATH_MAX], q[PATH_MAX], err[512], taken[40];
	static set_daemon sd[SVC__ALL];   /* static: its file lists stay reachable on the early returns */
	time_t now = time(NULL);
	FILE *f;
	if (argc != 2) {
		fprintf(stderr, "usage: jrpctl backup DIR   (DIR must not exist yet)\n");
		return 2;
	}
	if (strlen(argv[1]) > BACKUP_DIR_MAX) {
		fprintf(stderr, "jrpctl: backup: the directory's path is longer than %d characters\n", BACKUP_DIR_MAX);
		return 2;
	}
	pathf(dir, sizeof dir, "%s", argv[1]);
	if (mkdir(dir, 0700) < 0) {
		fprintf(stderr, "jrpctl: backup %s: %s (give a directory that does not exist yet)\n", dir, strerror(errno));
		return 1;
	}
	strftime(taken, sizeof taken, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	memset(sd, 0, sizeof sd);
	pathf(p, sizeof p, "%s/data", dir);
	mkdir(p, 0700);
	/* downstream first: no consumer in the set is ahead of its upstream */
	for (int o = 0; o < SVC__ALL; o++) {
		MDB_env *env = NULL;
		int rc, s = copy_order[o];
		pathf(p, sizeof p, "%s/%s", c->cfg->data_dir, svc_names[s]);
		pathf(q, sizeof q, "%s/data/%s", dir, svc_names[s]);
		if (s == SVC_EXCHANGE) {
			if (!c->cfg->xc.enabled)
				continue;   /* no exchange: section: the four, as ever */
			if (access(p, F_OK) < 0 && errno == ENOENT) {
				fprintf(stderr, "jrpctl: backup: jrp-exchange has no data yet (%s does not exist): the set has "
					"the four daemons' data only\n", p);
				continue;
			}
		}
		sd[s].present = true;
		if (mkdir(q, 0700) < 0) {
			fprintf(stderr, "jrpctl: backup: %s: %s\n", q, strerror(errno));
			return 1;
		}
		if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, 32)) ||
		    (rc = mdb_env_open(env, p, MDB_RDONLY | MDB_NOTLS, 0600)) || (rc = mdb_env_copy2(env, q, MDB_CP_COMPACT))) {
			fprintf(stderr, "jrpctl: backup of jrp-%s (%s): %s; the set in %s is incomplete, remove it\n",
				svc_names[s], p, mdb_strerror(rc), dir);
			if (env)
				mdb_env_close(env);
			return 1;
		}
		mdb_env_close(env);
		if (s == SVC_DISPATCH) {
			/* the check journal after the environment: frames the copy had not moved are moved
			 * again at start, once */
			DIR *d = opendir(p);
			struct dirent *de;
			while (d && (de = readdir(d)) != NULL) {
				char a[PATH_MAX], b[PATH_MAX];
				if (strncmp(de->d_name, "journal.", 8) != 0)
					continue;
				pathf(a, sizeof a, "%s/%s", p, de->d_name);
				pathf(b, sizeof b, "%s/%s", q, de->d_name);
				if (copy_file(a, b) < 0) {
					fprintf(stderr, "jrpctl: backup: %s: %s\n", a, strerror(errno));
					closedir(d);
					return 1;
				}
			}
			if (d)
				closedir(d);
		}
		if (env_facts(q, s, &sd[s], err, sizeof err) < 0 || add_files(q, &sd[s]) < 0) {
			fprintf(stderr, "jrpctl: backup: the copy of jrp-%s cannot be read back: %s\n", svc_names[s], err);
			return 1;
		}
		/* the archives the copy's index names, after the copy (retain.h) */
		if (copy_archives(p, q, &sd[s], err, sizeof err) < 0) {
			fprintf(stderr, "jrpctl: backup: the archives of jrp-%s: %s; the set in %s is incomplete, remove it\n",
				svc_names[s], err, dir);
			return 1;
		}
		pathf(q, sizeof q, "%s/data/%s/lock.mdb", dir, svc_names[s]);
		unlink(q);   /* a reader's lock file, not part of the set */
	}
	/* the configuration, the parties and the rules, as they are now */
	pathf(p, sizeof p, "%s/config", dir);
	mkdir(p, 0700);
	pathf(q, sizeof q, "%s/config/jrp.yaml", dir);
	if (copy_file(c->cfg->path, q) < 0)
		fprintf(stderr, "jrpctl: backup: %s not copied: %s\n", c->cfg->path, strerror(errno));
	pathf(q, sizeof q, "%s/config/parties.yaml", dir);
	if (copy_file(c->cfg->parties_path, q) < 0)
		fprintf(stderr, "jrpctl: backup: %s not copied: %s\n", c->cfg->parties_path, strerror(errno));
	pathf(q, sizeof q, "%s/config/rules", dir);
	if (copy_tree(c->cfg->rules_dir, q) < 0)
		fprintf(stderr, "jrpctl: backup: %s not copied: %s\n", c->cfg->rules_dir, strerror(errno));
	pathf(q, sizeof q, "%s/manifest.json", dir);
	if (!(f = fopen(q, "w"))) {
		fprintf(stderr, "jrpctl: backup: %s: %s\n", q, strerror(errno));
		return 1;
	}
	write_manifest(f, taken, c->cat ? c->cat->version : "", sd);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) {
		fprintf(stderr, "jrpctl: backup: %s: %s\n", q, strerror(errno));
		return 1;
	}
	if (c->json) {   /* what the manifest says, as one object */
		mw w;
		mw_init(&w);
		mw_map(&w);
		mw_kbool(&w, "ok", true);
		mw_kstr(&w, "dir", dir);
		mw_kstr(&w, "taken", taken);
		mw_kstr(&w, "data_dir", c->cfg->data_dir);
		mw_str(&w, "daemons");
		mw_map(&w);
		for (int s = 0; s < SVC__ALL; s++) {
			int na = 0;
			if (!sd[s].present)
				continue;
			for (int i = 0; i < sd[s].nfiles; i++)
				na += strncmp(sd[s].files[i].name, "archive/", 8) == 0;
			mw_str(&w, svc_names[s]);
			mw_map(&w);
			mw_kstr(&w, "log_id", sd[s].log_id);
			mw_ku64(&w, "log_last", sd[s].log_last);
			mw_ku64(&w, "cursor", sd[s].cursor);
			mw_ku64(&w, "files", (uint64_t)sd[s].nfiles);
			mw_ku64(&w, "archive_files", (uint64_t)na);
			mw_kbool(&w, "archives_missing", sd[s].archives_missing);
			mw_end(&w);
		}
		mw_end(&w);
		mw_end(&w);
		ctl_print_mw(&w);
		mw_free(&w);
		set_free(sd);
		return 0;
	}
	printf(tr("backup of %s taken %s into %s:\n"), c->cfg->data_dir, taken, dir);
	for (int s = 0; s < SVC__ALL; s++) {
		int na = 0;
		if (!sd[s].present)
			continue;
		for (int i = 0; i < sd[s].nfiles; i++)
			na += strncmp(sd[s].files[i].name, "archive/", 8) == 0;
		printf(tr("  jrp-%-10s log %s last seq %llu, cursor %llu, %d files (%d archive files%s)\n"), svc_names[s],
		       sd[s].log_id[0] ? sd[s].log_id : "-", (unsigned long long)sd[s].log_last,
		       (unsigned long long)sd[s].cursor, sd[s].nfiles, na, sd[s].archives_missing ? tr(", some missing: see above") : "");
	}
	set_free(sd);
	return 0;
}

/* ---- restore ---- */

static const msgpack_object *get(const msgpack_object *m, const char *k)
{
	return obj_get(m, k);
}

/* read_set - the manifest into sd (and taken): the four daemons, and jrp-exchange when the set has it
 * (present); "" or what is wrong in why */
static int read_set(const char *dir, set_daemon *sd, char *taken, size_t tn, char *why, size_t wn)
{
	char path[PATH_MAX], *text;
	size_t len;
	msgpack_sbuffer sb;
	msgpack_unpacked u;
	jrp_error e;
	const msgpack_object *ds;
	FILE *f;
	long n;
	pathf(path, sizeof path, "%s/manifest.json", dir);
	if (!(f = fopen(path, "rb"))) {
		pathf(why, wn, "%s: %s (not a backup set)", path, strerror(errno));
		return -1;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	text = xcalloc(1, (size_t)n + 1);
	len = fread(text, 1, (size_t)n, f);
	fclose(f);
	msgpack_sbuffer_init(&sb);
	if (conv_text_to_msgpack(text, len, &sb, &e) < 0) {
		pathf(why, wn, "%s: %s: %s", path, e.field, e.message);
		free(text);
		msgpack_sbuffer_destroy(&sb);
		return -1;
	}
	free(text);
	msgpack_unpacked_init(&u);
	msgpack_unpack_next(&u, sb.data, sb.size, NULL);
	obj_cstr(&u.data, "taken", taken, tn);
	ds = get(&u.data, "daemons");
	for (int s = 0; s < SVC__ALL; s++) {
		const msgpack_object *x = ds ? get(ds, svc_names[s]) : NULL, *fs;
		if (!x && s == SVC_EXCHANGE)
			break;   /* a set taken without an exchange: section (or before jrp-exchange) */
		if (!x) {
			pathf(why, wn, "%s names no %s", path, svc_names[s]);
			break;
		}
		sd[s].present = true;
		sd[s].format = obj_u64(x, "format");
		sd[s].log_last = obj_u64(x, "log_last");
		sd[s].cursor = obj_u64(x, "cursor");
		obj_cstr(x, "log_id", sd[s].log_id, sizeof sd[s].log_id);
		obj_cstr(x, "upstream_log", sd[s].upstream_log, sizeof sd[s].upstream_log);
		fs = get(x, "files");
		for (uint32_t i = 0; fs && fs->type == MSGPACK_OBJECT_ARRAY && i < fs->via.array.size; i++) {
			set_file *sf = file_add(&sd[s]);
			obj_cstr(&fs->via.array.ptr[i], "name", sf->name, sizeof sf->name);
			sf->size = obj_u64(&fs->via.array.ptr[i], "size");
			sf->crc = (uint32_t)obj_u64(&fs->via.array.ptr[i], "crc32c");
		}
	}
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(&sb);
	return why[0] ? -1 : 0;
}

/* set_fits - every file intact; formats this build reads; each consumer's cursor on its upstream's
 * log and not beyond its last seq. "" or the first misfit in why */
static void set_fits(const char *dir, const set_daemon *sd, char *why, size_t wn)
{
	for (int s = 0; s < SVC__ALL && !why[0]; s++) {
		int up = upstream_of[s];
		if (!sd[s].present)
			continue;
		if (sd[s].format < JRP_LOG_FORMAT_MIN || sd[s].format > JRP_LOG_FORMAT) {
			pathf(why, wn, "jrp-%s's copy has log format %llu; this jrpctl reads formats %d to %d",
				 svc_names[s], (unsigned long long)sd[s].format, JRP_LOG_FORMAT_MIN, JRP_LOG_FORMAT);
			break;
		}
		if (sd[s].nfiles == 0) {
			pathf(why, wn, "the set has no files for jrp-%s", svc_names[s]);
			break;
		}
		for (int i = 0; i < sd[s].nfiles; i++) {
			char p[PATH_MAX];
			uint64_t size;
			uint32_t crc;
			pathf(p, sizeof p, "%s/data/%s/%s", dir, svc_names[s], sd[s].files[i].name);
			if (file_crc(p, &size, &crc) < 0) {
				pathf(why, wn, "%s: %s", p, strerror(errno));
				break;
			}
			if (size != sd[s].files[i].size || crc != sd[s].files[i].crc) {
				pathf(why, wn, "%s is not the file the manifest names (size %llu, CRC-32C %u; the manifest "
					 "says %llu, %u): the set is damaged", p, (unsigned long long)size, crc,
					 (unsigned long long)sd[s].files[i].size, sd[s].files[i].crc);
				break;
			}
		}
		if (up >= 0 && !why[0] && sd[s].cursor > sd[up].log_last)
			pathf(why, wn, "jrp-%s's cursor %llu is beyond jrp-%s's last seq %llu in the set: the copies "
				 "were not taken downstream first (or come from different sets)", svc_names[s],
				 (unsigned long long)sd[s].cursor, svc_names[up], (unsigned long long)sd[up].log_last);
		else if (up >= 0 && !why[0] && sd[s].cursor > 0 && strcmp(sd[s].upstream_log, sd[up].log_id) != 0)
			pathf(why, wn, "jrp-%s pulled from log %s, but jrp-%s's copy is log %s: the copies come from "
				 "different deployments", svc_names[s], sd[s].upstream_log, svc_names[up], sd[up].log_id);
	}
}

/* new_ids - give each restored environment a new log id, and each consumer the new id of its upstream:
 * what comes after the set is another history than the one the backup was cut from (consumers outside
 * the set, and agencies' systems through tasks.fetch's `stream`, see that); 0 or -1 with why.
 * jrp-exchange keeps its id (its streams are its peers' upstream logs: a peer that had pulled beyond
 * the set stops by itself, at the stream's end or the record at its cursor; one that had not carries
 * on), and gets dispatch's new one as its upstream's. */
static int new_ids(const char *data_dir, const set_daemon *sd, char ids[SVC__ALL][33], char *why, size_t wn)
{
	for (int s = 0; s < SVC__ALL; s++) {
		unsigned char raw[16];
		if (s == SVC_EXCHANGE) {
			pathf(ids[s], sizeof ids[s], "%s", sd[s].log_id);
			continue;
		}
		if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
			pathf(why, wn, "no random bytes for a new log id: %s", strerror(errno));
			return -1;
		}
		for (int i = 0; i < 16; i++)
			sprintf(ids[s] + 2 * i, "%02x", raw[i]);
	}
	for (int s = 0; s < SVC__ALL; s++) {
		char dir[PATH_MAX];
		MDB_env *env = NULL;
		MDB_txn *txn = NULL;
		MDB_dbi meta;
		MDB_val k, v;
		int rc;
		if (!sd[s].present)
			continue;
		pathf(dir, sizeof dir, "%s/%s", data_dir, svc_names[s]);
		if ((rc = mdb_env_create(&env)) || (rc = mdb_env_set_maxdbs(env, 32)) ||
		    (rc = mdb_env_open(env, dir, MDB_NOTLS, 0600)) || (rc = mdb_txn_begin(env, NULL, 0, &txn)) ||
		    (rc = mdb_dbi_open(txn, "meta", 0, &meta)))
			goto fail;
		k.mv_data = "log_id";
		k.mv_size = 6;
		v.mv_data = ids[s];
		v.mv_size = 32;
		if (s != SVC_EXCHANGE && (rc = mdb_put(txn, meta, &k, &v, 0)))
			goto fail;
		if (upstream_of[s] >= 0) {
			k.mv_data = "upstream_log";
			k.mv_size = strlen("upstream_log");
			v.mv_data = ids[upstream_of[s]];
			if ((rc = mdb_put(txn, meta, &k, &v, 0)))
				goto fail;
		}
		rc = mdb_txn_commit(txn);
		txn = NULL;
		if (rc)
			goto fail;
		mdb_env_close(env);
		continue;
	fail:
		pathf(why, wn, "%s: %s", dir, mdb_strerror(rc));
		if (txn)
			mdb_txn_abort(txn);
		if (env)
			mdb_env_close(env);
		return -1;
	}
	return 0;
}

int ctl_restore(ctl *c, int argc, char **argv)
{
	char why[700] = "", taken[40] = "", stamp[40], ids[SVC__ALL][33];
	static set_daemon sd[SVC__ALL];   /* static: its file lists stay reachable on the early returns */
	int locks[SVC__ALL];
	/* the daemons that must be stopped: jrp-exchange too where it is configured */
	int nlock = c->cfg->xc.enabled ? SVC__ALL : SVC__N;
	time_t now = time(NULL);
	int rc = 1;
	if (argc != 2 || strlen(argv[1]) > BACKUP_DIR_MAX) {
		fprintf(stderr, "usage: jrpctl restore DIR   (every daemon stopped; DIR at most %d characters)\n", BACKUP_DIR_MAX);
		return 2;
	}
	memset(sd, 0, sizeof sd);
	for (int s = 0; s < SVC__ALL; s++)
		locks[s] = -1;
	if (read_set(argv[1], sd, taken, sizeof taken, why, sizeof why) == 0)
		set_fits(argv[1], sd, why, sizeof why);
	if (!why[0] && sd[SVC_EXCHANGE].present && !c->cfg->xc.enabled)
		pathf(why, sizeof why, "the set holds jrp-exchange's data (it was taken with an exchange: section), but %s "
		      "has no exchange: section: put the section back (the set's configuration is in %s/config/jrp.yaml) "
		      "and restore again, so that the engine's exchange comes back with the rest of the set",
		      c->cfg->path, argv[1]);
	if (why[0]) {
		fprintf(stderr, "jrpctl: restore refused, nothing changed: %s\n", why);
		return 1;
	}
	/* every daemon stopped: take their pid-file locks and hold them while the set goes in place */
	mkdir(c->cfg->run_dir, 0700);
	for (int s = 0; s < nlock; s++) {
		char p[PATH_MAX];
		pathf(p, sizeof p, "%s/%s.pid", c->cfg->run_dir, svc_names[s]);
		locks[s] = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (locks[s] < 0 || flock(locks[s], LOCK_EX | LOCK_NB) < 0) {
			fprintf(stderr, "jrpctl: restore refused, nothing changed: jrp-%s is running (%s is locked); stop every "
				"daemon first (jrpctl down, or systemctl stop jrp.target)\n", svc_names[s], p);
			goto out;
		}
	}
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
	/* a stamp no daemon's kept directory has yet (two restores within a second would otherwise stop halfway,
	 * after some daemons' data had been moved aside): checked for all before anything moves */
	for (int k = 2;; k++) {
		bool taken_already = false;
		for (int s = 0; s < SVC__ALL && !taken_already; s++) {
			char aside[PATH_MAX + 64];
			pathf(aside, sizeof aside, "%s/%s.before-restore-%s", c->cfg->data_dir, svc_names[s], stamp);
			taken_already = access(aside, F_OK) == 0;
		}
		if (!taken_already)
			break;
		strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
		snprintf(stamp + strlen(stamp), sizeof stamp - strlen(stamp), "-%d", k);
	}
	mkdir(c->cfg->data_dir, 0700);
	for (int s = 0; s < SVC__ALL; s++) {
		char live[PATH_MAX], aside[PATH_MAX + 64];
		if (!sd[s].present)
			continue;
		pathf(live, sizeof live, "%s/%s", c->cfg->data_dir, svc_names[s]);
		pathf(aside, sizeof aside, "%s.before-restore-%s", live, stamp);
		if (access(live, F_OK) == 0 && rename(live, aside) < 0) {
			fprintf(stderr, "jrpctl: restore: %s: %s\n", live, strerror(errno));
			goto out;
		}
		if (mkdir(live, 0700) < 0) {
			fprintf(stderr, "jrpctl: restore: %s: %s\n", live, strerror(errno));
			goto out;
		}
		for (int i = 0; i < sd[s].nfiles; i++) {
			char a[PATH_MAX], b[PATH_MAX];
			pathf(a, sizeof a, "%s/data/%s/%s", argv[1], svc_names[s], sd[s].files[i].name);
			pathf(b, sizeof b, "%s/%s", live, sd[s].files[i].name);
			if (strncmp(sd[s].files[i].name, "archive/", 8) == 0) {
				char ad[PATH_MAX];
				pathf(ad, sizeof ad, "%s/archive", live);
				mkdir(ad, 0700);
			}
			if (copy_file(a, b) < 0) {
				fprintf(stderr, "jrpctl: restore: %s -> %s: %s (what was there is in %s)\n", a, b, strerror(errno),
					aside);
				goto out;
			}
		}
	}
	if (new_ids(c->cfg->data_dir, sd, ids, why, sizeof why) < 0) {
		fprintf(stderr, "jrpctl: restore: %s (the set is in place; run restore again)\n", why);
		goto out;
	}
	if (c->cfg->xc.enabled && !sd[SVC_EXCHANGE].present)
		fprintf(stderr, "jrpctl: restore: warning: the set has no jrp-exchange data (it was taken without an exchange: "
			"section); %s/exchange is left as it is: its cursor is on dispatch's log from before the restore, "
			"so its pull of dispatch stops and says so (jrpctl exchange status)\n", c->cfg->data_dir);
	if (c->json) {
		mw w;
		mw_init(&w);
		mw_map(&w);
		mw_kbool(&w, "ok", true);
		mw_kstr(&w, "dir", argv[1]);
		mw_kstr(&w, "taken", taken);
		mw_kstr(&w, "data_dir", c->cfg->data_dir);
		mw_kstr(&w, "kept_as", stamp);   /* what was there: DATA_DIR/<daemon>.before-restore-<kept_as> */
		mw_str(&w, "daemons");
		mw_map(&w);
		for (int s = 0; s < SVC__ALL; s++) {
			if (!sd[s].present)
				continue;
			mw_str(&w, svc_names[s]);
			mw_map(&w);
			mw_kstr(&w, "log_id", ids[s]);
			mw_kstr(&w, "was", sd[s].log_id);
			mw_ku64(&w, "log_last", sd[s].log_last);
			mw_ku64(&w, "cursor", sd[s].cursor);
			mw_end(&w);
		}
		mw_end(&w);
		mw_end(&w);
		ctl_print_mw(&w);
		mw_free(&w);
		rc = 0;
		goto out;
	}
	printf(tr("restored the set taken %s into %s (what was there is kept as <daemon>.before-restore-%s):\n"), taken,
	       c->cfg->data_dir, stamp);
	for (int s = 0; s < SVC__ALL; s++)
		if (sd[s].present)
			printf(tr("  jrp-%-10s log %s (was %s) last seq %llu, cursor %llu\n"), svc_names[s], ids[s],
			       sd[s].log_id[0] ? sd[s].log_id : "-", (unsigned long long)sd[s].log_last,
			       (unsigned long long)sd[s].cursor);
	printf("next: start the daemons; every department resubmits what it sent since %s (records already in the set\n"
	       "answer as duplicates, the others are applied once). Tasks after dispatch's last seq %llu were lost with\n"
	       "what came after the set: seqs from %llu on will be given to new tasks. The agencies' streams say so\n"
	       "(tasks.fetch: stream %s, a new one): every agency drops what it holds beyond %llu and reads its stream\n"
	       "again from there; feedback naming the old stream is refused (README, Operations: after a restore).\n",
	       taken, (unsigned long long)sd[SVC_DISPATCH].log_last, (unsigned long long)sd[SVC_DISPATCH].log_last + 1,
	       ids[SVC_DISPATCH], (unsigned long long)sd[SVC_DISPATCH].log_last);
	if (sd[SVC_EXCHANGE].present)
		printf("jrp-exchange keeps its log id: a peer region that had pulled beyond its streams in the set stops and\n"
		       "says so (tell the peers' offices); it pulls its peers' streams again from its cursors in the set, and\n"
		       "what they sent since goes to ingest again (duplicates answered as such).\n");
	rc = 0;
out:
	for (int s = 0; s < SVC__ALL; s++)
		if (locks[s] >= 0)
			close(locks[s]);
	set_free(sd);
	return rc;
}
