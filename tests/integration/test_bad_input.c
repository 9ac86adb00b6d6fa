/*
 * test_bad_input.c - every daemon answers bad input with an error that names
 * the field and the reason, changes nothing, and goes on serving
 *
 * DESIGN.md "Wire protocol" (strict decoding) and the brief's "Bad input";
 * DOMAIN.md Subjects and codes [001 §(二)3]: a code that fails its check is
 * rejected with a clear error naming the field, and nothing else is stored.
 */
#include "../tap.h"
#include "conv.h"
#include "harness.h"
#include "proto.h"
#include <zmq.h>

static harness H;

typedef struct bad_case {
	int svc;
	const char *json;     /* the request as JSON (converted to msgpack) */
	const char *code;     /* expected error code */
	const char *field;    /* expected field */
} bad_case;

#define REC(extra) "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"tax_bureau\",\"record\":{" \
	"\"record_id\":\"R1\",\"kind\":\"penalty\",\"domain\":\"tax\",\"decision_date\":\"2026-11-20\"," \
	"\"violation\":\"tax_evasion\",\"amount\":2000000,\"base_amount\":10000000" extra "}}"
#define ORG(code) ",\"subject\":{\"type\":\"org\",\"code\":\"" code "\",\"name\":\"某公司\"}"
#define GOOD_ORG ORG("91350100M000100Y43")

static const bad_case cases[] = {
	/* envelope, every daemon */
	{ SVC_INGEST, "[1,2]", "bad_message", "" },
	{ SVC_ADJUDICATE, "{\"type\":\"ping\",\"id\":1}", "missing_field", "v" },
	{ SVC_DISPATCH, "{\"v\":\"1\",\"type\":\"ping\",\"id\":1}", "wrong_type", "v" },
	{ SVC_FEEDBACK, "{\"v\":2,\"type\":\"ping\",\"id\":1}", "bad_version", "v" },
	{ SVC_INGEST, "{\"v\":1,\"id\":1}", "missing_field", "type" },
	{ SVC_ADJUDICATE, "{\"v\":1,\"type\":\"ping\"}", "missing_field", "id" },
	{ SVC_DISPATCH, "{\"v\":1,\"type\":\"ping\",\"id\":[1]}", "wrong_type", "id" },
	{ SVC_FEEDBACK, "{\"v\":1,\"type\":\"record.submit\",\"id\":1}", "unknown_type", "type" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"ping\",\"id\":1,\"colour\":\"red\"}", "unknown_field", "colour" },
	{ SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"nobody\",\"subject\":\"x\"}", "unknown_party", "party" },
	{ SVC_DISPATCH, "{\"v\":1,\"type\":\"check\",\"id\":1,\"subject\":\"x\",\"matter\":\"bidding\"}", "missing_field", "party" },
	{ SVC_FEEDBACK, "{\"v\":1,\"type\":\"clock.set\",\"id\":1,\"now\":\"tomorrow\"}", "bad_value", "now" },
	/* ingest: the record */
	{ SVC_INGEST, REC(ORG("91350100M000100Y44")), "bad_code", "record.subject.code" },
	{ SVC_INGEST, REC(ORG("91350100M00010OY43")), "bad_code", "record.subject.code" },
	{ SVC_INGEST, REC(ORG("9135010")), "bad_code", "record.subject.code" },
	{ SVC_INGEST, REC(",\"subject\":{\"type\":\"person\",\"code\":\"110105194912310021\",\"name\":\"张三\"}"), "bad_code", "record.subject.code" },
	{ SVC_INGEST, REC(",\"subject\":{\"type\":\"company\",\"code\":\"91350100M000100Y43\",\"name\":\"x\"}"), "bad_value", "record.subject.type" },
	{ SVC_INGEST, REC(GOOD_ORG ",\"standard\":\"tax.no_such\""), "unknown_standard", "record.standard" },
	{ SVC_INGEST, REC(GOOD_ORG ",\"standard\":\"courts.dishonest_debtor\""), "bad_value", "record.standard" },
	{ SVC_INGEST, REC(GOOD_ORG ",\"colour\":\"red\""), "unknown_field", "record.colour" },
	{ SVC_INGEST, REC(GOOD_ORG ",\"rating\":5"), "wrong_type", "record.rating" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"tax_bureau\",\"record\":{\"kind\":\"penalty\"}}", "missing_field", "record.record_id" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"tax_bureau\",\"record\":{\"record_id\":\"R\",\"kind\":\"penalty\",\"domain\":\"space\"}}", "unknown_domain", "record.domain" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"court\",\"record\":{\"record_id\":\"R\",\"kind\":\"penalty\",\"domain\":\"tax\"}}", "forbidden", "record.domain" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"procurement_centre\",\"record\":{}}", "forbidden", "party" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"tax_bureau\",\"record\":{\"record_id\":\"R\",\"kind\":\"gossip\"}}", "bad_value", "record.kind" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"tax_bureau\",\"record\":{\"record_id\":\"R\",\"kind\":\"penalty\",\"domain\":\"tax\""
		ORG("91350100M000100Y43") ",\"decision_date\":\"2026-02-30\"}}", "bad_value", "record.decision_date" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"tax_bureau\",\"record\":{\"record_id\":\"R\",\"kind\":\"penalty\",\"domain\":\"tax\""
		ORG("91350100M000100Y43") ",\"decision_date\":\"2027-01-01\"}}", "bad_value", "record.decision_date" },
	{ SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":7,\"party\":\"tax_bureau\",\"record\":\"R1\"}", "wrong_type", "record" },
	/* adjudicate */
	{ SVC_ADJUDICATE, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\"}", "missing_field", "subject" },
	{ SVC_ADJUDICATE, "{\"v\":1,\"type\":\"log.fetch\",\"id\":1,\"party\":\"procurement_centre\",\"after\":0}", "forbidden", "party" },
	{ SVC_ADJUDICATE, "{\"v\":1,\"type\":\"log.fetch\",\"id\":1,\"party\":\"dispatch\",\"after\":0,\"max\":0}", "bad_value", "max" },
	{ SVC_ADJUDICATE, "{\"v\":1,\"type\":\"log.fetch\",\"id\":1,\"party\":\"dispatch\",\"after\":-1}", "bad_value", "after" },
	/* dispatch */
	{ SVC_DISPATCH, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\",\"subject\":\"91350100M000100Y43\",\"matter\":\"moon_landing\"}", "unknown_matter", "matter" },
	{ SVC_DISPATCH, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"office\"}", "forbidden", "party" },
	{ SVC_DISPATCH, "{\"v\":1,\"type\":\"tasks.ack\",\"id\":1,\"party\":\"bank_regulator\",\"upto\":999}", "bad_value", "upto" },
	{ SVC_DISPATCH, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"bank_regulator\",\"wait_ms\":99999999}", "bad_value", "wait_ms" },
	/* feedback */
	{ SVC_FEEDBACK, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"bank_regulator\",\"task\":1,\"result\":\"maybe\"}", "bad_value", "result" },
	{ SVC_FEEDBACK, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"bank_regulator\",\"task\":424242,\"result\":\"applied\"}", "not_found", "task" },
	{ SVC_FEEDBACK, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"bank_regulator\",\"result\":\"applied\"}", "missing_field", "task" },
	{ SVC_FEEDBACK, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"tax_bureau\"}", "forbidden", "party" },
};

static int send_json(int svc, const char *json, msg_in *in, jrp_error *e)
{
	msgpack_sbuffer sb;
	int rc;
	msgpack_sbuffer_init(&sb);
	if (conv_text_to_msgpack(json, strlen(json), &sb, e) < 0) {
		printf("# test bug: %s: %s\n", json, e->message);
		msgpack_sbuffer_destroy(&sb);
		return -100;
	}
	rc = client_send_raw(H.cl[svc], sb.data, sb.size, 5000, in, e);
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

static bool serving(int svc)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	mw_init(&w);
	h_req(&w, T_PING, NULL);
	rc = h_call(&H, svc, &w, &in, &e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return rc == 0;
}

static void table_of_bad_requests(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const bad_case *c = &cases[i];
		msg_in in;
		jrp_error e;
		const msgpack_object *err;
		char code[32], field[128], message[384];
		int rc = send_json(c->svc, c->json, &in, &e);
		if (rc == -100) {
			CHECK(0);
			continue;
		}
		CHECK(rc == 0 || rc == JRP_EREPLY);
		if (rc != 0 && rc != JRP_EREPLY)
			continue;
		CHECK(!obj_bool(in.root, "ok"));
		err = obj_get(in.root, "error");
		obj_cstr(err, "code", code, sizeof code);
		obj_cstr(err, "field", field, sizeof field);
		obj_cstr(err, "message", message, sizeof message);
		if (strcmp(code, c->code) != 0 || strcmp(field, c->field) != 0)
			printf("# case %zu (%s): got [%s] %s: %s\n", i, svc_names[c->svc], code, field, message);
		CHECK_STR(code, c->code);
		CHECK_STR(field, c->field);
		CHECK(message[0] != 0);
		msg_in_free(&in);
	}
	/* nothing was stored, and everyone still serves */
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), 0);
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "log_last"), 0);
	CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "log_last"), 0);
	for (int s = 0; s < SVC__N; s++)
		CHECK(serving(s));
}

/* raw bytes that are not a request at all */
static void broken_bytes(void)
{
	static const unsigned char junk[] = { 0xc1, 0xff, 0x00, 0x13 };
	static const unsigned char truncated[] = { 0x83, 0xa1, 'v', 0x01, 0xa4, 't', 'y' };
	static const unsigned char huge_claim[] = { 0xdf, 0x7f, 0xff, 0xff, 0xff };
	for (int s = 0; s < SVC__N; s++) {
		msg_in in;
		jrp_error e;
		char code[32];
		const struct { const void *p; size_t n; const char *code; } bytes[] = {
			{ junk, sizeof junk, "bad_message" },
			{ truncated, sizeof truncated, "bad_message" },
			{ huge_claim, sizeof huge_claim, "bad_message" },
			{ "", 0, "bad_message" },
		};
		for (size_t i = 0; i < sizeof bytes / sizeof bytes[0]; i++) {
			int rc = client_send_raw(H.cl[s], bytes[i].p, bytes[i].n, 5000, &in, &e);
			CHECK_INT(rc, JRP_EREPLY);
			if (rc == JRP_EREPLY) {
				CHECK_STR(obj_cstr(obj_get(in.root, "error"), "code", code, sizeof code), bytes[i].code);
				msg_in_free(&in);
			}
		}
		CHECK(serving(s));
	}
}

/* a valid request followed by junk in the same frame */
static void trailing_data_and_oversize(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	char code[32];
	char *big;
	size_t n = JRP_MAX_MESSAGE + 1000;
	mw_init(&w);
	h_req(&w, T_PING, NULL);
	mw_end(&w);
	mw_raw(&w, "\x01", 1);
	CHECK_INT(client_send_raw(H.cl[SVC_DISPATCH], mw_data(&w), mw_len(&w), 5000, &in, &e), JRP_EREPLY);
	CHECK_STR(obj_cstr(obj_get(in.root, "error"), "code", code, sizeof code), "bad_message");
	CHECK(strstr(e.message, "trailing") != NULL);
	msg_in_free(&in);
	mw_free(&w);
	/* oversized: a record with a 300 KB facts field */
	big = malloc(n);
	memset(big, 'a', n);
	mw_init(&w);
	h_req(&w, T_RECORD_SUBMIT, "tax_bureau");
	mw_kstrn(&w, "facts", big, n);
	mw_end(&w);
	CHECK_INT(client_send_raw(H.cl[SVC_INGEST], mw_data(&w), mw_len(&w), 5000, &in, &e), JRP_EREPLY);
	CHECK_STR(obj_cstr(obj_get(in.root, "error"), "code", code, sizeof code), "too_large");
	msg_in_free(&in);
	mw_free(&w);
	free(big);
	CHECK(serving(SVC_INGEST));
}

/* more frames than a request has */
static void extra_frames(void)
{
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int lin = 0, tmo = 5000;
	char buf[512];
	msg_in in;
	jrp_error e;
	char code[32];
	mw w;
	int n;
	zmq_setsockopt(s, ZMQ_LINGER, &lin, sizeof lin);
	zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
	zmq_connect(s, H.cfg->endpoint[SVC_FEEDBACK]);
	mw_init(&w);
	h_req(&w, T_PING, NULL);
	mw_end(&w);
	zmq_send(s, mw_data(&w), mw_len(&w), ZMQ_SNDMORE);
	zmq_send(s, mw_data(&w), mw_len(&w), 0);
	n = zmq_recv(s, buf, sizeof buf, 0);
	CHECK(n > 0);
	if (n > 0 && msg_parse(buf, (size_t)n, sizeof buf, &in, &e) == 0) {
		CHECK(!obj_bool(in.root, "ok"));
		CHECK_STR(obj_cstr(obj_get(in.root, "error"), "code", code, sizeof code), "bad_message");
	}
	msg_in_free(&in);
	mw_free(&w);
	zmq_close(s);
	zmq_ctx_term(ctx);
	CHECK(serving(SVC_FEEDBACK));
}

/* every daemon stops gracefully on SIGTERM and exits 0 (DESIGN.md: clean shutdown) */
static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(table_of_bad_requests);
	RUN(broken_bytes);
	RUN(trailing_data_and_oversize);
	RUN(extra_frames);
	RUN(clean_shutdown);
	TAP_DONE();
}
