/*
 * test_backup_exchange.c - jrpctl backup and restore with jrp-exchange (README Operations, "Backup (while
 * serving)"; "Between regions", Backup). The configuration has an exchange: section (region sh, ipc://,
 * no peers) and jrp-exchange runs beside the four daemons, pulling dispatch's log.
 *
 * A backup taken while serving (and while records go in) holds exchange's environment and its manifest
 * entry: its cursor on dispatch's log, not beyond dispatch's last seq in the set, on dispatch's log. A
 * set taken with a configuration without the section has no exchange. Then, every daemon stopped:
 * restore refuses while jrp-exchange runs; the set with exchange is refused by the configuration
 * without the section; the set without exchange restores as before (DATA_DIR/exchange left as it is,
 * with a warning that comes true: its pull of dispatch stops); the set with exchange restores it, and
 * jrp-exchange starts from it - its log id kept, its cursor the set's - and carries on pulling the
 * restored dispatch's log (a new id) to its end.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "clock.h"
#include "conv.h"

static harness H;
static char noxc[400];   /* the same configuration without the exchange: section */
static pid_t xpid;

/* lines - records [from, to) as JSON lines into path */
static int lines(const char *path, int from, int to)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (int i = from; i < to; i++) {
		char code[19];
		h_uscc("91350100XB", i + 1, code);
		fprintf(f, "{\"record_id\":\"XB-%d\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\","
			"\"code\":\"%s\",\"name\":\"交换备份企业%d\"},\"decision_date\":\"2026-11-20\",\"final\":true,"
			"\"notice\":{\"date\":\"2026-11-20\"},\"violation\":\"tax_fraud\",\"amount\":5000000}\n", i, code, i);
	}
	return fclose(f);
}

/* ctl - jrpctl with args on config; its exit status; its output (stdout and stderr) in out */
static int ctl(const char *config, char *out, size_t n, const char *args)
{
	char cmd[2000];
	FILE *p;
	size_t got = 0;
	int st;
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' %s 2>&1", JRP_BIN_JRPCTL, config, args);
	if (!(p = popen(cmd, "r")))
		return -1;
	while (got + 1 < n && fgets(out + got, (int)(n - got), p))
		got += strlen(out + got);
	out[got] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void note(const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		printf("# %.*s\n", n, p);
		p += n + (nl != NULL);
	}
}

/* xc_call - one request to jrp-exchange (type, no body); 0 with *in, or not */
static int xc_call(const char *type, int timeout_ms, msg_in *in)
{
	jrp_client *c = client_new(H.cfg->endpoint[SVC_EXCHANGE]);
	jrp_error e;
	mw w;
	int rc;
	if (!c)
		return -1;
	mw_init(&w);
	client_begin(c, &w, type, NULL);
	rc = client_call(c, &w, timeout_ms, in, &e);
	if (rc == JRP_EREPLY)
		msg_in_free(in);
	mw_free(&w);
	client_free(&c);
	return rc;
}

/* xc_status - jrp-exchange's status: a number, or a string into buf ("" when absent) */
static uint64_t xc_status(const char *key, char *buf, size_t n)
{
	msg_in in;
	uint64_t v = 0;
	if (buf)
		buf[0] = 0;
	if (xc_call(T_STATUS, 5000, &in) != 0)
		return 0;
	if (buf)
		obj_cstr(in.root, key, buf, n);
	else
		v = obj_u64(in.root, key);
	msg_in_free(&in);
	return v;
}

/* start_exchange - jrp-exchange on the test configuration, its output into DIR/exchange.log; 0 once it
 * answers */
static int start_exchange(void)
{
	char logp[400];
	int64_t until = clock_real_ms() + 10000;
	msg_in in;
	snprintf(logp, sizeof logp, "%s/exchange.log", H.dir);
	xpid = fork();
	if (xpid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(JRP_BIN_EXCHANGE, JRP_BIN_EXCHANGE, "-c", H.config, (char *)NULL);
		_exit(127);
	}
	while (xc_call(T_PING, 200, &in) != 0) {
		int st;
		if (waitpid(xpid, &st, WNOHANG) == xpid) {
			printf("# jrp-exchange exited at start; log in %s\n", logp);
			xpid = 0;
			return -1;
		}
		if (clock_real_ms() > until)
			return -1;
	}
	msg_in_free(&in);
	return 0;
}

/* stop_exchange - SIGTERM; 0 when it exited 0 */
static int stop_exchange(void)
{
	int st = 0;
	if (!xpid)
		return -1;
	kill(xpid, SIGTERM);
	waitpid(xpid, &st, 0);
	xpid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* xc_caught_up - wait until jrp-exchange's cursor is dispatch's last seq (dispatch running); that seq */
static uint64_t xc_caught_up(void)
{
	int64_t until = clock_real_ms() + 10000;
	while (clock_real_ms() < until) {
		uint64_t last = h_status_u64(&H, SVC_DISPATCH, "log_last");
		if (last > 0 && xc_status("cursor", NULL, 0) == last)
			return last;
		usleep(10000);
	}
	return 0;
}

/* manifest_daemon - the set's manifest entry of daemon name: cursor, log_last, log_id, upstream_log,
 * number of files; 0 if the set names it, -1 if not */
typedef struct entry {
	uint64_t cursor, log_last;
	char log_id[40], upstream_log[40];
	uint32_t files;
} entry;

static int manifest_daemon(const char *set, const char *name, entry *en)
{
	char path[500], *text;
	msgpack_sbuffer sb;
	msgpack_unpacked u;
	jrp_error e;
	const msgpack_object *x, *fs;
	int rc = -1;
	memset(en, 0, sizeof *en);
	snprintf(path, sizeof path, "%s/manifest.json", set);
	if (!(text = h_slurp(path)))
		return -1;
	msgpack_sbuffer_init(&sb);
	if (conv_text_to_msgpack(text, strlen(text), &sb, &e) == 0) {
		msgpack_unpacked_init(&u);
		msgpack_unpack_next(&u, sb.data, sb.size, NULL);
		if ((x = obj_get(obj_get(&u.data, "daemons"), name)) != NULL) {
			en->cursor = obj_u64(x, "cursor");
			en->log_last = obj_u64(x, "log_last");
			obj_cstr(x, "log_id", en->log_id, sizeof en->log_id);
			obj_cstr(x, "upstream_log", en->upstream_log, sizeof en->upstream_log);
			fs = obj_get(x, "files");
			en->files = fs && fs->type == MSGPACK_OBJECT_ARRAY ? fs->via.array.size : 0;
			rc = 0;
		}
		msgpack_unpacked_destroy(&u);
	}
	msgpack_sbuffer_destroy(&sb);
	free(text);
	return rc;
}

/* aside - how many DATA_DIR entries are NAME.before-restore-* */
static int aside(const char *name)
{
	char dir[400], prefix[64];
	DIR *d;
	struct dirent *de;
	int n = 0;
	snprintf(dir, sizeof dir, "%s/data", H.dir);
	snprintf(prefix, sizeof prefix, "%s.before-restore-", name);
	if (!(d = opendir(dir)))
		return -1;
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, prefix, strlen(prefix)) == 0;
	closedir(d);
	return n;
}

static void start_four(void)
{
	for (int s = 0; s < SVC__N; s++) {
		CHECK_INT(h_start_daemon(&H, s), 0);
		client_free(&H.cl[s]);
		H.cl[s] = h_client(&H, s, NULL);
	}
}

static void stop_four(void)
{
	for (int s = SVC__N - 1; s >= 0; s--)
		CHECK_INT(h_kill(&H, s, SIGTERM), 0);
}

static void backup_and_restore_with_exchange(void)
{
	char a[400], b[400], c[400], set[400], old[400], args[1400], out[8000], p[500], id[40], ulog[40], dlog[40];
	entry xe, de, oe;
	uint64_t live, restored_last;
	struct stat st;
	int rc;
	snprintf(a, sizeof a, "%s/a.jsonl", H.dir);
	snprintf(b, sizeof b, "%s/b.jsonl", H.dir);
	snprintf(c, sizeof c, "%s/c.jsonl", H.dir);
	snprintf(set, sizeof set, "%s/set", H.dir);
	snprintf(old, sizeof old, "%s/set-without-exchange", H.dir);
	CHECK_INT(lines(a, 0, 100), 0);
	CHECK_INT(lines(b, 100, 400), 0);
	CHECK_INT(lines(c, 400, 450), 0);

	snprintf(args, sizeof args, "--as tax_bureau submit --lines '%s'", a);
	CHECK_INT(ctl(H.config, out, sizeof out, args), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(xc_caught_up() > 0);
	xc_status("log_id", id, sizeof id);
	CHECK(strlen(id) == 32);

	/* the backup while serving, with more records going in */
	snprintf(args, sizeof args, "'%s' -c '%s' --as tax_bureau submit --lines '%s' > '%s/load.out' 2>&1 &",
		 JRP_BIN_JRPCTL, H.config, b, H.dir);
	CHECK_INT(system(args), 0);
	snprintf(args, sizeof args, "backup '%s'", set);
	rc = ctl(H.config, out, sizeof out, args);
	CHECK_INT(rc, 0);
	note(out);
	CHECK(strstr(out, "jrp-exchange") != NULL);
	snprintf(p, sizeof p, "%s/data/exchange/data.mdb", set);
	CHECK(stat(p, &st) == 0 && st.st_size > 0);
	CHECK_INT(manifest_daemon(set, "exchange", &xe), 0);
	CHECK_INT(manifest_daemon(set, "dispatch", &de), 0);
	CHECK(xe.cursor > 0);
	CHECK(xe.cursor <= de.log_last);   /* copied before dispatch */
	CHECK_STR(xe.log_id, id);
	CHECK_STR(xe.upstream_log, de.log_id);
	CHECK(xe.files >= 1);
	CHECK_INT(xe.log_last, 0);   /* no peers: nothing sent */
	printf("# exchange in the set: cursor %llu; dispatch's last seq %llu\n", (unsigned long long)xe.cursor,
	       (unsigned long long)de.log_last);

	/* a set taken with the configuration without the section: the four, as ever */
	for (int i = 0; i < 600 && h_status_u64(&H, SVC_INGEST, "log_last") < 400; i++)
		usleep(50000);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), 400);
	snprintf(args, sizeof args, "backup '%s'", old);
	CHECK_INT(ctl(noxc, out, sizeof out, args), 0);
	CHECK(strstr(out, "jrp-exchange") == NULL);
	CHECK_INT(manifest_daemon(old, "exchange", &oe), -1);
	CHECK_INT(manifest_daemon(old, "ingest", &oe), 0);
	snprintf(p, sizeof p, "%s/data/exchange", old);
	CHECK(stat(p, &st) < 0);

	/* more after both sets: the live exchange is ahead of the set's */
	snprintf(args, sizeof args, "--as tax_bureau submit --lines '%s'", c);
	CHECK_INT(ctl(H.config, out, sizeof out, args), 0);
	CHECK_INT(h_settle(&H), 0);
	live = xc_caught_up();
	CHECK(live > xe.cursor);

	/* restore refuses while jrp-exchange runs (the four stopped) */
	stop_four();
	snprintf(args, sizeof args, "restore '%s'", set);
	CHECK_INT(ctl(H.config, out, sizeof out, args), 1);
	CHECK(strstr(out, "jrp-exchange is running") && strstr(out, "nothing changed"));
	CHECK_INT(stop_exchange(), 0);
	/* the set with exchange, into a configuration without the section: refused */
	CHECK_INT(ctl(noxc, out, sizeof out, args), 1);
	note(out);
	CHECK(strstr(out, "has no exchange: section") && strstr(out, "nothing changed"));
	CHECK_INT(aside("ingest"), 0);
	CHECK_INT(aside("exchange"), 0);

	/* the set without exchange, into the configuration with it: restored as before, exchange left as it
	 * is (and said so) */
	snprintf(args, sizeof args, "restore '%s'", old);
	CHECK_INT(ctl(H.config, out, sizeof out, args), 0);
	note(out);
	CHECK(strstr(out, "no jrp-exchange data") != NULL);
	CHECK(strstr(out, "jrp-exchange keeps") == NULL);
	CHECK_INT(aside("ingest"), 1);
	CHECK_INT(aside("exchange"), 0);
	/* what the warning says: its pull of dispatch stops (dispatch's log has a new id) */
	start_four();
	CHECK_INT(start_exchange(), 0);
	CHECK_INT(xc_status("cursor", NULL, 0), live);
	{
		char stopped[400] = "";
		msg_in in;
		int64_t until = clock_real_ms() + 10000;
		while (!stopped[0] && clock_real_ms() < until) {
			if (xc_call(T_STATUS, 5000, &in) == 0) {
				obj_cstr(in.root, "stopped", stopped, sizeof stopped);
				msg_in_free(&in);
			}
			if (!stopped[0])
				usleep(20000);
		}
		printf("# exchange after the old set: %s\n", stopped);
		CHECK(strstr(stopped, "belongs to log") != NULL);
	}
	CHECK_INT(stop_exchange(), 0);
	stop_four();

	/* the set with exchange: restored, and jrp-exchange starts from it */
	sleep(1);   /* another second: what is there is kept under another name */
	snprintf(args, sizeof args, "restore '%s'", set);
	CHECK_INT(ctl(H.config, out, sizeof out, args), 0);
	note(out);
	CHECK(strstr(out, "jrp-exchange keeps") != NULL);
	CHECK(strstr(out, "no jrp-exchange data") == NULL);
	{
		char line[200];
		snprintf(line, sizeof line, "jrp-exchange   log %s (was %s)", id, id);
		CHECK(strstr(out, line) != NULL);
	}
	CHECK_INT(aside("exchange"), 1);
	CHECK_INT(aside("ingest"), 2);
	/* alone first (dispatch stopped): the set's environment with the set's cursor */
	CHECK_INT(start_exchange(), 0);
	CHECK_INT(xc_status("cursor", NULL, 0), xe.cursor);
	xc_status("log_id", ulog, sizeof ulog);
	CHECK_STR(ulog, id);
	xc_status("upstream_log", ulog, sizeof ulog);
	/* then with the others: it carries on on the restored dispatch's log (a new id) to its end, not stopped */
	start_four();
	CHECK_INT(h_settle(&H), 0);
	{
		uint64_t dl = h_status_u64(&H, SVC_DISPATCH, "log_last");
		msg_in in;
		jrp_error e;
		dlog[0] = 0;
		if (h_json(&H, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"%s\",\"id\":1}", T_STATUS) == 0)
			obj_cstr(in.root, "log_id", dlog, sizeof dlog);
		msg_in_free(&in);
		CHECK(strlen(dlog) == 32 && strcmp(dlog, de.log_id) != 0);
		CHECK_STR(ulog, dlog);   /* the restore gave it dispatch's new id */
		CHECK(dl >= de.log_last);   /* and what the set's upstreams had beyond it */
		restored_last = xc_caught_up();
		CHECK_INT(restored_last, dl);
	}
	{
		char stopped[400];
		xc_status("stopped", stopped, sizeof stopped);
		CHECK_STR(stopped, "");
		xc_status("upstream_log", ulog, sizeof ulog);
		CHECK_STR(ulog, dlog);
	}
	/* and goes on with what comes next */
	snprintf(args, sizeof args, "--as tax_bureau submit --lines '%s'", c);
	CHECK_INT(ctl(H.config, out, sizeof out, args), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(xc_caught_up() > restored_last);
	CHECK_INT(stop_exchange(), 0);
}

int main(void)
{
	char *text, *cut;
	FILE *f;
	h_config_extra = "exchange:\n  region: sh\n";
	if (h_start(&H) != 0) {
		printf("Bail out! the daemons did not start\n");
		return 1;
	}
	/* the same configuration without the section */
	snprintf(noxc, sizeof noxc, "%s/noxc.yaml", H.dir);
	if (!(text = h_slurp(H.config)) || !(cut = strstr(text, "exchange:")) || !(f = fopen(noxc, "w"))) {
		printf("Bail out! %s\n", noxc);
		return 1;
	}
	fwrite(text, 1, (size_t)(cut - text), f);
	fclose(f);
	free(text);
	if (start_exchange() != 0) {
		printf("Bail out! jrp-exchange did not start\n");
		return 1;
	}
	RUN(backup_and_restore_with_exchange);
	if (xpid)
		stop_exchange();
	CHECK_INT(h_stop(&H), 0);
	TAP_DONE();
}
