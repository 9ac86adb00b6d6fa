/*
 * test_exchange.c - the records between engines (common/exchange.h; README "Between regions")
 *
 * What one region's jrp-exchange keeps for another is read by an engine written elsewhere, and what
 * it reads comes from one: each kind encodes and decodes to the same record, and the strict decoder
 * refuses, naming the field, what the README's exchange protocol does not allow (DOMAIN.md
 * "Trigger, response, feedback" [001 §(五)2]: joint punishment across regions, each region applying
 * its own measures [004 ch.11] [000 七(二)1]).
 */
#include "../tap.h"
#include "exchange.h"
#include <string.h>

static x_rec shared_rec(void)
{
	x_rec x = { .seq = 7, .kind = XK_SHARED, .to = "zj", .at = 1796086800000 };
	x_shared *s = &x.u.shared;
	s->entry = 12;
	s->change_seq = 40;
	s->action = CH_EFFECTIVE;
	s->list = LIST_BLACK;
	s->subject.type = SUBJECT_ORG;
	s->subject.id_type = ID_USCC;
	strcpy(s->subject.code, "91350100M000100Y43");
	strcpy(s->subject.name, "示范科技有限公司");
	strcpy(s->party, "tax_bureau");
	strcpy(s->standard, "tax.major_violation");
	strcpy(s->standard_name, "重大税收违法失信主体");
	strcpy(s->domain, "tax");
	strcpy(s->catalog_version, "2026.12-1");
	s->decision_date = date_from_ymd(2026, 11, 20);
	s->valid_from = date_from_ymd(2026, 12, 1);
	s->valid_until = date_from_ymd(2029, 11, 19);
	return x;
}

/* roundtrip - encode, decode, encode again: the same bytes, and the decoded record returned */
static int roundtrip(const x_rec *x, x_rec *out, jrp_error *e)
{
	mw w1, w2;
	msg_in in;
	int rc;
	mw_init(&w1);
	mw_init(&w2);
	x_encode(&w1, x);
	if ((rc = msg_parse(mw_data(&w1), mw_len(&w1), 1 << 20, &in, e)) == 0 && (rc = x_decode(in.root, out, e)) == 0) {
		x_encode(&w2, out);
		rc = mw_len(&w1) == mw_len(&w2) && memcmp(mw_data(&w1), mw_data(&w2), mw_len(&w1)) == 0 ? 0 : -100;
	}
	msg_in_free(&in);
	mw_free(&w1);
	mw_free(&w2);
	return rc;
}

/* with - the shared record's map with key k replaced by a value written by fn (k absent: removed) */
static int decode_changed(const char *drop, void (*add)(mw *w), x_rec *out, jrp_error *e)
{
	x_rec x = shared_rec();
	mw w, w2;
	msg_in in, in2;
	int rc;
	mw_init(&w);
	x_encode(&w, &x);
	msg_parse(mw_data(&w), mw_len(&w), 1 << 20, &in, e);
	mw_init(&w2);
	mw_map(&w2);
	for (uint32_t i = 0; i < in.root->via.map.size; i++) {
		const msgpack_object_kv *kv = &in.root->via.map.ptr[i];
		if (drop && kv->key.via.str.size == strlen(drop) && memcmp(kv->key.via.str.ptr, drop, strlen(drop)) == 0)
			continue;
		mw_obj(&w2, &kv->key);
		mw_obj(&w2, &kv->val);
	}
	if (add)
		add(&w2);
	mw_end(&w2);
	msg_parse(mw_data(&w2), mw_len(&w2), 1 << 20, &in2, e);
	rc = x_decode(in2.root, out, e);
	msg_in_free(&in);
	msg_in_free(&in2);
	mw_free(&w);
	mw_free(&w2);
	return rc;
}

/* ok - one TAP test of its own (the checks below are one line each) */
static void ok(int cond, const char *what)
{
	tap_n++;
	tap_cur_failed = !cond;
	if (tap_cur_failed)
		tap_failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, what);
	fflush(stdout);
}

static void add_unknown(mw *w) { mw_kstr(w, "colour", "red"); }
static void add_reason(mw *w) { mw_kstr(w, "reason", "revoked"); }
static void add_bad_state(mw *w) { mw_kstr(w, "state", "proposed"); }
static void add_bad_kind(mw *w) { mw_kstr(w, "kind", "gossip"); }

int main(void)
{
	x_rec x, y;
	jrp_error e;

	x = shared_rec();
	ok(roundtrip(&x, &y, &e) == 0 && y.u.shared.entry == 12 && y.u.shared.change_seq == 40 &&
	   strcmp(y.to, "zj") == 0 && !y.u.shared.exited, "a shared record (effective) encodes and decodes to itself");
	x.u.shared.action = CH_REVOKED;
	x.u.shared.exited = true;
	x.u.shared.reason = EXIT_REVOKED;
	ok(roundtrip(&x, &y, &e) == 0 && y.u.shared.exited && y.u.shared.reason == EXIT_REVOKED,
	   "an exited one carries its reason (revoked: the home region decided the listing was wrong)");

	x = (x_rec){ .seq = 1, .kind = XK_INITIATION, .to = "zj", .at = 1 };
	x.u.init.id = 3;
	strcpy(x.u.init.by, "office");
	x.u.init.subject = shared_rec().u.shared.subject;
	x.u.init.list = LIST_BLACK;
	strcpy(x.u.init.domain, "tax");
	strcpy(x.u.init.reason, "资产在贵地区");
	strcpy(x.u.init.facts, "骗取出口退税 300 万元");
	ok(roundtrip(&x, &y, &e) == 0 && y.u.init.id == 3 && strcmp(y.u.init.reason, "资产在贵地区") == 0,
	   "an initiation encodes and decodes to itself");
	x.u.init.list = LIST_RED;
	ok(roundtrip(&x, &y, &e) < 0 && strcmp(e.field, "list") == 0,
	   "an initiation asks for joint punishment only: red is refused on field list");

	x = (x_rec){ .seq = 2, .kind = XK_REPLY, .to = "sh", .at = 1 };
	x.u.reply.id = 3;
	x.u.reply.decision = XD_REFUSED;
	strcpy(x.u.reply.by, "office");
	strcpy(x.u.reply.reason, "未达本地区认定标准");
	ok(roundtrip(&x, &y, &e) == 0 && y.u.reply.decision == XD_REFUSED, "a refusal encodes and decodes to itself");
	x.u.reply.decision = XD_ACCEPTED;
	ok(roundtrip(&x, &y, &e) < 0 && strcmp(e.field, "standard") == 0,
	   "an acceptance names the standard the subject is identified under (missing: refused on field standard)");
	x.u.reply.decision = XD_PENDING;
	ok(roundtrip(&x, &y, &e) < 0 && strcmp(e.field, "decision") == 0, "a reply is never pending");

	x = (x_rec){ .seq = 3, .kind = XK_REPORT, .to = "sh", .at = 1 };
	x_report_item items[2] = { { .entry = 12, .in_force = true, .tasks = 3, .done = 1, .awaiting = 2 },
				   { .entry = 13, .tasks = 2, .done = 2 } };
	x.u.report.totals = (x_report_item){ .tasks = 5, .done = 3, .awaiting = 2 };
	x.u.report.n = 2;
	x.u.report.entries = items;
	ok(roundtrip(&x, &y, &e) == 0 && y.u.report.n == 2 && y.u.report.entries[1].done == 2 && y.u.report.totals.tasks == 5,
	   "a report encodes and decodes to itself");
	x_free(&y);

	ok(decode_changed(NULL, add_unknown, &y, &e) < 0 && strcmp(e.code, JRP_ERR_UNKNOWN_FIELD) == 0 &&
	   strcmp(e.field, "colour") == 0, "an unknown field is refused, named");
	ok(decode_changed("subject", NULL, &y, &e) < 0 && strcmp(e.code, JRP_ERR_MISSING_FIELD) == 0 &&
	   strcmp(e.field, "subject") == 0, "a missing subject is refused, named");
	ok(decode_changed("reason", add_reason, &y, &e) < 0 && strcmp(e.field, "reason") == 0,
	   "an entry in effect has no exit reason");
	ok(decode_changed("state", add_bad_state, &y, &e) < 0 && strcmp(e.field, "state") == 0,
	   "a shared state is effective or exited (proposed is the home's business)");
	ok(decode_changed("kind", add_bad_kind, &y, &e) == JRP_EUNKNOWN && strcmp(e.field, "kind") == 0,
	   "a kind this build does not know is JRP_EUNKNOWN: the peer's puller stops there, nothing is skipped");
	ok(decode_changed("to", NULL, &y, &e) < 0 && strcmp(e.field, "to") == 0, "every record says whom it is for");
	ok(decode_changed("seq", NULL, &y, &e) < 0 && strcmp(e.field, "seq") == 0, "and its place in that stream");
	ok(strcmp(names_get(&x_kind_names, XK_REPORT), "report") == 0 &&
	   strcmp(names_get(&x_decision_names, XD_ACCEPTED), "accepted") == 0, "the names of the README's protocol");
	TAP_DONE();
}
