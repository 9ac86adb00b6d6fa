/*
 * record.c - what ingest checks of a department's record beyond its structure
 *
 * Everything a record says is checked at the front door, once: the structure,
 * lengths and codes by record_read (records.c, the same reader adjudicate's
 * decoder uses); here the kind and domain against the catalogue in force, the
 * department's right to report in that domain (DOMAIN.md "Who uses it"), the
 * decision date (not in the future), the standard a record names and the
 * matter a commitment was made in. What a record says about another record
 * (refers_to) is checked against the event log by ingest (main.c).
 */
#include "record.h"
#include <string.h>

/* order_unmet - a standard that lists only after an order to correct or pay went unmet (人社部令第45号:
 * 责令限期支付, then listed if not paid) needs the record's order, its deadline passed before the decision */
static int order_unmet(mr *r, const jrp_standard *s, const jrp_record *o)
{
	char dd[11];
	if (!s->requires_order)
		return 0;
	if (!o->order_date)
		return mr_fail(r, JRP_ERR_MISSING_FIELD, "order", "standard \"%s\" lists only after an order to correct or "
			       "pay went unmet: give order {date, due}", s->id);
	if (o->order_due >= o->decision_date) {
		date_format(o->order_due, dd);
		return mr_fail_value(r, "order.due", "the order's deadline (%s) had not passed when the decision was made",
				     dd);
	}
	return 0;
}

int record_parse(mr *r, const jrp_catalog *cat, const jrp_party *dept, jrp_date today, jrp_record *o)
{
	const char *p;
	size_t n;
	char df[11], v[JRP_ID_MAX + 1];
	int rc;

	/* the kind and the domain first, as a clerk reads a form: is this ours to send at all? */
	bool exchange = dept->roles & ROLE_EXCHANGE;
	if (mr_str(r, "kind", MR_OPT, JRP_ID_MAX, &p, &n) > 0 && n) {
		memcpy(v, p, n);
		v[n] = 0;
		/* federation (issue 14): another region's entry comes only through this region's jrp-exchange,
		 * which otherwise only passes on a cross-region initiation (a determination) [001 §(五)2] */
		if (strcmp(v, "foreign") == 0) {
			if (!exchange)
				return mr_fail(r, JRP_ERR_FORBIDDEN, "kind", "only this region's exchange (role exchange) "
					       "submits another region's entries; party \"%s\" may not", dept->id);
		} else if (exchange && !(dept->roles & ROLE_DEPARTMENT) && strcmp(v, "determination") != 0) {
			return mr_fail(r, JRP_ERR_FORBIDDEN, "kind", "the exchange \"%s\" submits foreign entries and "
				       "other regions' initiations (determination), not %s records", dept->id, v);
		} else if (!catalog_kind(cat, v)) {
			return mr_fail_value(r, "kind", "\"%s\" is not a record kind of catalogue %s", v, cat->version);
		}
	}
	if (mr_str(r, "domain", MR_OPT, JRP_ID_MAX, &p, &n) > 0 && n) {
		memcpy(v, p, n);
		v[n] = 0;
		if (!catalog_domain(cat, v))
			return mr_fail(r, JRP_ERR_UNKNOWN_DOMAIN, "domain", "\"%s\" is not a domain of catalogue %s", v,
				       cat->version);
		/* an initiation from another region may name any domain of the catalogue: it becomes this
		 * region's own determination under the standard it names */
		if (!party_has_domain(dept, v) && !exchange)
			return mr_fail(r, JRP_ERR_FORBIDDEN, "domain", "department \"%s\" does not identify in domain \"%s\"",
				       dept->id, v);
	}
	if ((rc = record_read(r, o)) < 0)
		return rc;
	if (o->decision_date > today) {
		date_format(today, df);
		return mr_fail_value(r, "decision_date", "is in the future (today is %s)", df);
	}
	if (o->notice_date > today) {
		date_format(today, df);
		return mr_fail_value(r, "notice.date", "is in the future (today is %s)", df);
	}
	if (o->standard[0]) {
		const jrp_standard *s = catalog_standard(cat, o->standard);
		if (!s)
			return mr_fail(r, JRP_ERR_UNKNOWN_STANDARD, "standard", "\"%s\" is not a standard of catalogue %s",
				       o->standard, cat->version);
		if (s->receiving)
			return mr_fail_value(r, "standard", "standard \"%s\" receives other regions' entries (match.kind: "
					     "foreign); a record does not name it", o->standard);
		if (strcmp(s->domain, o->domain) != 0)
			return mr_fail_value(r, "standard", "standard \"%s\" belongs to domain \"%s\", not \"%s\"",
					     o->standard, s->domain, o->domain);
		if (!(s->subject_types & (1u << o->subject.type)))
			return mr_fail_value(r, "standard", "standard \"%s\" does not apply to subjects of type %s",
					     o->standard, names_get(&subject_type_names, o->subject.type));
		if ((rc = order_unmet(r, s, o)) < 0)
			return rc;
	}
	/* 双公示 [001 §(一)4]: only a kind the catalogue publishes has a publication end, inside its range */
	if (o->publish_until) {
		const jrp_named *k = catalog_kind(cat, names_get(&credit_kind_names, o->kind));
		jrp_date lo, hi;
		char dl[11], dh[11];
		if (!k || !k->publish)
			return mr_fail_value(r, "publish_until", "records of kind %s are not published (catalogue %s)",
					     names_get(&credit_kind_names, o->kind), cat->version);
		lo = date_add_period(o->decision_date, k->pub_min) - 1;
		hi = date_add_period(o->decision_date, k->pub_max) - 1;
		if (o->publish_until < lo || o->publish_until > hi) {
			char pmin[16], pmax[16];
			date_format(lo, dl);
			date_format(hi, dh);
			period_format(k->pub_min, pmin, sizeof pmin);
			period_format(k->pub_max, pmax, sizeof pmax);
			return mr_fail_value(r, "publish_until", "must be between %s and %s (%s to %s from the decision, "
					     "catalogue %s)", dl, dh, pmin, pmax, cat->version);
		}
	}
	/* a commitment is made in one of the catalogue's matters (DOMAIN.md "Commitments and 双公示") */
	if (o->commitment.type && !catalog_matter(cat, o->commitment.matter))
		return mr_fail(r, JRP_ERR_UNKNOWN_MATTER, "commitment.matter", "\"%s\" is not a matter of catalogue %s",
			       o->commitment.matter, cat->version);
	return mr_end(r);
}
