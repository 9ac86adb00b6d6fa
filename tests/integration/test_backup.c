/*
 * test_backup.c - backup while serving and under load, restore, resubmit: every record present
 * exactly once and every consumer carries on (issue 12 item 3). DOMAIN.md "Publication and privacy"
 * (information security: backup [004 ch.3]); README Operations, "Backup and restore".
 *
 * 3,000 tax penalties of distinct companies: the first 1,000 are in before the backup; the other
 * 2,000 go in by `jrpctl submit --lines` while `jrpctl backup` copies the four environments; the
 * deployment stops; `jrpctl restore` puts the set back; the department resubmits all 3,000. Then:
 * ingest's log holds 3,000 records, one each (those in the set answer as duplicates); each company has exactly one entry;
 * once in force, each agency's stream has exactly one apply task per entry. A damaged set, and a set
 * restored while a daemon runs, are refused and change nothing.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static harness H;
#define N 3000
#define BEFORE 1000

static char codes[N][19];

/* lines - records [from, to) as JSON lines into path */
static int lines(const char *path, int from, int to)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	for (int i = from; i < to; i++)
		fprintf(f, "{\"record_id\":\"BK-%d\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\","
			"\"code\":\"%s\",\"name\":\"备份测试企业%d\"},\"decision_date\":\"2026-11-20\",\"final\":true,"
			"\"notice\":{\"date\":\"2026-11-20\"},\"violation\":\"tax_fraud\",\"amount\":5000000}\n", i, codes[i], i);
	return fclose(f);
}

/* ctl - run jrpctl with args on the test deployment; its exit status; its output in out */
static int ctl(char *out, size_t n, const char *args)
{
	char cmd[2000];
	FILE *p;
	size_t got = 0;
	int st;
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' %s 2>&1", JRP_BIN_JRPCTL, H.config, args);
	if (!(p = popen(cmd, "r")))
		return -1;
	while (got + 1 < n && fgets(out + got, (int)(n - got), p))
		got += strlen(out + got);
	out[got] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

typedef struct counted {
	int per_entry[4 * N + 8];
	int applies;
} counted;

static void count_apply(void *arg, const msgpack_object *t)
{
	counted *c = arg;
	uint64_t e = obj_u64(t, "entry");
	if (!obj_str_eq(obj_get(t, "action"), "apply"))
		return;
	c->applies++;
	if (e < sizeof c->per_entry / sizeof c->per_entry[0])
		c->per_entry[e]++;
}

/* note - print text as TAP comments, line by line */
static void note(const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		printf("# %.*s\n", n, p);
		p += n + (nl != NULL);
	}
}

/* stream_of - the agency's stream id (tasks.fetch) and its first task's seq (0 if none) */
static void stream_of(const char *agency, char id[40], uint64_t *first)
{
	msg_in in;
	jrp_error e;
	const msgpack_object *ts;
	id[0] = 0;
	*first = 0;
	if (h_json(&H, SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"%s\",\"after\":0,"
		   "\"max\":1}", agency) != 0)
		return;
	obj_cstr(in.root, "stream", id, 40);
	ts = obj_get(in.root, "tasks");
	if (ts && ts->via.array.size)
		*first = obj_u64(&ts->via.array.ptr[0], "seq");
	msg_in_free(&in);
}

static void restart_all(void)
{
	for (int s = 0; s < SVC__N; s++) {
		CHECK_INT(h_start_daemon(&H, s), 0);
		client_free(&H.cl[s]);
		H.cl[s] = h_client(&H, s, NULL);
	}
}

static void backup_under_load_restore_resubmit(void)
{
	char first[400], rest[400], all[400], set[400], args[1400], out[8000], st[16], why[40], old_stream[40],
		new_stream[40];
	uint64_t task;
	int rc;
	for (int i = 0; i < N; i++)
		h_uscc("91350100BK", i + 1, codes[i]);
	snprintf(first, sizeof first, "%s/first.jsonl", H.dir);
	snprintf(rest, sizeof rest, "%s/rest.jsonl", H.dir);
	snprintf(all, sizeof all, "%s/all.jsonl", H.dir);
	snprintf(set, sizeof set, "%s/backup-set", H.dir);
	CHECK_INT(lines(first, 0, BEFORE), 0);
	CHECK_INT(lines(rest, BEFORE, N), 0);
	CHECK_INT(lines(all, 0, N), 0);
	snprintf(args, sizeof args, "--as tax_bureau submit --lines '%s'", first);
	CHECK_INT(ctl(out, sizeof out, args), 0);
	CHECK_INT(h_settle(&H), 0);
	stream_of("procurement_centre", old_stream, &task);
	CHECK(strlen(old_stream) == 32);
	/* the rest goes in while the backup is taken */
	snprintf(args, sizeof args, "'%s' -c '%s' --as tax_bureau submit --lines '%s' > '%s/load.out' 2>&1 &",
		 JRP_BIN_JRPCTL, H.config, rest, H.dir);
	CHECK_INT(system(args), 0);
	snprintf(args, sizeof args, "backup '%s'", set);
	rc = ctl(out, sizeof out, args);
	CHECK_INT(rc, 0);
	if (rc)
		note(out);
	CHECK(strstr(out, "jrp-ingest") != NULL);
	/* the load finishes after the backup */
	for (int i = 0; i < 600 && h_status_u64(&H, SVC_INGEST, "log_last") < N; i++)
		usleep(50000);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), N);
	CHECK_INT(h_settle(&H), 0);
	note(out);

	/* restore refuses while a daemon runs, and changes nothing */
	snprintf(args, sizeof args, "restore '%s'", set);
	CHECK_INT(ctl(out, sizeof out, args), 1);
	CHECK(strstr(out, "is running") != NULL);
	for (int s = SVC__N - 1; s >= 0; s--)   /* stopped, the directory kept (h_stop removes it) */
		CHECK_INT(h_kill(&H, s, SIGTERM), 0);
	/* a damaged set is refused and changes nothing */
	{
		char f[500];
		FILE *fp;
		snprintf(f, sizeof f, "%s/data/adjudicate/data.mdb", set);
		fp = fopen(f, "r+b");
		CHECK(fp != NULL);
		if (fp) {
			int ch;
			fseek(fp, 5000, SEEK_SET);
			ch = fgetc(fp);
			fseek(fp, 5000, SEEK_SET);
			fputc(ch ^ 0x40, fp);
			fclose(fp);
			CHECK_INT(ctl(out, sizeof out, args), 1);
			CHECK(strstr(out, "is not the file the manifest names") && strstr(out, "nothing changed"));
			fp = fopen(f, "r+b");
			fseek(fp, 5000, SEEK_SET);
			fputc(ch, fp);
			fclose(fp);
		}
	}
	rc = ctl(out, sizeof out, args);
	CHECK_INT(rc, 0);
	note(out);
	restart_all();
	/* the department resubmits everything it sent */
	snprintf(args, sizeof args, "--as tax_bureau submit --lines '%s'", all);
	CHECK_INT(ctl(out, sizeof out, args), 0);
	CHECK(strstr(out, "3000 records committed") != NULL);
	CHECK_INT(h_settle(&H), 0);
	/* exactly once: the log holds 300, each company one entry */
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), N);
	{
		int one = 0;
		for (int i = 0; i < N; i++)
			one += h_entry(&H, codes[i], "black", st, why) > 0;
		CHECK_INT(one, N);
	}
	/* in force: each agency's stream has one apply task per entry */
	CHECK_INT(h_clock(&H, "2026-12-01T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	{
		static counted proc, bank;
		int once = 0;
		CHECK(h_stream_each(&H, "procurement_centre", count_apply, &proc) >= 0);
		CHECK(h_stream_each(&H, "bank_regulator", count_apply, &bank) >= 0);
		CHECK_INT(proc.applies, N);
		CHECK_INT(bank.applies, N);
		for (size_t e = 0; e < sizeof proc.per_entry / sizeof proc.per_entry[0]; e++)
			once += proc.per_entry[e] == 1;
		CHECK_INT(once, N);
	}
	/* the restored deployment is another history: the agency's stream says so, and feedback naming the
	 * old stream is refused (the same seq may be another task now); naming the new one is taken */
	stream_of("procurement_centre", new_stream, &task);
	CHECK(strlen(new_stream) == 32 && strcmp(new_stream, old_stream) != 0);
	CHECK(task > 0);
	{
		msg_in in;
		jrp_error e;
		CHECK_INT(h_json(&H, SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":"
				 "\"procurement_centre\",\"task\":%llu,\"result\":\"applied\",\"stream\":\"%s\"}",
				 (unsigned long long)task, old_stream), JRP_EREPLY);
		CHECK_STR(e.code, "conflict");
		CHECK_STR(e.field, "stream");
		msg_in_free(&in);
		CHECK_INT(h_json(&H, SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":"
				 "\"procurement_centre\",\"task\":%llu,\"result\":\"applied\",\"stream\":\"%s\"}",
				 (unsigned long long)task, new_stream), 0);
		msg_in_free(&in);
	}
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! the daemons did not start\n");
		return 1;
	}
	RUN(backup_under_load_restore_resubmit);
	CHECK_INT(h_stop(&H), 0);
	TAP_DONE();
}
