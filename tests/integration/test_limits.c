/*
 * test_limits.c - a full disk map is refused cleanly, never corrupted
 *
 * Issue 4 "Limits": LMDB map-full handled by growing the map or refusing cleanly
 * with a clear error, never corruption. ingest starts with a 1 MiB map that may
 * grow to 2 MiB; records with 4 KB of facts fill it. Checked: the map grows,
 * then submissions are refused with "storage" (nothing stored, the daemon goes
 * on serving, a duplicate of an accepted record still answers), `mdb_stat -a`
 * reads the environment cleanly, and after a restart with a larger limit
 * everything accepted before is there and new records are accepted.
 */
#include "../tap.h"
#include "codes.h"
#include "harness.h"
#include "proto.h"
#include <signal.h>
#include <stdlib.h>

static harness H;
static char facts[4001];

static int submit(int i, jrp_error *e, uint64_t *seq)
{
	mw w;
	msg_in in;
	char code[19], rid[24];
	int rc;
	snprintf(code, sizeof code, "91350100MF%07d", i % 10000000);
	code[17] = codes_uscc_checkchar(code);
	code[18] = 0;
	snprintf(rid, sizeof rid, "LIM-%05d", i % 100000);
	mw_init(&w);
	h_req(&w, T_RECORD_SUBMIT, "tax_bureau");
	mw_str(&w, "record");
	mw_map(&w);
	mw_kstr(&w, "record_id", rid);
	mw_kstr(&w, "kind", "penalty");
	mw_kstr(&w, "domain", "tax");
	mw_str(&w, "subject");
	mw_map(&w);
	mw_kstr(&w, "type", "org");
	mw_kstr(&w, "code", code);
	mw_kstr(&w, "name", "容量测试企业");
	mw_end(&w);
	mw_kstr(&w, "decision_date", "2026-11-20");
	mw_kstr(&w, "facts", facts);
	mw_end(&w);
	rc = h_call(&H, SVC_INGEST, &w, &in, e);
	if (rc == 0)
		*seq = obj_u64(in.root, "seq");
	if (rc == 0 || rc == JRP_EINVAL)
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
	CHECK_INT(rc, JRP_EINVAL);
	CHECK_STR(e.code, "storage");
	CHECK(strstr(e.message, "full") != NULL);
	CHECK(accepted > 100);   /* more than 1 MiB went in: the map grew before it refused */
	last = h_status_u64(&H, SVC_INGEST, "log_last");
	CHECK_INT(last, accepted);
	/* still serving: a refused record again is refused again, nothing stored */
	CHECK_INT(submit(i, &e, &seq), JRP_EINVAL);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), last);
	/* a duplicate of an accepted record answers its seq (a read) */
	CHECK_INT(submit(0, &e, &seq), 0);
	CHECK_INT(seq, 1);
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
	RUN(clean_shutdown);
	TAP_DONE();
}
