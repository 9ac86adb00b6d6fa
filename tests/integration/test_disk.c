/*
 * test_disk.c - a full disk is reported as a full disk, nothing is corrupted,
 * and the daemons carry on once there is room (issue 12, item 1)
 *
 * The four daemons keep their data on a small tmpfs (mount(2): root only; the
 * test says SKIP otherwise) with maps that start at 1 MiB. Records go in (the
 * maps grow: logged as info, never as an error), then a file fills the disk.
 * Checked: submissions are refused with `storage` and a message that says the
 * disk is full; ingest logs event=disk_full with the bytes free, and no LMDB
 * "Input/output error" anywhere; every error line of every daemon is about the
 * full disk; a check is refused the same way once dispatch's journal cannot
 * grow; the daemons go on answering. Then the file is removed: the refused
 * record is accepted, the pipeline catches up, every accepted record is in
 * the event log exactly once, and mdb_stat reads every environment cleanly.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXREC 4000

static harness H;
static char mnt[64] = "/tmp/jrp-disk-XXXXXX", data[96], filler[96];
static int accepted, refused_at = -1;
static uint64_t seq_of[MAXREC];
static char facts[2001];   /* 2 KB a record: 800 records outgrow a 1 MiB map */

/* submit - tax penalty i (a company of its own); 0, JRP_EREPLY (e), or no reply */
static int submit(int i, jrp_error *e)
{
	mw w;
	msg_in in;
	char code[19], rid[24];
	int rc;
	h_uscc("91350100MF", i, code);
	snprintf(rid, sizeof rid, "DISK-%05d", i);
	h_tax_penalty(&w, rid, code, "磁盘测试企业", NULL, -1, facts, "2026-11-20");
	rc = h_call(&H, SVC_INGEST, &w, &in, e);
	if (rc == 0 && i < MAXREC)
		seq_of[i] = obj_u64(in.root, "seq");
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return rc;
}

static int check(jrp_error *e)
{
	mw w;
	msg_in in;
	char code[19];
	int rc;
	h_uscc("91350100MF", 1, code);
	mw_init(&w);
	h_req(&w, T_CHECK, "bank_regulator");
	mw_kstr(&w, "subject", code);
	mw_kstr(&w, "matter", "financing");
	rc = h_call(&H, SVC_DISPATCH, &w, &in, e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return rc;
}

/* logs_grep - lines of every daemon's log matching the extended regex (grep -E), counted */
static int logs_grep(const char *re, const char *not_re)
{
	char cmd[700];
	FILE *p;
	int n = -1;
	snprintf(cmd, sizeof cmd, "cat '%s'/*.log | grep -E '%s' %s%s%s| wc -l", H.dir, re, not_re ? "| grep -vE '" : "",
		 not_re ? not_re : "", not_re ? "' " : "");
	if ((p = popen(cmd, "r"))) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void fill_disk(void)
{
	static char block[65536];
	int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t w;
	memset(block, 'x', sizeof block);
	while ((w = write(fd, block, sizeof block)) > 0)
		;
	/* tmpfs takes the last bytes a page at a time */
	while (write(fd, block, 1) == 1)
		;
	CHECK(errno == ENOSPC);
	close(fd);
}

static void grows_as_designed(void)
{
	jrp_error e;
	for (int i = 0; i < 800; i++)
		if (submit(i, &e) == 0)
			accepted++;
	CHECK_INT(accepted, 800);
	CHECK_INT(h_settle(&H), 0);
	/* the 1 MiB maps grew: info lines, and no error at all */
	CHECK(logs_grep(" info [a-z]+ event=map_grown", NULL) >= 1);
	CHECK_INT(logs_grep("Z error ", NULL), 0);
}

static void full_disk_refused_clearly(void)
{
	jrp_error e;
	int rc = 0, i, n = 0;
	fill_disk();
	for (i = accepted; i < MAXREC; i++) {
		if ((rc = submit(i, &e)) != 0)
			break;
		accepted++;
	}
	refused_at = i;
	CHECK_INT(rc, JRP_EREPLY);
	CHECK_STR(e.code, "storage");
	CHECK(strstr(e.message, "disk") && strstr(e.message, "full"));
	if (tap_cur_failed)
		printf("# after %d records: %s %s\n", accepted, e.code, e.message);
	/* and again: refused the same way, the daemon still serving */
	CHECK_INT(submit(refused_at, &e), JRP_EREPLY);
	CHECK_STR(e.code, "storage");
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), accepted);
	/* a check: answered while the journal segment has room, then refused (never answered unrecorded) */
	for (n = 0; n < 2000 && (rc = check(&e)) == 0; n++)
		;
	CHECK_INT(rc, JRP_EREPLY);
	CHECK_STR(e.code, "storage");
	CHECK(strstr(e.message, "disk is full") != NULL);
	printf("# disk full: refused record %d (%d accepted), a check after %d answered\n", refused_at, accepted, n);
	/* the log says disk_full with what is free; LMDB's "Input/output error" is never an error line alone */
	CHECK(logs_grep(" error ingest event=disk_full dir=[^ ]+ free_bytes=[0-9]+ ", NULL) >= 1);
	CHECK_INT(logs_grep("Z error [a-z]+ event=commit_failed", NULL), 0);
	CHECK_INT(logs_grep("Z error ", "event=disk_full|disk is full"), 0);
	for (int s = 0; s < SVC__N; s++)
		CHECK(kill(H.pid[s], 0) == 0);
}

static void carries_on_after_room(void)
{
	jrp_error e;
	uint64_t last;
	CHECK_INT(unlink(filler), 0);
	CHECK_INT(submit(refused_at, &e), 0);
	accepted++;
	for (int i = refused_at + 1; i < refused_at + 50; i++)
		if (submit(i, &e) == 0)
			accepted++;
	CHECK_INT(accepted, refused_at + 50);
	CHECK_INT(h_settle(&H), 0);
	last = h_status_u64(&H, SVC_INGEST, "log_last");
	CHECK_INT(last, accepted);
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "cursor"), last);
	/* exactly once: each record has its own seq, 1..accepted, and a resubmission changes nothing */
	for (int i = 0; i < accepted; i++)
		CHECK_INT(seq_of[i], i + 1);
	CHECK_INT(submit(0, &e), 0);
	CHECK_INT(seq_of[0], 1);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), last);
	CHECK_INT(check(&e), 0);
}

static void stops_cleanly(void)
{
	CHECK_INT(h_stop(&H), 0);
}

static void environments_are_clean(void)
{
	char cmd[400];
	for (int s = 0; s < SVC__N; s++) {
		snprintf(cmd, sizeof cmd, "mdb_stat -a '%s/%s' > /dev/null 2>&1", data, svc_names[s]);
		CHECK_INT(system(cmd), 0);
	}
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	if (geteuid() != 0 || !mkdtemp(mnt) || mount("tmpfs", mnt, "tmpfs", 0, "size=32m,mode=0700") != 0) {
		printf("1..0 # SKIP a full disk needs a tmpfs of our own: root and mount(2) (%s)\n", strerror(errno));
		if (mnt[strlen(mnt) - 1] != 'X')
			rmdir(mnt);
		return 0;
	}
	memset(facts, 'f', sizeof facts - 1);
	snprintf(data, sizeof data, "%s/data", mnt);
	snprintf(filler, sizeof filler, "%s/filler", mnt);
	h_data_dir = data;
	h_config_map = "map_size_mb: 1\nmap_max_mb: 64\n";
	if (h_start(&H) != 0) {
		printf("Bail out! the daemons did not start\n");
		umount(mnt);
		return 1;
	}
	RUN(grows_as_designed);
	RUN(full_disk_refused_clearly);
	RUN(carries_on_after_room);
	RUN(stops_cleanly);
	RUN(environments_are_clean);
	if (umount(mnt) == 0)
		rmdir(mnt);
	TAP_DONE();
}
