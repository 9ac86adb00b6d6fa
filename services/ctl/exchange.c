/*
 * exchange.c - jrpctl exchange: the office's side of jrp-exchange (README "Between regions")
 *
 *   exchange status                         peers, cursors, what waits for ingest
 *   exchange sent|received [--region R]     the records sent to peers, or received from them
 *   exchange initiate --to R --subject CODE --name NAME [--type person] [--id-type T] --list black|focus
 *                     --domain D --reason TEXT --facts TEXT [--basis TEXT]
 *   exchange initiations sent|received [--region R]
 *   exchange decide REGION ID accepted|refused --reason TEXT [--standard S]
 *   exchange reports [--region R]           what peers' agencies did about this region's entries
 *   exchange rejected REGION [--all]        that peer's records this region could not apply
 *   exchange retry REGION SEQ               apply one of them again after a fix
 */
#include "ctl.h"
#include "proto.h"
#include "records.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *S(const msgpack_object *o, const char *k, char *buf, size_t n)
{
	return obj_cstr(o, k, buf, n);
}

static void print_record(const msgpack_object *r, uint64_t n)
{
	char kind[16], to[40], b1[80], b2[80], b3[120];
	const msgpack_object *subj = obj_get(r, "subject");
	S(r, "kind", kind, sizeof kind);
	S(r, "to", to, sizeof to);
	printf("%6llu  %-10s to %-8s #%-4llu ", (unsigned long long)n, kind, to, (unsigned long long)obj_u64(r, "seq"));
	if (strcmp(kind, "shared") == 0)
		printf(tr("entry %llu %s %s (%s%s) %s %s\n"), (unsigned long long)obj_u64(r, "entry"), S(r, "action", b1, sizeof b1),
		       S(r, "list", b2, sizeof b2), S(r, "state", b3, sizeof b3), obj_bool(r, "suspended") ? tr(", suspended") : "",
		       subj ? obj_cstr(subj, "code", (char[40]){ 0 }, 40) : "", S(r, "standard", (char[80]){ 0 }, 80));
	else if (strcmp(kind, "initiation") == 0)
		printf(tr("initiation %llu: %s %s, %s\n"), (unsigned long long)obj_u64(r, "id"), S(r, "list", b1, sizeof b1),
		       subj ? obj_cstr(subj, "code", (char[40]){ 0 }, 40) : "", S(r, "reason", b3, sizeof b3));
	else if (strcmp(kind, "reply") == 0)
		printf(tr("reply to initiation %llu: %s (%s)\n"), (unsigned long long)obj_u64(r, "id"),
		       S(r, "decision", b1, sizeof b1), S(r, "reason", b3, sizeof b3));
	else if (strcmp(kind, "report") == 0) {
		const msgpack_object *t = obj_get(r, "totals");
		printf(tr("report: %llu tasks, %llu done, %llu awaiting, %llu overdue\n"), (unsigned long long)obj_u64(t, "tasks"),
		       (unsigned long long)obj_u64(t, "done"), (unsigned long long)obj_u64(t, "awaiting"),
		       (unsigned long long)obj_u64(t, "overdue"));
	} else
		printf("\n");
	(void)b2;
}

static int need_xc(ctl *c)
{
	if (!c->cfg->xc.enabled) {
		fprintf(stderr, "%s", tr("jrpctl: this configuration has no exchange: section (README \"Between regions\")\n"));
		return 1;
	}
	return 0;
}

static int call(ctl *c, mw *w, msg_in *in)
{
	return ctl_send(c, SVC_EXCHANGE, w, in);
}

static int x_status(ctl *c)
{
	mw w;
	msg_in in;
	mw_init(&w);
	client_begin(NULL, &w, T_EXCHANGE_STATUS, c->party);
	if (call(c, &w, &in))
		return 1;
	if (c->json) {
		ctl_print_json(in.root);
	} else {
		const msgpack_object *ps = obj_get(in.root, "peers"), *up = obj_get(in.root, "upstream"),
				     *fw = obj_get(in.root, "forward");
		char b[600];
		printf(tr("region %s: dispatch's log taken up to %llu\n"), S(in.root, "region", b, sizeof b),
		       (unsigned long long)obj_u64(up, "cursor"));
		for (uint32_t i = 0; ps && ps->type == MSGPACK_OBJECT_ARRAY && i < ps->via.array.size; i++) {
			const msgpack_object *p = &ps->via.array.ptr[i], *pl = obj_get(p, "pulling");
			char r[40];
			printf(tr("  peer %-8s offered %llu, taken %llu; its stream pulled up to %llu%s%s\n"), S(p, "region", r, sizeof r),
			       (unsigned long long)obj_u64(p, "offered"), (unsigned long long)obj_u64(p, "taken"),
			       (unsigned long long)obj_u64(pl, "cursor"), obj_get(pl, "stopped") ? tr(" STOPPED: ") : "",
			       obj_get(pl, "stopped") ? S(pl, "stopped", b, sizeof b) : "");
			if (obj_u64(pl, "rejected"))
				printf(tr("    %llu of its records kept unapplied\n"), (unsigned long long)obj_u64(pl, "rejected"));
		}
		printf(tr("  to ingest: %llu queued, %llu refused (see the log: event=forward_refused)\n"),
		       (unsigned long long)obj_u64(fw, "queued"), (unsigned long long)obj_u64(fw, "refused"));
	}
	msg_in_free(&in);
	return 0;
}

static int x_list(ctl *c, const char *dir, const char *region)
{
	uint64_t after = 0;
	for (;;) {
		mw w;
		msg_in in;
		const msgpack_object *rs;
		mw_init(&w);
		client_begin(NULL, &w, T_EXCHANGE_LIST, c->party);
		mw_kstr(&w, "dir", dir);
		if (region)
			mw_kstr(&w, "region", region);
		mw_ku64(&w, "after", after);
		mw_ku64(&w, "max", 1000);
		if (call(c, &w, &in))
			return 1;
		rs = obj_get(in.root, "records");
		if (c->json) {
			ctl_print_json(in.root);
		} else {
			for (uint32_t i = 0; rs && rs->type == MSGPACK_OBJECT_ARRAY && i < rs->via.array.size; i++)
				print_record(obj_get(&rs->via.array.ptr[i], "record"), obj_u64(&rs->via.array.ptr[i], "n"));
		}
		bool more = rs && rs->type == MSGPACK_OBJECT_ARRAY && rs->via.array.size == 1000 &&
			    obj_u64(in.root, "last") > after;
		after = obj_u64(in.root, "last");
		msg_in_free(&in);
		if (!more)
			break;
	}
	return 0;
}

static int x_initiations(ctl *c, const char *dir, const char *region)
{
	mw w;
	msg_in in;
	mw_init(&w);
	client_begin(NULL, &w, T_EXCHANGE_INITIATIONS, c->party);
	mw_kstr(&w, "dir", dir);
	if (region)
		mw_kstr(&w, "region", region);
	if (call(c, &w, &in))
		return 1;
	if (c->json) {
		ctl_print_json(in.root);
	} else {
		const msgpack_object *is = obj_get(in.root, "initiations");
		for (uint32_t i = 0; is && is->type == MSGPACK_OBJECT_ARRAY && i < is->via.array.size; i++) {
			const msgpack_object *x = &is->via.array.ptr[i], *subj = obj_get(x, "subject");
			char r[40], l[16], d[16], why[400], dr[400];
			printf(tr("%-8s #%-4llu %s %s (%s): %s — %s%s%s\n"), S(x, "region", r, sizeof r), (unsigned long long)obj_u64(x, "id"),
			       S(x, "list", l, sizeof l), subj ? obj_cstr(subj, "code", (char[40]){ 0 }, 40) : "",
			       subj ? obj_cstr(subj, "name", (char[200]){ 0 }, 200) : "", S(x, "reason", why, sizeof why),
			       S(x, "decision", d, sizeof d), obj_get(x, "decision_reason") ? ": " : "",
			       obj_get(x, "decision_reason") ? S(x, "decision_reason", dr, sizeof dr) : "");
		}
	}
	msg_in_free(&in);
	return 0;
}

static int x_reports(ctl *c, const char *region)
{
	mw w;
	msg_in in;
	mw_init(&w);
	client_begin(NULL, &w, T_EXCHANGE_REPORTS, c->party);
	if (region)
		mw_kstr(&w, "region", region);
	if (call(c, &w, &in))
		return 1;
	if (c->json) {
		ctl_print_json(in.root);
	} else {
		const msgpack_object *rs = obj_get(in.root, "reports");
		for (uint32_t i = 0; rs && rs->type == MSGPACK_OBJECT_ARRAY && i < rs->via.array.size; i++) {
			const msgpack_object *x = &rs->via.array.ptr[i], *rep = obj_get(x, "report"), *t = obj_get(rep, "totals"),
					     *en = obj_get(rep, "entries");
			char r[40];
			printf(tr("region %s, as of its report #%llu: %llu tasks, %llu done, %llu awaiting, %llu overdue\n"),
			       S(x, "region", r, sizeof r), (unsigned long long)obj_u64(rep, "seq"), (unsigned long long)obj_u64(t, "tasks"),
			       (unsigned long long)obj_u64(t, "done"), (unsigned long long)obj_u64(t, "awaiting"),
			       (unsigned long long)obj_u64(t, "overdue"));
			for (uint32_t k = 0; en && en->type == MSGPACK_OBJECT_ARRAY && k < en->via.array.size; k++) {
				const msgpack_object *e = &en->via.array.ptr[k];
				printf(tr("  entry %llu%s: %llu tasks, %llu done, %llu awaiting, %llu overdue\n"),
				       (unsigned long long)obj_u64(e, "entry"), obj_bool(e, "in_force") ? "" : tr(" (ended there)"),
				       (unsigned long long)obj_u64(e, "tasks"), (unsigned long long)obj_u64(e, "done"),
				       (unsigned long long)obj_u64(e, "awaiting"), (unsigned long long)obj_u64(e, "overdue"));
			}
		}
	}
	msg_in_free(&in);
	return 0;
}

static int x_rejected(ctl *c, const char *region, bool all)
{
	mw w;
	msg_in in;
	mw_init(&w);
	client_begin(NULL, &w, T_EXCHANGE_REJECTED, c->party);
	mw_kstr(&w, "region", region);
	if (all)
		mw_kbool(&w, "all", true);
	mw_ku64(&w, "max", 1000);
	if (call(c, &w, &in))
		return 1;
	if (c->json) {
		ctl_print_json(in.root);
	} else {
		const msgpack_object *rs = obj_get(in.root, "records");
		printf(tr("region %s: %llu of its records kept unapplied\n"), region, (unsigned long long)obj_u64(in.root, "pending"));
		for (uint32_t i = 0; rs && rs->type == MSGPACK_OBJECT_ARRAY && i < rs->via.array.size; i++) {
			const msgpack_object *x = &rs->via.array.ptr[i];
			char st[16], code[32], field[64], msg[400];
			printf(tr("  #%llu %s: %s %s: %s\n"), (unsigned long long)obj_u64(x, "seq"), S(x, "state", st, sizeof st),
			       S(x, "code", code, sizeof code), S(x, "field", field, sizeof field), S(x, "message", msg, sizeof msg));
		}
	}
	msg_in_free(&in);
	return 0;
}

int ctl_exchange(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "region", 1, 0, 'r' }, { "to", 1, 0, 't' }, { "subject", 1, 0, 's' },
					      { "name", 1, 0, 'n' }, { "type", 1, 0, 'y' }, { "id-type", 1, 0, 'i' },
					      { "list", 1, 0, 'l' }, { "domain", 1, 0, 'd' }, { "reason", 1, 0, 'w' },
					      { "facts", 1, 0, 'f' }, { "basis", 1, 0, 'b' }, { "standard", 1, 0, 'S' },
					      { "all", 0, 0, 'a' }, { 0, 0, 0, 0 } };
	const char *region = NULL, *to = NULL, *code = NULL, *name = NULL, *type = "org", *id_type = NULL, *list = NULL,
		   *domain = NULL, *reason = NULL, *facts = NULL, *basis = NULL, *standard = NULL, *sub;
	bool all = false;
	int opt;
	if (argc < 2) {
		fprintf(stderr, "%s", tr("jrpctl: exchange needs a subcommand: status, sent, received, initiate, initiations, decide, reports, rejected, retry\n"));
		return 2;
	}
	sub = argv[1];
	optind = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': region = optarg; break;
		case 't': to = optarg; break;
		case 's': code = optarg; break;
		case 'n': name = optarg; break;
		case 'y': type = optarg; break;
		case 'i': id_type = optarg; break;
		case 'l': list = optarg; break;
		case 'd': domain = optarg; break;
		case 'w': reason = optarg; break;
		case 'f': facts = optarg; break;
		case 'b': basis = optarg; break;
		case 'S': standard = optarg; break;
		case 'a': all = true; break;
		default: return 2;
		}
	}
	if (need_xc(c))
		return 1;
	ctl_need_party(c);
	char **rest = argv + 1 + optind;
	int nrest = argc - 1 - optind;
	if (strcmp(sub, "status") == 0)
		return x_status(c);
	if (strcmp(sub, "sent") == 0 || strcmp(sub, "received") == 0)
		return x_list(c, sub, region);
	if (strcmp(sub, "reports") == 0)
		return x_reports(c, region);
	if (strcmp(sub, "rejected") == 0) {
		if (nrest != 1) {
			fprintf(stderr, "%s", tr("jrpctl: exchange rejected REGION [--all]\n"));
			return 2;
		}
		return x_rejected(c, rest[0], all);
	}
	if (strcmp(sub, "retry") == 0) {
		mw w;
		msg_in in;
		char *end;
		unsigned long long seq;
		if (nrest != 2 || (seq = strtoull(rest[1], &end, 10), *end) || !seq) {
			fprintf(stderr, "%s", tr("jrpctl: exchange retry REGION SEQ\n"));
			return 2;
		}
		mw_init(&w);
		client_begin(NULL, &w, T_EXCHANGE_RETRY, c->party);
		mw_kstr(&w, "region", rest[0]);
		mw_ku64(&w, "seq", seq);
		if (call(c, &w, &in))
			return 1;
		if (c->json)
			ctl_print_json(in.root);
		else
			printf(tr("record %llu of region %s applied\n"), seq, rest[0]);
		msg_in_free(&in);
		return 0;
	}
	if (strcmp(sub, "initiations") == 0) {
		if (nrest < 1 || (strcmp(rest[0], "sent") != 0 && strcmp(rest[0], "received") != 0)) {
			fprintf(stderr, "%s", tr("jrpctl: exchange initiations sent|received [--region R]\n"));
			return 2;
		}
		return x_initiations(c, rest[0], region);
	}
	if (strcmp(sub, "initiate") == 0) {
		mw w;
		msg_in in;
		if (!to || !code || !name || !list || !domain || !reason || !facts) {
			fprintf(stderr, "%s", tr("jrpctl: exchange initiate needs --to, --subject, --name, --list, --domain, --reason and --facts\n"));
			return 2;
		}
		mw_init(&w);
		client_begin(NULL, &w, T_EXCHANGE_INITIATE, c->party);
		mw_kstr(&w, "to", to);
		mw_str(&w, "subject");
		mw_map(&w);
		mw_kstr(&w, "type", type);
		if (id_type)
			mw_kstr(&w, "id_type", id_type);
		mw_kstr(&w, "code", code);
		mw_kstr(&w, "name", name);
		mw_end(&w);
		mw_kstr(&w, "list", list);
		mw_kstr(&w, "domain", domain);
		mw_kstr(&w, "reason", reason);
		mw_kstr(&w, "facts", facts);
		if (basis)
			mw_kstr(&w, "basis", basis);
		if (call(c, &w, &in))
			return 1;
		if (c->json)
			ctl_print_json(in.root);
		else
			printf(tr("initiation %llu sent to region %s (its stream's record %llu)\n"), (unsigned long long)obj_u64(in.root, "initiation"),
			       to, (unsigned long long)obj_u64(in.root, "seq"));
		msg_in_free(&in);
		return 0;
	}
	if (strcmp(sub, "decide") == 0) {
		mw w;
		msg_in in;
		char *end;
		unsigned long long id;
		if (nrest != 3 || !reason || (id = strtoull(rest[1], &end, 10), *end) ||
		    (strcmp(rest[2], "accepted") != 0 && strcmp(rest[2], "refused") != 0)) {
			fprintf(stderr, "%s", tr("jrpctl: exchange decide REGION ID accepted|refused --reason TEXT [--standard S]\n"));
			return 2;
		}
		mw_init(&w);
		client_begin(NULL, &w, T_EXCHANGE_DECIDE, c->party);
		mw_kstr(&w, "region", rest[0]);
		mw_ku64(&w, "initiation", id);
		mw_kstr(&w, "decision", rest[2]);
		mw_kstr(&w, "reason", reason);
		if (standard)
			mw_kstr(&w, "standard", standard);
		if (call(c, &w, &in))
			return 1;
		if (c->json)
			ctl_print_json(in.root);
		else if (obj_get(in.root, "record_id"))
			printf(tr("initiation %llu of region %s accepted: identified here from record %s; the reply is on its way\n"),
			       id, rest[0], obj_cstr(in.root, "record_id", (char[80]){ 0 }, 80));
		else
			printf(tr("initiation %llu of region %s refused; the reply is on its way\n"), id, rest[0]);
		msg_in_free(&in);
		return 0;
	}
	fprintf(stderr, tr("jrpctl: exchange: unknown subcommand '%s'\n"), sub);
	return 2;
}
