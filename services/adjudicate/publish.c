/*
 * publish.c - the publication log: what the public may see of the lists
 *
 * DOMAIN.md "Publication and privacy" [001 §(一)4, §(二)4]: every change the
 * standard makes public (black, red, warning; focus only where the standard
 * is marked publish) goes to the publication log, masked as the catalogue's
 * masking rules say: a person's ID number and name are never published whole;
 * an organisation's name and code are public. Exits and corrections are
 * announced through the same log that published the entry. An entry whose
 * validity has ended is never published (publication period = validity).
 */
#include "adj.h"
#include "clock.h"
#include "store.h"
#include "util/log.h"
#include "util/str.h"
#include <string.h>

void mask_id(const jrp_catalog *cat, const char *id, char *out, size_t n)
{
	size_t len = strlen(id), head = (size_t)cat->mask_id_keep_head, tail = (size_t)cat->mask_id_keep_tail, o = 0;
	if (head + tail >= len) {   /* short identifiers: keep at most a quarter at each end */
		head = len / 4;
		tail = len / 4;
	}
	for (size_t i = 0; i < len && o + 1 < n; i++)
		out[o++] = i < head || i >= len - tail ? id[i] : '*';
	out[o] = 0;
}

void mask_name(const jrp_catalog *cat, const char *name, char *out, size_t n)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t o = 0;
	int kept = 0, chars = 0;
	for (const unsigned char *q = p; *q; q++)
		chars += (*q & 0xc0) != 0x80;
	while (*p && o + 5 < n) {
		size_t cl = *p < 0x80 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
		/* keep the head, but never the whole name */
		if (kept < cat->mask_name_keep_head && kept + 1 < chars) {
			for (size_t i = 0; i < cl && p[i]; i++)
				out[o++] = (char)p[i];
			kept++;
		} else {
			out[o++] = '*';
		}
		for (size_t i = 0; i < cl && *p; i++)
			p++;
	}
	out[o] = 0;
}

static bool public(adj *a, const entry *en)
{
	const jrp_standard *s = en->standard[0] ? catalog_standard(a->cat, en->standard) : NULL;
	if (en->list == LIST_WARNING)
		return true;
	if (en->derived && en->list == LIST_FOCUS)
		return false;   /* focus after black: only where a standard marks focus public */
	return s && s->publish;
}

int publish(adj *a, entry *en, jrp_publication_kind kind)
{
	const jrp_catalog *cat = a->cat;
	const jrp_standard *s = en->standard[0] ? catalog_standard(cat, en->standard) : NULL;
	bool person = en->subject.type == SUBJECT_PERSON;
	char name[JRP_NAME_BUF], code[40];
	uint64_t seq;
	mw w;
	int rc;

	if (kind == PUB_LISTED) {
		if (!public(a, en) || en->valid_until < a->today)
			return 0;
		en->published = true;
		if ((rc = entry_store(a, en)) != 0)
			return rc;
	}
	if ((rc = store_log_last(a->txn, a->db[ADB_PUBLICATION], &seq)) != 0)
		return rc;
	seq++;
	if (person) {
		mask_name(cat, en->subject.name, name, sizeof name);
		mask_id(cat, en->subject.code, code, sizeof code);
	} else {
		str_copy(name, sizeof name, en->subject.name);
		str_copy(code, sizeof code, en->subject.code);
	}
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "seq", seq);
	mw_kenum(&w, "kind", &publication_kind_names, kind);
	mw_ki64(&w, "at", a->now);
	mw_ku64(&w, "entry", en->id);
	mw_kenum(&w, "list", &list_names, en->list);
	mw_kstr(&w, "list_name", list_name_zh(en->list));
	mw_str(&w, "subject");
	mw_map(&w);
	mw_kenum(&w, "type", &subject_type_names, en->subject.type);
	mw_kstr(&w, "name", name);
	mw_kstr(&w, "code", code);
	mw_end(&w);
	if (s) {
		mw_kstr(&w, "standard", s->id);
		mw_kstr(&w, "standard_name", s->name);
	}
	mw_kstr(&w, "party", en->party);
	mw_kdate(&w, "decision_date", en->decision_date);
	if (en->valid_from)
		mw_kdate(&w, "valid_from", en->valid_from);
	mw_kdate(&w, "valid_until", en->valid_until);
	if (en->exit_reason)
		mw_kenum(&w, "exit_reason", &exit_reason_names, en->exit_reason);
	mw_end(&w);
	rc = store_log_append(a->txn, a->db[ADB_PUBLICATION], seq, mw_data(&w), mw_len(&w));
	mw_free(&w);
	return rc;
}

/* ---- 双公示: licences and penalties [001 §(一)4] ----
 *
 * DOMAIN.md "Commitments and 双公示": administrative licences and penalties are published within 7
 * working days of the decision, masked as the rules say, for their publication period. A record of a
 * kind the catalogue publishes (catalog.yaml kinds: publish) goes to the publication log the moment it
 * is applied; it was in time when the department reported it within the 7 working days, and the
 * publication says whether it was (reported_workdays, late). It is shown until its publish_until (the
 * decision's, or decision + the kind's period); then, or when a finality record says the decision was
 * annulled, a record_end follows. A person's name and ID number are masked and the facts left out
 * (free text may hold personal data); an organisation's name, code and legal representative's name are
 * public. */

static size_t pubrec_rkey(char *k, const char *party, const char *record_id)
{
	size_t n = 1;
	k[0] = 'r';
	n += str_copy(k + n, JRP_ID_MAX + 1, party) + 1;
	return n + str_copy(k + n, JRP_RECORD_ID_MAX + 1, record_id);
}

static void pubrec_skey(unsigned char k[9], uint64_t seq)
{
	k[0] = 's';
	be64_put(k + 1, seq);
}

static void masked_subject(adj *a, const jrp_subject *s, mw *w)
{
	char name[JRP_NAME_BUF], code[40];
	if (s->type == SUBJECT_PERSON) {
		mask_name(a->cat, s->name, name, sizeof name);
		mask_id(a->cat, s->code, code, sizeof code);
	} else {
		str_copy(name, sizeof name, s->name);
		str_copy(code, sizeof code, s->code);
	}
	mw_map(w);
	mw_kenum(w, "type", &subject_type_names, s->type);
	mw_kstr(w, "name", name);
	mw_kstr(w, "code", code);
	mw_end(w);
}

static int pub_append(adj *a, mw *w, uint64_t seq)
{
	return store_log_append(a->txn, a->db[ADB_PUBLICATION], seq, mw_data(w), mw_len(w));
}

int publish_record(adj *a, const jrp_event *ev)
{
	const jrp_record *rec = &ev->record;
	jrp_date until = record_publish_until(a->cat, rec);
	char rk[2 + JRP_ID_MAX + JRP_RECORD_ID_MAX + 2];
	unsigned char sk[9];
	size_t rkn;
	uint64_t seq;
	MDB_val v;
	mw w, keep;
	int rc;

	if (!until)
		return 0;
	if (until < a->today) {
		log_info("event=record_not_published record_seq=%llu record_id=%s party=%s: its publication period "
			 "ended before it came", (unsigned long long)ev->seq, rec->record_id, ev->party);
		return 0;
	}
	rkn = pubrec_rkey(rk, ev->party, rec->record_id);
	if ((rc = kv_get(a->txn, a->db[ADB_PUBREC], rk, rkn, &v)) == 0)
		return 0;   /* shown already */
	if (rc != JRP_ENOTFOUND)
		return rc;
	if ((rc = store_log_last(a->txn, a->db[ADB_PUBLICATION], &seq)) != 0)
		return rc;
	seq++;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "seq", seq);
	mw_kenum(&w, "kind", &publication_kind_names, PUB_RECORD);
	mw_ki64(&w, "at", a->now);
	mw_ku64(&w, "record_seq", ev->seq);
	mw_kenum(&w, "record_kind", &credit_kind_names, rec->kind);
	mw_kstr(&w, "party", ev->party);
	mw_kstr(&w, "record_id", rec->record_id);
	mw_kstr(&w, "domain", rec->domain);
	mw_str(&w, "subject");
	masked_subject(a, &rec->subject, &w);
	if (rec->subject.type == SUBJECT_ORG && rec->has_legal_rep)
		mw_kstr(&w, "legal_rep", rec->legal_rep.name);   /* 法定代表人: public for an organisation */
	if (rec->decision_no[0])
		mw_kstr(&w, "decision_no", rec->decision_no);
	if (rec->violation[0])
		mw_kstr(&w, "violation", rec->violation);
	if (rec->facts[0] && rec->subject.type == SUBJECT_ORG)
		mw_kstr(&w, "facts", rec->facts);
	if (rec->basis[0])
		mw_kstr(&w, "basis", rec->basis);
	if (rec->amount >= 0)
		mw_ki64(&w, "amount", rec->amount);
	if (rec->authority[0])
		mw_kstr(&w, "authority", rec->authority);
	if (rec->authority_code[0])
		mw_kstr(&w, "authority_code", rec->authority_code);
	mw_kdate(&w, "decision_date", rec->decision_date);
	mw_kdate(&w, "publish_until", until);
	/* within 7 working days of the decision [001 §(一)4]: published as it came, so as late as the report */
	mw_ki64(&w, "reported_workdays", ev->reported_workdays);
	mw_kbool(&w, "late", ev->late);
	mw_end(&w);
	rc = pub_append(a, &w, seq);
	mw_free(&w);
	if (rc)
		return rc;
	/* kept while shown: what its end needs */
	mw_init(&keep);
	mw_map(&keep);
	mw_ku64(&keep, "seq", ev->seq);
	mw_ku64(&keep, "publication", seq);
	mw_kdate(&keep, "until", until);
	mw_kenum(&keep, "record_kind", &credit_kind_names, rec->kind);
	mw_str(&keep, "subject");
	masked_subject(a, &rec->subject, &keep);
	mw_end(&keep);
	pubrec_skey(sk, ev->seq);
	if ((rc = kv_put(a->txn, a->db[ADB_PUBREC], rk, rkn, mw_data(&keep), mw_len(&keep), 0)) == 0 &&
	    (rc = kv_put(a->txn, a->db[ADB_PUBREC], sk, sizeof sk, rk, rkn, 0)) == 0)
		rc = entry_due(a, ms_of_date(until + 1), ev->seq, DUE_RECORD_END);
	mw_free(&keep);
	return rc;
}

int publish_record_end(adj *a, const char *party, const char *record_id, const char *reason)
{
	char rk[2 + JRP_ID_MAX + JRP_RECORD_ID_MAX + 2];
	size_t rkn = pubrec_rkey(rk, party, record_id);
	unsigned char sk[9];
	uint64_t seq, rseq;
	msg_in in;
	jrp_error e;
	MDB_val v;
	mw w;
	int rc = kv_get(a->txn, a->db[ADB_PUBREC], rk, rkn, &v);
	if (rc == JRP_ENOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (msg_parse(v.mv_data, v.mv_size, v.mv_size, &in, &e) != 0) {
		log_warn("event=published_record_unreadable party=%s record_id=%s: %s", party, record_id, e.message);
		return kv_del(a->txn, a->db[ADB_PUBREC], rk, rkn);
	}
	rseq = obj_u64(in.root, "seq");
	if ((rc = store_log_last(a->txn, a->db[ADB_PUBLICATION], &seq)) != 0)
		goto out;
	seq++;
	mw_init(&w);
	mw_map(&w);
	mw_ku64(&w, "seq", seq);
	mw_kenum(&w, "kind", &publication_kind_names, PUB_RECORD_END);
	mw_ki64(&w, "at", a->now);
	mw_ku64(&w, "record_seq", rseq);
	mw_ku64(&w, "refers_to", obj_u64(in.root, "publication"));
	mw_kobj(&w, "record_kind", obj_get(in.root, "record_kind"));
	mw_kstr(&w, "party", party);
	mw_kstr(&w, "record_id", record_id);
	mw_kobj(&w, "subject", obj_get(in.root, "subject"));
	mw_kobj(&w, "publish_until", obj_get(in.root, "until"));
	mw_kstr(&w, "reason", reason);
	mw_end(&w);
	rc = pub_append(a, &w, seq);
	mw_free(&w);
	pubrec_skey(sk, rseq);
	if (rc == 0 && (rc = kv_del(a->txn, a->db[ADB_PUBREC], rk, rkn)) == 0)
		rc = kv_del(a->txn, a->db[ADB_PUBREC], sk, sizeof sk);
	if (rc == JRP_ENOTFOUND)
		rc = 0;
	log_info("event=record_publication_ended party=%s record_id=%s reason=%s", party, record_id, reason);
out:
	msg_in_free(&in);
	return rc;
}

int publish_record_expired(adj *a, uint64_t record_seq)
{
	unsigned char sk[9];
	char party[JRP_ID_MAX + 1], record_id[JRP_RECORD_ID_MAX + 1];
	const char *p;
	size_t n;
	MDB_val v;
	int rc;
	pubrec_skey(sk, record_seq);
	if ((rc = kv_get(a->txn, a->db[ADB_PUBREC], sk, sizeof sk, &v)) == JRP_ENOTFOUND)
		return 0;   /* ended already (annulled) */
	if (rc)
		return rc;
	/* value: 'r' party NUL record id */
	p = (const char *)v.mv_data + 1;
	n = v.mv_size - 1;
	if (v.mv_size < 3 || !memchr(p, 0, n) || strlen(p) > JRP_ID_MAX || n - strlen(p) - 1 > JRP_RECORD_ID_MAX)
		return kv_del(a->txn, a->db[ADB_PUBREC], sk, sizeof sk);
	str_copy(party, sizeof party, p);
	memcpy(record_id, p + strlen(p) + 1, n - strlen(p) - 1);
	record_id[n - strlen(p) - 1] = 0;
	return publish_record_end(a, party, record_id, "expired");
}
