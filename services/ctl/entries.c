/*
 * entries.c - jrpctl commands on one list entry and on the publication log
 *
 *   notice ENTRY DATE [--linked]              the department reports when it notified the subject (and,
 *                                             with --linked, the persons linked to it)
 *   object ENTRY --reason TEXT                an objection (by the subject through a department or
 *                                             the office, or by an agency that finds the data untrue)
 *   decide-objection ENTRY upheld|wrong [--note TEXT]
 *   repair ENTRY --methods m1,m2 [--note TEXT]
 *   decide-repair ENTRY approve|reject [--note TEXT]
 *   abuse ENTRY --note TEXT                   a red-list subject abused its rewards
 *   publication [--after N] [--follow]        the public, masked publication log
 */
#include "ctl.h"
#include "clock.h"
#include "proto.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* opts - --reason --note --methods --after --follow, shared by the commands here */
typedef struct opts {
	const char *reason, *note, *methods;
	uint64_t after;
	bool follow, linked;
} opts;

static int parse(int argc, char **argv, opts *o)
{
	static const struct option lo[] = { { "reason", 1, 0, 'r' }, { "note", 1, 0, 'n' }, { "methods", 1, 0, 'm' },
					    { "after", 1, 0, 'a' }, { "follow", 0, 0, 'f' }, { "linked", 0, 0, 'l' },
					    { 0, 0, 0, 0 } };
	int opt;
	memset(o, 0, sizeof *o);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'r': o->reason = optarg; break;
		case 'n': o->note = optarg; break;
		case 'm': o->methods = optarg; break;
		case 'a': o->after = strtoull(optarg, NULL, 10); break;
		case 'f': o->follow = true; break;
		case 'l': o->linked = true; break;
		default: return -1;
		}
	}
	return 0;
}

static bool entry_arg(const char *s, uint64_t *id)
{
	char *end;
	*id = strtoull(s, &end, 10);
	return *s && !*end;
}

/* act - one request to adjudicate; prints the outcome in words */
static int act(ctl *c, mw *w, const char *done)
{
	msg_in in;
	int rc = ctl_call(c, SVC_ADJUDICATE, w, NULL, &in);
	mw_free(w);
	if (rc)
		return 1;
	if (c->json) {
		ctl_print_json(in.root);
	} else {
		char state[24], date[16];
		printf(tr("%s: entry %llu is now %s"), tr(done), (unsigned long long)obj_u64(in.root, "entry"),
		       obj_cstr(in.root, "state", state, sizeof state));
		if (obj_get(in.root, "objection_end"))
			printf(tr("; the objection window ends %s"), obj_cstr(in.root, "objection_end", date, sizeof date));
		if (obj_get(in.root, "linked")) {
			const msgpack_object *l = obj_get(in.root, "linked");
			uint32_t n = l->type == MSGPACK_OBJECT_ARRAY ? l->via.array.size : 0;
			printf(n == 1 ? tr("; the same notice covered %u linked person's entry")
				      : tr("; the same notice covered %u linked persons' entries"), n);
			for (uint32_t i = 0; i < n; i++)
				printf("%s%llu", i ? ", " : " ", (unsigned long long)obj_u64(&l->via.array.ptr[i], "entry"));
		}
		if (obj_get(in.root, "decide_by"))
			printf(tr("; the department decides by %s"), obj_cstr(in.root, "decide_by", date, sizeof date));
		if (obj_bool(in.root, "suspended"))
			printf("%s", tr("; its punishments are suspended while the objection is verified"));
		printf("\n");
	}
	msg_in_free(&in);
	return 0;
}

static int usage(const char *u)
{
	fprintf(stderr, "%sjrpctl %s\n", tr("usage: "), u);
	return 2;
}

int ctl_entry_cmd(ctl *c, const char *cmd, int argc, char **argv)
{
	opts o;
	uint64_t id;
	mw w, json;

	if (strcmp(cmd, "publication") == 0) {
		jrp_client *cl;
		int rc = 0;
		if (parse(argc, argv, &o) < 0 || optind != argc)
			return usage("publication [--after N] [--follow]");
		cl = ctl_client(c, SVC_ADJUDICATE);
		do {
			msg_in in;
			const msgpack_object *rs;
			mw_init(&w);
			client_begin(cl, &w, T_PUBLICATION_FETCH, c->party);
			mw_ku64(&w, "after", o.after);
			if (o.follow)
				mw_ku64(&w, "wait_ms", 5000);
			rc = ctl_call(c, SVC_ADJUDICATE, &w, cl, &in);
			mw_free(&w);
			if (rc)
				break;
			rs = obj_get(in.root, "records");
			if (c->json)   /* the reply: one object a page */
				ctl_print_json(in.root);
			for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
				const msgpack_object *p = &rs->via.array.ptr[i], *s = obj_get(p, "subject");
				char b[9][1024];
				if (!c->json && (obj_str_eq(obj_get(p, "kind"), "record") || obj_str_eq(obj_get(p, "kind"), "record_end"))) {
					/* 双公示: a licence or penalty on the public feed, and its end (README "adjudicate") */
					bool end = obj_str_eq(obj_get(p, "kind"), "record_end");
					printf(end ? tr("#%llu record_end %s %s: %s %s, %s, published until %s (%s)\n")
						   : tr("#%llu record %s %s: %s %s, %s, published until %s%s\n"),
					       (unsigned long long)obj_u64(p, "seq"), obj_cstr(p, "record_kind", b[0], 1024),
					       obj_cstr(p, "record_id", b[1], 1024), obj_cstr(s, "name", b[2], 1024),
					       obj_cstr(s, "code", b[3], 1024), party_name(c, obj_cstr(p, "party", b[4], 1024)),
					       obj_cstr(p, "publish_until", b[5], 1024),
					       end ? obj_cstr(p, "reason", b[6], 1024) : (obj_bool(p, "late") ? tr(", reported late") : ""));
				} else if (!c->json) {
					printf(tr("#%llu %s %s: %s %s (%s), %s, valid %s to %s%s%s\n"), (unsigned long long)obj_u64(p, "seq"),
					       obj_cstr(p, "kind", b[0], 1024), obj_cstr(p, "list_name", b[1], 1024),
					       obj_cstr(s, "name", b[2], 1024), obj_cstr(s, "code", b[3], 1024),
					       obj_cstr(p, "standard_name", b[4], 1024), party_name(c, obj_cstr(p, "party", b[5], 1024)),
					       obj_cstr(p, "valid_from", b[6], 1024), obj_cstr(p, "valid_until", b[7], 1024),
					       obj_get(p, "exit_reason") ? ", " : "", obj_cstr(p, "exit_reason", b[8], 1024));
				}
				o.after = obj_u64(p, "seq");
			}
			msg_in_free(&in);
			fflush(stdout);
		} while (o.follow);
		client_free(&cl);
		return rc ? 1 : 0;
	}
	if (strcmp(cmd, "history") == 0) {
		/* an entry's whole history, page after page (entry.history) */
		jrp_client *cl;
		bool has_after;
		int rc = 0;
		uint32_t got;
		if (parse(argc, argv, &o) < 0 || optind != argc - 1 || !entry_arg(argv[optind], &id))
			return usage("history ENTRY [--after N]");
		has_after = o.after > 0;
		cl = ctl_client(c, SVC_ADJUDICATE);
		mw_init(&json);   /* --json: one object, {entry, history: every item} */
		mw_map(&json);
		mw_ku64(&json, "entry", id);
		mw_str(&json, "history");
		mw_arr(&json);
		do {
			msg_in in;
			const msgpack_object *h;
			mw_init(&w);
			client_begin(cl, &w, T_ENTRY_HISTORY, c->party);
			mw_ku64(&w, "entry", id);
			if (has_after)
				mw_ku64(&w, "after", o.after);
			mw_ku64(&w, "max", 1000);
			rc = ctl_call(c, SVC_ADJUDICATE, &w, cl, &in);
			mw_free(&w);
			if (rc)
				break;
			h = obj_get(in.root, "history");
			got = h ? h->via.array.size : 0;
			for (uint32_t i = 0; i < got; i++) {
				const msgpack_object *x = &h->via.array.ptr[i];
				char at[32], b[3][256];
				if (c->json) {
					mw_obj(&json, x);
				} else {
					ms_format(obj_i64(x, "at"), at, sizeof at);
					printf(tr("%5llu  %s  %-16s by %s%s%s\n"), (unsigned long long)obj_u64(x, "n"), at,
					       obj_cstr(x, "event", b[0], 256), party_name(c, obj_cstr(x, "by", b[1], 256)),
					       obj_get(x, "note") ? ": " : "", obj_cstr(x, "note", b[2], 256));
				}
				o.after = obj_u64(x, "n");
				has_after = true;
			}
			msg_in_free(&in);
		} while (got == 1000);
		mw_end(&json);
		mw_end(&json);
		if (c->json && rc == 0)
			ctl_print_mw(&json);
		mw_free(&json);
		client_free(&cl);
		return rc ? 1 : 0;
	}
	if (strcmp(cmd, "notice") == 0) {
		if (parse(argc, argv, &o) < 0 || optind != argc - 2 || !entry_arg(argv[optind], &id))
			return usage("notice ENTRY YYYY-MM-DD [--linked]");
		mw_init(&w);
		client_begin(NULL, &w, T_ENTRY_NOTICE, c->party);
		mw_ku64(&w, "entry", id);
		mw_kstr(&w, "notice_date", argv[optind + 1]);
		if (o.linked)
			mw_kbool(&w, "linked", true);
		return act(c, &w, N_("notice recorded"));
	}
	if (strcmp(cmd, "object") == 0) {
		if (parse(argc, argv, &o) < 0 || optind != argc - 1 || !entry_arg(argv[optind], &id) || !o.reason)
			return usage("object ENTRY --reason TEXT");
		mw_init(&w);
		client_begin(NULL, &w, T_OBJECTION_FILE, c->party);
		mw_ku64(&w, "entry", id);
		mw_kstr(&w, "reason", o.reason);
		return act(c, &w, N_("objection filed"));
	}
	if (strcmp(cmd, "decide-objection") == 0) {
		if (parse(argc, argv, &o) < 0 || optind != argc - 2 || !entry_arg(argv[optind], &id))
			return usage("decide-objection ENTRY upheld|wrong [--note TEXT]");
		mw_init(&w);
		client_begin(NULL, &w, T_OBJECTION_DECIDE, c->party);
		mw_ku64(&w, "entry", id);
		mw_kstr(&w, "outcome", argv[optind + 1]);
		if (o.note)
			mw_kstr(&w, "note", o.note);
		return act(c, &w, N_("objection decided"));
	}
	if (strcmp(cmd, "repair") == 0) {
		char *ms, *tok, *save = NULL;
		if (parse(argc, argv, &o) < 0 || optind != argc - 1 || !entry_arg(argv[optind], &id) || !o.methods)
			return usage("repair ENTRY --methods commitment,training,report,service [--note TEXT]");
		mw_init(&w);
		client_begin(NULL, &w, T_REPAIR_APPLY, c->party);
		mw_ku64(&w, "entry", id);
		mw_str(&w, "methods");
		mw_arr(&w);
		ms = strdup(o.methods);
		for (tok = strtok_r(ms, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
			mw_str(&w, tok);
		free(ms);
		mw_end(&w);
		if (o.note)
			mw_kstr(&w, "note", o.note);
		return act(c, &w, N_("repair application recorded"));
	}
	if (strcmp(cmd, "decide-repair") == 0) {
		if (parse(argc, argv, &o) < 0 || optind != argc - 2 || !entry_arg(argv[optind], &id) ||
		    (strcmp(argv[optind + 1], "approve") != 0 && strcmp(argv[optind + 1], "reject") != 0))
			return usage("decide-repair ENTRY approve|reject [--note TEXT]");
		mw_init(&w);
		client_begin(NULL, &w, T_REPAIR_DECIDE, c->party);
		mw_ku64(&w, "entry", id);
		mw_kbool(&w, "approved", strcmp(argv[optind + 1], "approve") == 0);
		if (o.note)
			mw_kstr(&w, "note", o.note);
		return act(c, &w, N_("repair decided"));
	}
	if (strcmp(cmd, "abuse") == 0) {
		if (parse(argc, argv, &o) < 0 || optind != argc - 1 || !entry_arg(argv[optind], &id) || !o.note)
			return usage("abuse ENTRY --note TEXT");
		mw_init(&w);
		client_begin(NULL, &w, T_REWARD_ABUSE, c->party);
		mw_ku64(&w, "entry", id);
		mw_kstr(&w, "note", o.note);
		return act(c, &w, N_("reward abuse recorded"));
	}
	return -1;
}

/* fetch_subject - one of the three views of a subject; 0 and *in filled, or 1 */
static int fetch_subject(ctl *c, int svc, const char *type, const char *code, msg_in *in)
{
	mw w;
	int rc;
	mw_init(&w);
	client_begin(NULL, &w, type, c->party);
	mw_kstr(&w, "subject", code);
	if (c->id_type)
		mw_kstr(&w, "id_type", c->id_type);
	if (c->as_of)
		mw_kstr(&w, "as_of_time", c->as_of);
	rc = ctl_call(c, svc, &w, NULL, in);
	mw_free(&w);
	return rc ? 1 : 0;
}

/* ctl_subject - the credit record: records (ingest), entries (adjudicate), tasks (feedback) */
int ctl_subject(ctl *c, const char *code)
{
	msg_in rec, ent, tsk;
	int rc = 0;
	if (fetch_subject(c, SVC_INGEST, T_RECORDS_GET, code, &rec))
		return 1;
	if (fetch_subject(c, SVC_ADJUDICATE, T_ENTRIES_GET, code, &ent)) {
		msg_in_free(&rec);
		return 1;
	}
	if (fetch_subject(c, SVC_FEEDBACK, T_TASKS_GET, code, &tsk)) {
		msg_in_free(&rec);
		msg_in_free(&ent);
		return 1;
	}
	if (c->json) {
		mw w;
		msg_in all;
		jrp_error e;
		mw_init(&w);
		mw_map(&w);
		mw_kstr(&w, "subject", code);
		mw_kobj(&w, "records", obj_get(rec.root, "records"));
		mw_kobj(&w, "entries", obj_get(ent.root, "entries"));
		if (c->as_of)
			mw_kobj(&w, "as_of_time", obj_get(ent.root, "as_of_time"));
		mw_kobj(&w, "tasks", obj_get(tsk.root, "tasks"));
		mw_end(&w);
		if (msg_parse(mw_data(&w), mw_len(&w), SIZE_MAX, &all, &e) == 0)
			ctl_print_json(all.root);
		else
			rc = 1;
		msg_in_free(&all);
		mw_free(&w);
	} else {
		if (c->as_of) {
			char t[40];
			ms_format(obj_i64(ent.root, "as_of_time"), t, sizeof t);
			printf(tr("as it was at %s (records that had come, entries as they were with their history up to then, tasks in the state they had):\n"), t);
		}
		print_records(c, rec.root);
		print_entries(c, ent.root);
		print_subject_tasks(c, tsk.root);
	}
	msg_in_free(&rec);
	msg_in_free(&ent);
	msg_in_free(&tsk);
	return rc;
}
