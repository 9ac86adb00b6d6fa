/*
 * test_limits.c - a full disk map is refused cleanly, never corrupted
 *
 * Issue 4 "Limits": LMDB map-full handled by growing the map or refusing cleanly
 * with a clear error, never corruption. ingest starts with a 1 MiB map that may
 * grow to 2 MiB; records with 4 KB of facts fill it. Checked: the map grows,
 * then submissions are refused with "storage" (nothing stored, the daemon goes
 * on serving, a duplicate of an accepted record still answers), `mdb_stat -a`
 * reads the environment cleanly, the log says map_grown (info) and map_full
 * (one error line), and after a restart with a larger limit everything
 * accepted before is there and new records are accepted.
 */
#include "../tap.h"
#include "codes.h"
#include "harness.h"
#include "proto.h"
#include <signal.h>
#include <stdlib.h>
#include <zmq.h>

static harness H;
static char facts[4001];

static int submit(int i, jrp_error *e, uint64_t *seq)
{
	mw w;
	msg_in in;
	char code[19], rid[24];
	int rc;
	h_uscc("91350100MF", i, code);
	snprintf(rid, sizeof rid, "LIM-%05d", i % 100000);
	h_tax_penalty(&w, rid, code, "容量测试企业", NULL, -1, facts, "2026-11-20");
	rc = h_call(&H, SVC_INGEST, &w, &in, e);
	if (rc == 0)
		*seq = obj_u64(in.root, "seq");
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return rc;
}

static int accepted;

static void fills_then_refuses(void)
{
	jrp_error e;
	uint64_t seq, last;
	int rc = 0, i;
	for (i = 0; i < 2000; i++) {
		if ((rc = submit(i, &e, &seq)) != 0)
			break;
		accepted++;
	}
	CHECK_INT(rc, JRP_EREPLY);
	CHECK_STR(e.code, "storage");
	CHECK(strstr(e.message, "full") != NULL);
	CHECK(accepted > 100);   /* more than 1 MiB went in: the map grew before it refused */
	last = h_status_u64(&H, SVC_INGEST, "log_last");
	CHECK_INT(last, accepted);
	/* still serving: a refused record again is refused again, nothing stored */
	CHECK_INT(submit(i, &e, &seq), JRP_EREPLY);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), last);
	/* a duplicate of an accepted record answers its seq (a read) */
	CHECK_INT(submit(0, &e, &seq), 0);
	CHECK_INT(seq, 1);
	/* the log: growing was info, the map at its maximum one error line (at most one a minute), and
	 * no LMDB commit error (issue 12: a map that grows as designed is not an error) */
	{
		char cmd[1200];
		snprintf(cmd, sizeof cmd, "grep -q ' info ingest event=map_grown .* from_mb=1 to_mb=2' '%s/ingest.log' && "
			 "test \"$(grep -c ' error ' '%s/ingest.log')\" = 1 && "
			 "grep -q ' error ingest event=map_full .* map_mb=2 max_mb=2 ' '%s/ingest.log'", H.dir, H.dir, H.dir);
		CHECK_INT(system(cmd), 0);
	}
}

static void environment_is_clean(void)
{
	char cmd[400];
	snprintf(cmd, sizeof cmd, "mdb_stat -a '%s/data/ingest' > /dev/null 2>&1", H.dir);
	CHECK_INT(system(cmd), 0);
}

static void restart_with_room(void)
{
	char cmd[600];
	jrp_error e;
	uint64_t seq;
	/* the operator raises map_max_mb and restarts ingest */
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	snprintf(cmd, sizeof cmd, "sed -i 's/^map_max_mb: 2$/map_max_mb: 64/' '%s'", H.config);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), accepted);
	CHECK_INT(submit(accepted + 1, &e, &seq), 0);
	CHECK_INT(seq, accepted + 1);
	CHECK_INT(h_settle(&H), 0);
}

/* bounded queues: long-polls beyond the bound get an explicit "busy", not silence */
static void busy_not_silence(void)
{
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int lin = 0, tmo = 10000, hwm = 0, n = 4096 + 8, busy = 0;
	char buf[512];
	zmq_setsockopt(s, ZMQ_LINGER, &lin, sizeof lin);
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
	zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_connect(s, H.cfg->endpoint[SVC_DISPATCH]);
	for (int i = 0; i < n; i++) {
		mw w;
		mw_init(&w);
		h_req(&w, T_TASKS_FETCH, "land_office");
		mw_ku64(&w, "after", 1000000);
		mw_ku64(&w, "wait_ms", 25000);
		mw_end(&w);
		zmq_send(s, mw_data(&w), mw_len(&w), 0);
		mw_free(&w);
	}
	/* the refusals come at once; the parked ones only after 25 s (we do not wait for them) */
	for (int i = 0; i < n && busy < 8; i++) {
		msg_in in;
		jrp_error e;
		int got = zmq_recv(s, buf, sizeof buf, 0);
		if (got <= 0)
			break;
		if (msg_parse(buf, (size_t)got, sizeof buf, &in, &e) == 0 && !obj_bool(in.root, "ok") &&
		    obj_str_eq(obj_get(obj_get(in.root, "error"), "code"), "busy"))
			busy++;
		msg_in_free(&in);
	}
	CHECK(busy >= 8);
	zmq_close(s);
	zmq_ctx_term(ctx);
}

static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	memset(facts, 'x', 4000);
	h_config_map = "map_size_mb: 1\n";
	if (h_start(&H) != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	{
		/* ingest alone gets the small ceiling: restart it with map_max_mb 2 */
		FILE *f;
		h_kill(&H, SVC_INGEST, SIGTERM);
		f = fopen(H.config, "a");
		fprintf(f, "map_max_mb: 2\n");
		fclose(f);
		if (h_start_daemon(&H, SVC_INGEST) != 0) {
			printf("Bail out! ingest did not restart\n");
			return 1;
		}
	}
	RUN(fills_then_refuses);
	RUN(environment_is_clean);
	RUN(restart_with_room);
	RUN(busy_not_silence);
	RUN(clean_shutdown);
	TAP_DONE();
}
