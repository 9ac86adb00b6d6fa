/*
 * test_records.c - the records between the daemons (common/records.h)
 *
 * DESIGN.md "Records between daemons": every record kind is a typed struct
 * with one encoder and one strict decoder; its enums have their names in one
 * table. What an encoder writes decodes to the same struct; a missing
 * required field, a wrong type, an unknown field, a name outside its table, or
 * a field that does not belong to the record's action is an error naming the
 * field, never a default. The README's "Names" table lists exactly the tables'
 * names, so that the documentation cannot drift from the code.
 */
#include "../tap.h"
#include "conv.h"
#include "records.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* decode_json - a record written as JSON, decoded as kind mask (copy: dispatch's copy of a change) */
static int decode_json(const char *json, unsigned mask, bool copy, jrp_rec *r, jrp_error *e)
{
	msgpack_sbuffer sb;
	int rc;
	msgpack_sbuffer_init(&sb);
	jrp_error_clear(e);
	if (conv_text_to_msgpack(json, strlen(json), &sb, e) < 0) {
		printf("# test bug: %s: %s\n", json, e->message);
		msgpack_sbuffer_destroy(&sb);
		return -99;
	}
	rc = rec_decode_bytes(sb.data, sb.size, mask, copy, r, e);
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

/* replace - s with the first `from` replaced by `to` (a new string) */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	char *out;
	if (!p) {
		printf("# test bug: \"%s\" not in the template\n", from);
		return strdup(s);
	}
	out = malloc(strlen(s) + strlen(to) + 1);
	memcpy(out, s, (size_t)(p - s));
	strcpy(out + (p - s), to);
	strcat(out, p + strlen(from));
	return out;
}

static const char *const EVENT =
	"{\"seq\":7,\"kind\":\"record\",\"at\":1790000000000,\"party\":\"tax_bureau\",\"reported_workdays\":2,"
	"\"late\":false,\"record\":{\"record_id\":\"TAX-1\",\"kind\":\"penalty\",\"domain\":\"tax\","
	"\"subject\":{\"type\":\"org\",\"id_type\":\"uscc\",\"code\":\"91350100M000100Y43\",\"name\":\"示范科技有限公司\","
	"\"legal_rep\":{\"name\":\"李四\",\"id_type\":\"citizen\",\"id_no\":\"11010519491231002X\"}},"
	"\"decision_date\":\"2026-11-20\",\"violation\":\"major_tax_evasion\",\"amount\":3500000}}";

static const char *const CHANGE =
	"{\"seq\":12,\"kind\":\"change\",\"action\":\"exited\",\"at\":1790000000000,\"by\":\"adjudicate\","
	"\"reason\":\"expired\",\"note\":\"validity ended\",\"entry\":3,\"list\":\"black\",\"standard\":\"tax.major_violation\","
	"\"domain\":\"tax\",\"party\":\"tax_bureau\",\"subject\":{\"type\":\"org\",\"id_type\":\"uscc\","
	"\"code\":\"91350100M000100Y43\",\"name\":\"示范科技有限公司\"},\"record_seq\":7,\"record_id\":\"TAX-1\","
	"\"decision_date\":\"2026-11-20\",\"valid_from\":\"2026-12-01\",\"valid_until\":\"2029-11-19\","
	"\"objection_end\":\"2026-11-30\",\"catalog_version\":\"2026.11-2\"}";

static const char *const TASK =
	"{\"seq\":40,\"kind\":\"task\",\"task\":40,\"action\":\"apply\",\"agency\":\"procurement_centre\","
	"\"at\":1790000000000,\"class\":\"mandatory\",\"measure\":\"P-GP-01\",\"measure_name\":\"限制参与政府采购活动\","
	"\"measure_type\":\"punishment\",\"basis\":\"《政府采购法》 第二十二条\",\"matters\":[\"public_procurement\"],"
	"\"entry\":3,\"list\":\"black\",\"standard\":\"tax.major_violation\",\"standard_name\":\"重大税收违法失信主体\","
	"\"domain\":\"tax\",\"party\":\"tax_bureau\",\"subject\":{\"type\":\"org\",\"id_type\":\"uscc\","
	"\"code\":\"91350100M000100Y43\",\"name\":\"示范科技有限公司\"},\"valid_from\":\"2026-12-01\","
	"\"valid_until\":\"2029-11-19\",\"catalog_version\":\"2026.11-2\",\"feedback_due\":\"2026-12-15\"}";

static const char *const CHECKREC =
	"{\"seq\":41,\"kind\":\"check\",\"check_id\":\"3-4096\",\"at\":1790000000000,\"party\":\"procurement_centre\","
	"\"subject\":\"91350100M000100Y43\",\"matter\":\"public_procurement\",\"listed\":true,\"lists\":[\"black\"],\"as_of\":40}";

/* roundtrip - decode json as kind, encode the struct, decode that again: the same struct */
static void roundtrip(const char *json, jrp_rec_kind kind, bool copy)
{
	jrp_rec *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	jrp_error e;
	mw w;
	CHECK_INT(decode_json(json, 1u << kind, copy, a, &e), 0);
	if (e.code[0])
		printf("# %s %s: %s\n", e.code, e.field, e.message);
	mw_init(&w);
	switch (kind) {
	case REC_EVENT: {
		mw rec;
		mw_init(&rec);
		record_write(&rec, &a->u.event.record);
		event_encode(&w, &a->u.event, &rec);
		mw_free(&rec);
		break;
	}
	case REC_CHANGE: change_encode(&w, &a->u.change); break;
	case REC_TASK: task_encode(&w, &a->u.task); break;
	case REC_CHECK: check_encode(&w, &a->u.check); break;
	case REC__N: break;
	}
	memset(b, 0xa5, sizeof *b);   /* whatever the decoder leaves unset would show */
	CHECK_INT(rec_decode_bytes(mw_data(&w), mw_len(&w), 1u << kind, copy, b, &e), 0);
	CHECK_INT(b->kind, kind);
	switch (kind) {
	case REC_EVENT:
		CHECK_INT(b->u.event.seq, 7);
		CHECK_STR(b->u.event.party, "tax_bureau");
		CHECK_INT(b->u.event.record.kind, RK_PENALTY);
		CHECK_INT(b->u.event.record.amount, 3500000);
		CHECK(b->u.event.record.has_legal_rep);
		CHECK_STR(b->u.event.record.legal_rep.id_no, "11010519491231002X");
		CHECK_STR(b->u.event.record.facts, "");
		CHECK_INT(b->u.event.record.outcome, IVS_NONE);
		break;
	case REC_CHANGE:
		CHECK_INT(b->u.change.action, CH_EXITED);
		CHECK_INT(b->u.change.exit_reason, EXIT_EXPIRED);
		CHECK_INT(b->u.change.list, LIST_BLACK);
		CHECK_INT(b->u.change.subject.type, SUBJECT_ORG);
		CHECK_INT(b->u.change.linked_to, 0);
		CHECK_INT(b->u.change.derived, DERIVED_NONE);
		CHECK_INT(b->u.change.change_seq, copy ? 5 : 0);
		CHECK_STR(b->u.change.note, "validity ended");
		break;
	case REC_TASK:
		CHECK_INT(b->u.task.cls, CLASS_MANDATORY);
		CHECK_INT(b->u.task.action, TA_APPLY);
		CHECK_INT(b->u.task.nmatters, 1);
		CHECK_STR(b->u.task.matters[0], "public_procurement");
		CHECK_STR(b->u.task.note, "");
		CHECK_INT(b->u.task.reason, EXIT_NONE);
		break;
	case REC_CHECK:
		CHECK(b->u.check.listed);
		CHECK_INT(b->u.check.lists, 1u << LIST_BLACK);
		CHECK_INT(b->u.check.as_of, 40);
		break;
	case REC__N: break;
	}
	mw_free(&w);
	free(a);
	free(b);
}

static void every_kind_roundtrips(void)
{
	roundtrip(EVENT, REC_EVENT, false);
	roundtrip(CHANGE, REC_CHANGE, false);
	{
		char *copy = replace(CHANGE, "\"seq\":12,", "\"seq\":12,\"change_seq\":5,");
		roundtrip(copy, REC_CHANGE, true);
		free(copy);
	}
	roundtrip(TASK, REC_TASK, false);
	roundtrip(CHECKREC, REC_CHECK, false);
}

/* refused - json with `from` replaced by `to` is refused with code and field */
static void refused(const char *json, unsigned mask, bool copy, const char *from, const char *to, const char *code,
		    const char *field)
{
	jrp_rec *r = malloc(sizeof *r);
	jrp_error e;
	char *bad = replace(json, from, to);
	int rc = decode_json(bad, mask, copy, r, &e);
	if (rc >= 0)
		printf("# accepted: %s\n", bad);
	CHECK(rc < 0);
	CHECK_STR(e.code, code);
	CHECK_STR(e.field, field);
	free(bad);
	free(r);
}

static void strict_never_a_default(void)
{
	const unsigned E = 1u << REC_EVENT, C = 1u << REC_CHANGE, T = 1u << REC_TASK, K = 1u << REC_CHECK;
	/* missing */
	refused(EVENT, E, false, "\"party\":\"tax_bureau\",", "", "missing_field", "party");
	refused(EVENT, E, false, "\"decision_date\":\"2026-11-20\",", "", "missing_field", "record.decision_date");
	refused(CHANGE, C, false, "\"catalog_version\":\"2026.11-2\"", "\"x\":1", "missing_field", "catalog_version");
	refused(TASK, T, false, "\"measure\":\"P-GP-01\",", "", "missing_field", "measure");
	/* wrong types */
	refused(EVENT, E, false, "\"late\":false", "\"late\":0", "wrong_type", "late");
	refused(CHANGE, C, false, "\"entry\":3", "\"entry\":\"3\"", "wrong_type", "entry");
	refused(CHECKREC, K, false, "\"as_of\":40", "\"as_of\":-1", "bad_value", "as_of");
	/* unknown fields, at every level */
	refused(EVENT, E, false, "\"late\":false", "\"late\":false,\"lat\":true", "unknown_field", "lat");
	refused(EVENT, E, false, "\"name\":\"李四\"", "\"name\":\"李四\",\"x\":1", "unknown_field", "record.subject.legal_rep.x");
	refused(TASK, T, false, "\"class\":\"mandatory\"", "\"class\":\"mandatory\",\"priority\":1", "unknown_field", "priority");
	/* names outside their tables */
	refused(CHANGE, C, false, "\"action\":\"exited\"", "\"action\":\"exitted\"", "bad_value", "action");
	refused(CHANGE, C, false, "\"reason\":\"expired\"", "\"reason\":\"tired\"", "bad_value", "reason");
	refused(CHANGE, C, false, "\"list\":\"black\"", "\"list\":\"grey\"", "bad_value", "list");
	refused(TASK, T, false, "\"class\":\"mandatory\"", "\"class\":\"duty\"", "bad_value", "action");   /* apply is no duty */
	refused(CHECKREC, K, false, "[\"black\"]", "[\"blue\"]", "bad_value", "lists");
	/* what belongs to the action */
	refused(CHANGE, C, false, "\"action\":\"exited\"", "\"action\":\"proposed\"", "unknown_field", "reason");
	refused(CHANGE, C, false, "\"reason\":\"expired\",", "", "missing_field", "reason");
	refused(CHANGE, C, false, "\"action\":\"exited\"", "\"action\":\"objection_decided\"", "bad_value", "reason");
	/* a copy has its change_seq, and only a copy */
	refused(CHANGE, C, true, "\"seq\":12,", "\"seq\":12,", "missing_field", "change_seq");
	refused(CHANGE, C, false, "\"seq\":12,", "\"seq\":12,\"change_seq\":5,", "unknown_field", "change_seq");
	/* codes by their check algorithms */
	refused(CHANGE, C, false, "91350100M000100Y43", "91350100M000100Y44", "bad_code", "subject.code");
	/* consistency */
	refused(TASK, T, false, "\"task\":40", "\"task\":41", "bad_value", "task");
	refused(CHECKREC, K, false, "\"listed\":true", "\"listed\":false", "bad_value", "listed");
	refused(CHANGE, C, false, "\"standard\":\"tax.major_violation\",", "", "missing_field", "standard");
}

/* DOMAIN.md "Commitments and 双公示" [001 §(三)2] (签订书面信用承诺在规定期限内提供，可先行受理)
 * [001 §(一)6] (开展事前信用承诺): a commitment record carries what was promised, required there
 * and refused elsewhere; its result (kept, broken) names the commitment it reports on */
static const char *const COMMITMENT =
	"{\"seq\":9,\"kind\":\"record\",\"at\":1790000000000,\"party\":\"approval_bureau\",\"reported_workdays\":0,"
	"\"late\":false,\"record\":{\"record_id\":\"CM-1\",\"kind\":\"commitment\",\"domain\":\"market\","
	"\"subject\":{\"type\":\"org\",\"id_type\":\"uscc\",\"code\":\"91350100M000100Y43\",\"name\":\"示范科技有限公司\"},"
	"\"decision_date\":\"2026-11-20\",\"commitment\":{\"type\":\"missing_papers\",\"matter\":\"licence\","
	"\"due\":\"2026-12-20\",\"content\":\"承诺在2026年12月20日前补交消防验收合格证明\"}}}";

static const char *const BROKEN =
	"{\"seq\":10,\"kind\":\"record\",\"at\":1790000000000,\"party\":\"approval_bureau\",\"reported_workdays\":0,"
	"\"late\":false,\"record\":{\"record_id\":\"CM-1-R\",\"kind\":\"commitment_broken\",\"domain\":\"market\","
	"\"subject\":{\"type\":\"org\",\"id_type\":\"uscc\",\"code\":\"91350100M000100Y43\",\"name\":\"示范科技有限公司\"},"
	"\"decision_date\":\"2026-12-21\",\"violation\":\"papers_not_supplied\",\"refers_to\":\"CM-1\"}}";

static void commitments_are_strict(void)
{
	const unsigned E = 1u << REC_EVENT;
	jrp_rec *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	jrp_error e;
	char *long_text, *json;
	mw w, rec;
	CHECK_INT(decode_json(COMMITMENT, E, false, a, &e), 0);
	CHECK_INT(a->u.event.record.kind, RK_COMMITMENT);
	CHECK_INT(a->u.event.record.commitment.type, CT_MISSING_PAPERS);
	CHECK_STR(a->u.event.record.commitment.matter, "licence");
	CHECK_INT(a->u.event.record.commitment.due, date_from_ymd(2026, 12, 20));
	CHECK_STR(a->u.event.record.commitment.content, "承诺在2026年12月20日前补交消防验收合格证明");
	CHECK_STR(a->u.event.record.refers_to, "");
	/* what the encoder writes decodes to the same */
	mw_init(&w);
	mw_init(&rec);
	record_write(&rec, &a->u.event.record);
	event_encode(&w, &a->u.event, &rec);
	memset(b, 0xa5, sizeof *b);
	CHECK_INT(rec_decode_bytes(mw_data(&w), mw_len(&w), E, false, b, &e), 0);
	CHECK_INT(b->u.event.record.commitment.type, CT_MISSING_PAPERS);
	CHECK_INT(b->u.event.record.commitment.due, a->u.event.record.commitment.due);
	CHECK_STR(b->u.event.record.commitment.content, a->u.event.record.commitment.content);
	mw_free(&w);
	mw_free(&rec);
	/* a result names its commitment; any other record has no commitment */
	CHECK_INT(decode_json(BROKEN, E, false, a, &e), 0);
	CHECK_INT(a->u.event.record.kind, RK_COMMITMENT_BROKEN);
	CHECK_STR(a->u.event.record.refers_to, "CM-1");
	CHECK_INT(a->u.event.record.commitment.type, CT_NONE);
	CHECK(record_kind_refers(RK_COMMITMENT_KEPT) && record_kind_refers(RK_FINALITY) && !record_kind_refers(RK_COMMITMENT));
	refused(BROKEN, E, false, ",\"refers_to\":\"CM-1\"", "", "missing_field", "record.refers_to");
	json = replace(BROKEN, "\"commitment_broken\"", "\"commitment_kept\"");
	CHECK_INT(decode_json(json, E, false, a, &e), 0);
	CHECK_INT(a->u.event.record.kind, RK_COMMITMENT_KEPT);
	free(json);
	refused(BROKEN, E, false, "\"violation\":\"papers_not_supplied\",",
		"\"commitment\":{\"type\":\"pledge\",\"matter\":\"licence\",\"due\":\"2026-12-30\",\"content\":\"x\"},",
		"bad_value", "record.commitment");
	refused(EVENT, E, false, "\"amount\":3500000", "\"amount\":3500000,\"refers_to\":\"X\"", "bad_value", "record.refers_to");
	refused(EVENT, E, false, "\"amount\":3500000",
		"\"amount\":3500000,\"commitment\":{\"type\":\"pledge\",\"matter\":\"licence\",\"due\":\"2026-12-20\",\"content\":\"x\"}",
		"bad_value", "record.commitment");
	/* the commitment map, field by field */
	refused(COMMITMENT, E, false, ",\"commitment\":{\"type\":\"missing_papers\",\"matter\":\"licence\","
		"\"due\":\"2026-12-20\",\"content\":\"承诺在2026年12月20日前补交消防验收合格证明\"}", "", "missing_field", "record.commitment");
	refused(COMMITMENT, E, false, "\"type\":\"missing_papers\"", "\"type\":\"missing\"", "bad_value", "record.commitment.type");
	refused(COMMITMENT, E, false, "\"type\":\"missing_papers\",", "", "missing_field", "record.commitment.type");
	refused(COMMITMENT, E, false, "\"matter\":\"licence\",", "", "missing_field", "record.commitment.matter");
	refused(COMMITMENT, E, false, "\"due\":\"2026-12-20\"", "\"due\":\"2026-12-32\"", "bad_value", "record.commitment.due");
	refused(COMMITMENT, E, false, "\"due\":\"2026-12-20\"", "\"due\":20261220", "wrong_type", "record.commitment.due");
	refused(COMMITMENT, E, false, "\"due\":\"2026-12-20\"", "\"due\":\"2026-11-20\"", "bad_value", "record.commitment.due");
	refused(COMMITMENT, E, false, "\"due\":\"2026-12-20\"", "\"due\":\"2028-11-21\"", "bad_value", "record.commitment.due");
	refused(COMMITMENT, E, false, "\"matter\":\"licence\"", "\"matter\":\"licence\",\"colour\":\"red\"", "unknown_field",
		"record.commitment.colour");
	refused(COMMITMENT, E, false, "\"content\":\"承诺在2026年12月20日前补交消防验收合格证明\"", "\"content\":\"\"", "bad_value",
		"record.commitment.content");
	/* at most 2 years: the last day allowed is accepted */
	json = replace(COMMITMENT, "\"due\":\"2026-12-20\"", "\"due\":\"2028-11-20\"");
	CHECK_INT(decode_json(json, E, false, a, &e), 0);
	free(json);
	/* 1000 characters of promise (3000 bytes in Chinese) pass; 1001 do not */
	long_text = malloc(3 * 1001 + 32);
	strcpy(long_text, "\"content\":\"");
	for (int i = 0; i < 1000; i++)
		strcat(long_text, "诺");
	strcat(long_text, "\"");
	json = replace(COMMITMENT, "\"content\":\"承诺在2026年12月20日前补交消防验收合格证明\"", long_text);
	CHECK_INT(decode_json(json, E, false, a, &e), 0);
	free(json);
	long_text[strlen(long_text) - 1] = 0;
	strcat(long_text, "诺\"");
	refused(COMMITMENT, E, false, "\"content\":\"承诺在2026年12月20日前补交消防验收合格证明\"", long_text, "bad_value",
		"record.commitment.content");
	free(long_text);
	free(a);
	free(b);
}

/* a foreign record: another region's entry after one of its changes (federation, issue 14) */
static const char *const FOREIGN =
	"{\"seq\":9,\"kind\":\"record\",\"at\":1790000000000,\"party\":\"exchange\",\"reported_workdays\":30,"
	"\"late\":false,\"record\":{\"record_id\":\"sh-345-4\",\"kind\":\"foreign\","
	"\"subject\":{\"type\":\"org\",\"id_type\":\"uscc\",\"code\":\"91350100M000100Y43\",\"name\":\"示范科技有限公司\"},"
	"\"decision_date\":\"2026-10-20\",\"list\":\"black\",\"state\":\"effective\",\"suspended\":false,"
	"\"valid_from\":\"2026-11-02\",\"valid_until\":\"2029-10-19\",\"origin\":{\"region\":\"sh\",\"entry\":345,"
	"\"seq\":4,\"party\":\"sh_tax\",\"standard\":\"tax.major_violation\",\"standard_name\":\"重大税收违法失信主体\","
	"\"domain\":\"tax\",\"catalog_version\":\"sh-2026.1\"}}}";

static void foreign_records_are_strict(void)
{
	const unsigned E = 1u << REC_EVENT, C = 1u << REC_CHANGE, T = 1u << REC_TASK;
	jrp_rec *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	jrp_error e;
	char *json;
	mw w, rec;
	CHECK_INT(decode_json(FOREIGN, E, false, a, &e), 0);
	CHECK_INT(a->u.event.record.kind, RK_FOREIGN);
	CHECK_INT(a->u.event.record.list, LIST_BLACK);
	CHECK_INT(a->u.event.record.origin_state, ENTRY_EFFECTIVE);
	CHECK_STR(a->u.event.record.origin.region, "sh");
	CHECK(a->u.event.record.origin.entry == 345 && a->u.event.record.origin.seq == 4);
	CHECK_STR(a->u.event.record.domain, "");
	/* what the encoder writes decodes to the same */
	mw_init(&w);
	mw_init(&rec);
	record_write(&rec, &a->u.event.record);
	event_encode(&w, &a->u.event, &rec);
	memset(b, 0xa5, sizeof *b);
	CHECK_INT(rec_decode_bytes(mw_data(&w), mw_len(&w), E, false, b, &e), 0);
	CHECK_STR(b->u.event.record.origin.standard_name, "重大税收违法失信主体");
	CHECK_INT(b->u.event.record.valid_until, a->u.event.record.valid_until);
	CHECK_INT(b->u.event.record.exit_reason, EXIT_NONE);
	CHECK(!b->u.event.record.suspended);
	mw_free(&w);
	mw_free(&rec);
	/* an exited one says why; only an exited one has a reason */
	json = replace(FOREIGN, "\"state\":\"effective\"", "\"state\":\"exited\",\"reason\":\"revoked\"");
	CHECK_INT(decode_json(json, E, false, a, &e), 0);
	CHECK_INT(a->u.event.record.exit_reason, EXIT_REVOKED);
	free(json);
	refused(FOREIGN, E, false, "\"state\":\"effective\"", "\"state\":\"exited\"", "missing_field", "record.reason");
	refused(FOREIGN, E, false, "\"state\":\"effective\"", "\"state\":\"effective\",\"reason\":\"expired\"",
		"bad_value", "record.reason");
	refused(FOREIGN, E, false, "\"state\":\"effective\"", "\"state\":\"proposed\"", "bad_value", "record.state");
	refused(FOREIGN, E, false, "\"list\":\"black\"", "\"list\":\"warning\"", "bad_value", "record.list");
	refused(FOREIGN, E, false, "\"suspended\":false,", "", "missing_field", "record.suspended");
	refused(FOREIGN, E, false, "\"valid_until\":\"2029-10-19\"", "\"valid_until\":\"2026-11-01\"", "bad_value",
		"record.valid_until");
	/* the origin, field by field */
	refused(FOREIGN, E, false, ",\"origin\":{", ",\"origin_\":{", "missing_field", "record.origin");
	refused(FOREIGN, E, false, "\"region\":\"sh\"", "\"region\":\"Shanghai\"", "bad_value", "record.origin.region");
	refused(FOREIGN, E, false, "\"seq\":4,", "\"seq\":0,", "bad_value", "record.origin.seq");
	refused(FOREIGN, E, false, "\"entry\":345,", "", "missing_field", "record.origin.entry");
	refused(FOREIGN, E, false, "\"domain\":\"tax\",", "\"domain\":\"tax\",\"colour\":1,", "unknown_field",
		"record.origin.colour");
	/* a department's fields on a foreign record, and a foreign record's on a department's, named */
	refused(FOREIGN, E, false, "\"list\":\"black\"", "\"domain\":\"tax\",\"list\":\"black\"", "unknown_field",
		"record.domain");
	refused(FOREIGN, E, false, "\"list\":\"black\"", "\"amount\":5,\"list\":\"black\"", "unknown_field",
		"record.amount");
	refused(FOREIGN, E, false, "\"name\":\"示范科技有限公司\"}",
		"\"name\":\"示范科技有限公司\",\"lei\":\"5493001KJTIIGC8Y1R12\"}", "unknown_field", "record.subject.lei");
	refused(EVENT, E, false, "\"amount\":3500000", "\"amount\":3500000,\"valid_from\":\"2026-11-02\"", "unknown_field",
		"record.valid_from");
	refused(EVENT, E, false, "\"amount\":3500000", "\"amount\":3500000,\"origin\":{}", "unknown_field", "record.origin");
	/* a change and a task carry the origin, strictly */
	{
		static const char *const ORIGIN = ",\"origin\":{\"region\":\"sh\",\"entry\":345,\"seq\":4,\"party\":\"sh_tax\","
			"\"standard\":\"tax.major_violation\",\"standard_name\":\"重大税收违法失信主体\",\"domain\":\"tax\","
			"\"catalog_version\":\"sh-2026.1\"}}";
		char *ch = replace(CHANGE, "\"catalog_version\":\"2026.11-2\"}", "\"catalog_version\":\"2026.11-2\"");
		char *ch2 = malloc(strlen(ch) + strlen(ORIGIN) + 1), *t, *t2;
		strcpy(ch2, ch);
		strcat(ch2, ORIGIN);
		CHECK_INT(decode_json(ch2, C, false, a, &e), 0);
		CHECK_STR(a->u.change.origin.region, "sh");
		mw_init(&w);
		change_encode(&w, &a->u.change);
		memset(b, 0xa5, sizeof *b);
		CHECK_INT(rec_decode_bytes(mw_data(&w), mw_len(&w), C, false, b, &e), 0);
		CHECK(b->u.change.origin.entry == 345);
		mw_free(&w);
		refused(ch2, C, false, "\"seq\":4,", "", "missing_field", "origin.seq");
		/* without an origin the region is "" */
		CHECK_INT(decode_json(CHANGE, C, false, a, &e), 0);
		CHECK_STR(a->u.change.origin.region, "");
		t = replace(TASK, "\"feedback_due\":\"2026-12-15\"}", "\"feedback_due\":\"2026-12-15\"");
		t2 = malloc(strlen(t) + strlen(ORIGIN) + 1);
		strcpy(t2, t);
		strcat(t2, ORIGIN);
		CHECK_INT(decode_json(t2, T, false, a, &e), 0);
		CHECK_STR(a->u.task.origin.party, "sh_tax");
		refused(t2, T, false, "\"region\":\"sh\",", "", "missing_field", "origin.region");
		free(ch);
		free(ch2);
		free(t);
		free(t2);
	}
	free(a);
	free(b);
}

static void unknown_kind_is_not_guessed(void)
{
	jrp_rec *r = malloc(sizeof *r);
	jrp_error e;
	CHECK_INT(decode_json("{\"seq\":1,\"kind\":\"exchange\",\"at\":1}", ~0u, false, r, &e), JRP_EUNKNOWN);
	CHECK_STR(e.field, "kind");
	CHECK(strstr(e.message, "exchange") != NULL);
	/* a known kind this consumer does not take: the same */
	CHECK_INT(decode_json(CHECKREC, 1u << REC_EVENT, false, r, &e), JRP_EUNKNOWN);
	/* no kind at all: a bad record, not an unknown one */
	CHECK_INT(decode_json("{\"seq\":1}", ~0u, false, r, &e), JRP_EBADMSG);
	free(r);
}

static void keys_order_records(void)
{
	msgpack_sbuffer sb;
	msgpack_unpacked up;
	jrp_error e;
	char key[64];
	size_t off = 0;
	const char *json[] = { EVENT, CHANGE, TASK, CHECKREC };
	const char *want[] = { "subject:91350100M000100Y43", "entry:3", "entry:3", "" };
	for (int i = 0; i < 4; i++) {
		msgpack_sbuffer_init(&sb);
		conv_text_to_msgpack(json[i], strlen(json[i]), &sb, &e);
		msgpack_unpacked_init(&up);
		off = 0;
		msgpack_unpack_next(&up, sb.data, sb.size, &off);
		rec_key(&up.data, key, sizeof key);
		CHECK_STR(key, want[i]);
		msgpack_unpacked_destroy(&up);
		msgpack_sbuffer_destroy(&sb);
	}
}

/* the README's "Names" table: | `what` | `a`, `b`, ... | per table, the same names in the same order */
/* a name on the wire is its bytes: "record" followed by a NUL and more is not "record" (found by
 * fuzz_records: the lookup read past the table's string) */
static void names_are_whole(void)
{
	CHECK_INT(names_find(&rec_kind_names, "record", 6), REC_EVENT);
	CHECK_INT(names_find(&rec_kind_names, "record\0\0`", 9), -1);
	CHECK_INT(names_find(&rec_kind_names, "rec", 3), -1);
	CHECK_INT(names_find(&rec_kind_names, "records", 7), -1);
	CHECK_INT(names_find(&rec_kind_names, "", 0), -1);
}

static void readme_lists_the_tables(void)
{
	FILE *f = fopen(JRP_SOURCE_ROOT "/README.md", "r");
	char *text;
	long n;
	CHECK(f != NULL);
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	CHECK(fread(text, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	for (const jrp_names *const *t = names_tables; *t; t++) {
		char head[96], want[1024] = "", got[1024] = "";
		const char *row, *end;
		snprintf(head, sizeof head, "| `%s` | ", (*t)->what);
		row = strstr(text, head);
		if (!row) {
			printf("# README.md has no row for the names of \"%s\"\n", (*t)->what);
			CHECK(row != NULL);
			continue;
		}
		row += strlen(head);
		end = strchr(row, '\n');
		for (int i = 0; i < (*t)->n; i++)
			if ((*t)->name[i])
				snprintf(want + strlen(want), sizeof want - strlen(want), "%s`%s`", want[0] ? ", " : "",
					 (*t)->name[i]);
		snprintf(got, sizeof got, "%.*s", (int)(end - row), row);
		/* the row is "| `what` | `a`, `b` |" or has a third column: the names end at " |" */
		if (strstr(got, " |"))
			*strstr(got, " |") = 0;
		CHECK_STR(got, want);
	}
	free(text);
}

int main(void)
{
	RUN(every_kind_roundtrips);
	RUN(strict_never_a_default);
	RUN(unknown_kind_is_not_guessed);
	RUN(keys_order_records);
	RUN(readme_lists_the_tables);
	RUN(names_are_whole);
	RUN(commitments_are_strict);
	RUN(foreign_records_are_strict);
	TAP_DONE();
}
