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
#include "store.h"
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
