/*
 * jrpctl - the command line of jrp
 *
 *   jrpctl [-c CONFIG] [--as PARTY] [--key FILE] [--json] [--timeout MS] COMMAND [ARGS]
 *
 * Departments submit records; agencies check subjects, follow their task
 * streams and feed back; the office reads statistics; the operator starts,
 * stops and inspects the local deployment and validates catalogues.
 * A tcp:// daemon takes only CURVE clients: --key names the party's key pair
 * (jrpctl keys new), the daemon's public key is KEYS_DIR/<daemon>.pub.
 * Exit status: 0 done, 1 refused or failed (the reason is printed), 2 usage.
 */
#include "ctl.h"
#include "clock.h"
#include "conv.h"
#include "proto.h"
#include "util/i18n.h"
#include "util/xalloc.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- submit ---- */

static int submit_one(ctl *c, jrp_client *cl, const char *mp, size_t mplen, bool quiet, uint64_t *seq, bool *dup)
{
	mw w;
	msg_in in;
	int rc;
	mw_init(&w);
	client_begin(cl, &w, T_RECORD_SUBMIT, c->party);
	mw_str(&w, "record");
	mw_raw(&w, mp, mplen);
	rc = ctl_call(c, SVC_INGEST, &w, cl, &in);
	mw_free(&w);
	if (rc)
		return rc;
	*seq = obj_u64(in.root, "seq");
	*dup = obj_bool(in.root, "duplicate");
	if (!quiet) {
		if (c->json)
			ctl_print_json(in.root);
		else if (*dup)
			printf(tr("already accepted: this record id was committed before as event #%llu; nothing changed\n"),
			       (unsigned long long)*seq);
		else
			printf(tr("accepted and committed as event #%llu%s\n"), (unsigned long long)*seq,
			       obj_get(in.root, "late_workdays") ? tr(" (reported late: more than 7 working days after the decision)") : "");
	}
	msg_in_free(&in);
	return 0;
}

/* lines_json - submit --lines --json: the summary as one object; e: why the file stopped being read, if
 * it did (e->code set) */
static void lines_json(ctl_bulk *a, const char *file, const jrp_error *e)
{
	mw w;
	mw_init(&w);
	mw_map(&w);
	mw_kbool(&w, "ok", a->failed == 0 && a->inflight == 0 && !(e && e->code[0]));
	mw_kstr(&w, "file", file);
	mw_ku64(&w, "accepted", a->done - a->dups);
	mw_ku64(&w, "duplicates", a->dups);
	mw_ku64(&w, "refused", a->failed);
	if (a->inflight)   /* no reply within the timeout */
		mw_ku64(&w, "unanswered", a->inflight);
	mw_str(&w, "seconds");
	mw_double(&w, (double)(clock_real_ms() - a->t0) / 1000.0);
	mw_end(&a->refusals);
	mw_str(&w, "refusals");
	mw_raw(&w, mw_data(&a->refusals), mw_len(&a->refusals));
	if (e && e->code[0]) {   /* the file could not be read on from here: the lines before it were sent */
		mw_str(&w, "error");
		mw_map(&w);
		mw_kstr(&w, "code", e->code);
		mw_kstr(&w, "field", e->field);
		mw_kstr(&w, "message", e->message);
		mw_end(&w);
	}
	mw_end(&w);
	ctl_print_mw(&w);
	mw_free(&w);
}

static int cmd_submit(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "file", 1, 0, 'f' }, { "lines", 1, 0, 'l' }, { "record-id", 1, 0, 'r' }, { "kind", 1, 0, 'k' },
		{ "domain", 1, 0, 'd' }, { "subject-type", 1, 0, 't' }, { "id-type", 1, 0, 'i' }, { "code", 1, 0, 'C' },
		{ "name", 1, 0, 'n' }, { "decision-date", 1, 0, 'D' }, { "decision-no", 1, 0, 'N' },
		{ "violation", 1, 0, 'v' }, { "amount", 1, 0, 'a' }, { "rating", 1, 0, 'R' }, { "standard", 1, 0, 's' },
		{ "facts", 1, 0, 'F' }, { "basis", 1, 0, 'B' }, { "notice-date", 1, 0, 'O' }, { "notice-linked", 0, 0, 'L' },
		{ "final", 1, 0, 'Z' }, { "refers-to", 1, 0, 'T' }, { "base-amount", 1, 0, 'b' }, { "quantity", 1, 0, 'q' },
		{ "extension", 1, 0, 'x' }, { "publish-until", 1, 0, 'P' }, { "commitment", 1, 0, 'c' }, { "matter", 1, 0, 'm' },
		{ "due", 1, 0, 'u' }, { "content", 1, 0, 'X' }, { "order-date", 1, 0, 'o' }, { "order-due", 1, 0, 'e' },
		{ 0, 0, 0, 0 } };
	const char *file = NULL, *lines = NULL, *v[128] = { 0 };
	int opt;
	jrp_client *cl;
	int rc = 0;

	for (int i = 1; i < argc; i++)   /* a spreadsheet: csv.c */
		if (strcmp(argv[i], "--csv") == 0 || strncmp(argv[i], "--csv=", 6) == 0)
			return ctl_submit_csv(c, argc, argv);
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == '?')
			return 2;
		if (opt == 'f')
			file = optarg;
		else if (opt == 'l')
			lines = optarg;
		else
			v[opt] = opt == 'L' ? "true" : optarg;
	}
	if (v['L'] && !v['O']) {
		fprintf(stderr, "jrpctl: --notice-linked needs --notice-date\n");
		return 2;
	}
	if ((v['m'] || v['u'] || v['X']) && !v['c']) {
		fprintf(stderr, "jrpctl: --matter, --due and --content describe a --commitment\n");
		return 2;
	}
	if (v['Z'] && strcmp(v['Z'], "yes") != 0 && strcmp(v['Z'], "no") != 0) {
		fprintf(stderr, "jrpctl: --final is yes or no\n");
		return 2;
	}
	ctl_need_party(c);
	cl = ctl_client(c, SVC_INGEST);
	if (file || lines) {
		size_t len;
		char *text = ctl_read_file(file ? file : lines, &len);
		jrp_error e;
		jrp_error_clear(&e);
		if (file) {
			msgpack_sbuffer sb;
			uint64_t seq;
			bool dup;
			msgpack_sbuffer_init(&sb);
			if (conv_text_to_msgpack(text, len, &sb, &e) < 0) {
				if (c->json)
					ctl_fail(c, &e);
				else
					fprintf(stderr, "jrpctl: %s: %s: %s\n", file, e.field, e.message);
				rc = 1;
			} else {
				rc = submit_one(c, cl, sb.data, sb.size, false, &seq, &dup);
			}
			msgpack_sbuffer_destroy(&sb);
		} else {
			/* the bulk loader: every line through the real ingest path, pipelined (bulk.c) */
			ctl_bulk a;
			size_t total = 0;
			for (size_t i = 0; i < len; i++)
				total += text[i] == '\n';
			if (len && text[len - 1] != '\n')
				total++;
			bulk_init(&a, c, cl, total);
			if (conv_json_lines(text, len, bulk_send, &a, &e) < 0 && e.code[0]) {
				if (!c->json)
					fprintf(stderr, tr("\njrpctl: %s: %s: %s (the lines before it were sent)\n"), lines, e.field,
						e.message);
				rc = 1;
			}
			bulk_drain(&a);
			if (a.inflight || a.failed)
				rc = 1;
			if (c->json)
				lines_json(&a, lines, &e);
			else
				printf(tr("%zu records committed (%zu of them already accepted before), %zu refused, in %.1f s\n"),
				       a.done, a.dups, a.failed, (clock_real_ms() - a.t0) / 1000.0);
			bulk_free(&a);
		}
		free(text);
	} else {
		mw w;
		uint64_t seq;
		bool dup;
		static const struct { int opt; const char *key; } fields[] = {
			{ 'r', "record_id" }, { 'k', "kind" }, { 'd', "domain" }, { 'D', "decision_date" },
			{ 'N', "decision_no" }, { 'v', "violation" }, { 'R', "rating" }, { 's', "standard" },
			{ 'F', "facts" }, { 'B', "basis" }, { 'T', "refers_to" }, { 'x', "extension" },
			{ 'P', "publish_until" } };
		mw_init(&w);
		mw_map(&w);
		for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
			if (v[fields[i].opt])
				mw_kstr(&w, fields[i].key, v[fields[i].opt]);
		{
			static const struct { int opt; const char *key, *flag, *what; } nums[] = {
				{ 'a', "amount", "--amount", "a whole number of yuan" },
				{ 'b', "base_amount", "--base-amount", "a whole number of yuan" },
				{ 'q', "quantity", "--quantity", "a whole number" } };
			for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
				char *end;
				long long n;
				if (!v[nums[i].opt])
					continue;
				n = strtoll(v[nums[i].opt], &end, 10);
				if (*end || end == v[nums[i].opt]) {
					fprintf(stderr, "jrpctl: %s must be %s\n", nums[i].flag, nums[i].what);
					return 2;
				}
				mw_ki64(&w, nums[i].key, n);
			}
		}
		if (v['Z'])   /* the decision is final (or, in a finality record, was annulled) */
			mw_kbool(&w, "final", strcmp(v['Z'], "yes") == 0);
		if (v['O']) {
			/* the subject (and, with --notice-linked, its linked persons) was notified before */
			mw_str(&w, "notice");
			mw_map(&w);
			mw_kstr(&w, "date", v['O']);
			if (v['L'])
				mw_kbool(&w, "linked", true);
			mw_end(&w);
		}
		if (v['o'] || v['e']) {
			/* the order to correct or pay that went unmet (the daemon says what is missing) */
			mw_str(&w, "order");
			mw_map(&w);
			if (v['o'])
				mw_kstr(&w, "date", v['o']);
			if (v['e'])
				mw_kstr(&w, "due", v['e']);
			mw_end(&w);
		}
		if (v['c']) {
			/* a commitment: what was promised, in which matter, by when (the daemon says what is missing) */
			mw_str(&w, "commitment");
			mw_map(&w);
			mw_kstr(&w, "type", v['c']);
			if (v['m'])
				mw_kstr(&w, "matter", v['m']);
			if (v['u'])
				mw_kstr(&w, "due", v['u']);
			if (v['X'])
				mw_kstr(&w, "content", v['X']);
			mw_end(&w);
		}
		mw_str(&w, "subject");
		mw_map(&w);
		if (v['t'])
			mw_kstr(&w, "type", v['t']);
		if (v['i'])
			mw_kstr(&w, "id_type", v['i']);
		if (v['C'])
			mw_kstr(&w, "code", v['C']);
		if (v['n'])
			mw_kstr(&w, "name", v['n']);
		mw_end(&w);
		mw_end(&w);
		rc = submit_one(c, cl, mw_data(&w), mw_len(&w), false, &seq, &dup);
		mw_free(&w);
	}
	client_free(&cl);
	return rc ? 1 : 0;
}

/* ---- agencies ---- */

static int cmd_check(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "matter", 1, 0, 'm' }, { "id-type", 1, 0, 'i' }, { "as-of", 1, 0, 'a' },
					      { 0, 0, 0, 0 } };
	const char *matter = NULL, *id_type = NULL, *as_of = NULL;
	int opt;
	mw w;
	msg_in in;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'm')
			matter = optarg;
		else if (opt == 'i')
			id_type = optarg;
		else if (opt == 'a')
			as_of = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || !matter) {
		fprintf(stderr, "usage: jrpctl check CODE --matter KIND [--id-type hmt|foreign] [--as-of TIME]\n");
		return 2;
	}
	mw_init(&w);
	client_begin(NULL, &w, T_CHECK, ctl_need_party(c));
	mw_kstr(&w, "subject", argv[optind]);
	if (id_type)
		mw_kstr(&w, "id_type", id_type);
	mw_kstr(&w, "matter", matter);
	if (as_of)
		mw_kstr(&w, "as_of_time", as_of);
	if (ctl_send(c, SVC_DISPATCH, &w, &in))
		return 1;
	c->json ? ctl_print_json(in.root) : print_check(c, in.root);
	msg_in_free(&in);
	return 0;
}

/* ack - store the cursor; the reply printed as JSON with --json when json_reply (jrpctl ack; tasks --ack
 * prints the page it acknowledges) */
static int ack(ctl *c, jrp_client *cl, uint64_t upto, bool json_reply)
{
	mw w;
	msg_in in;
	int rc;
	mw_init(&w);
	client_begin(cl, &w, T_TASKS_ACK, c->party);
	mw_ku64(&w, "upto", upto);
	rc = ctl_call(c, SVC_DISPATCH, &w, cl, &in);
	mw_free(&w);
	if (rc == 0) {
		if (!c->json)
			printf(tr("acknowledged up to #%llu\n"), (unsigned long long)obj_u64(in.root, "acked"));
		else if (json_reply)
			ctl_print_json(in.root);
		msg_in_free(&in);
	}
	return rc;
}

static int cmd_tasks(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "after", 1, 0, 'a' }, { "max", 1, 0, 'm' }, { "ack", 0, 0, 'k' },
					      { "follow", 0, 0, 'f' }, { 0, 0, 0, 0 } };
	bool do_ack = false, follow = false, has_after = false;
	uint64_t after = 0, max = 100;
	int opt, rc = 0;
	jrp_client *cl;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': after = strtoull(optarg, NULL, 10); has_after = true; break;
		case 'm': max = strtoull(optarg, NULL, 10); break;
		case 'k': do_ack = true; break;
		case 'f': follow = true; break;
		default: return 2;
		}
	}
	ctl_need_party(c);
	cl = ctl_client(c, SVC_DISPATCH);
	do {
		mw w;
		msg_in in;
		const msgpack_object *ts;
		uint64_t cursor;
		mw_init(&w);
		client_begin(cl, &w, T_TASKS_FETCH, c->party);
		if (has_after)
			mw_ku64(&w, "after", after);
		mw_ku64(&w, "max", max);
		if (follow)
			mw_ku64(&w, "wait_ms", 5000);
		rc = ctl_call(c, SVC_DISPATCH, &w, cl, &in);
		mw_free(&w);
		if (rc)
			break;
		ts = obj_get(in.root, "tasks");
		cursor = obj_u64(in.root, "cursor");
		if (c->json) {
			ctl_print_json(in.root);
		} else {
			if (!follow && ts->via.array.size == 0)
				printf(tr("no new tasks for %s after #%llu\n"), c->party ? party_name(c, c->party) : tr("you"),
				       (unsigned long long)cursor);
			for (uint32_t i = 0; i < ts->via.array.size; i++)
				print_task(c, &ts->via.array.ptr[i]);
		}
		if (do_ack && ts->via.array.size > 0 && (rc = ack(c, cl, cursor, false)) != 0) {
			msg_in_free(&in);
			break;
		}
		after = cursor;
		has_after = true;
		msg_in_free(&in);
		fflush(stdout);
	} while (follow);
	client_free(&cl);
	return rc ? 1 : 0;
}

static int cmd_ack(ctl *c, int argc, char **argv)
{
	jrp_client *cl;
	int rc;
	if (argc != 2) {
		fprintf(stderr, "usage: jrpctl ack SEQ\n");
		return 2;
	}
	ctl_need_party(c);
	cl = ctl_client(c, SVC_DISPATCH);
	rc = ack(c, cl, strtoull(argv[1], NULL, 10), true);
	client_free(&cl);
	return rc ? 1 : 0;
}

static int cmd_feedback(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "matter-id", 1, 0, 'm' }, { "date", 1, 0, 'd' }, { "note", 1, 0, 'n' },
					      { "case", 0, 0, 'c' }, { 0, 0, 0, 0 } };
	const char *matter = NULL, *date = NULL, *note = NULL;
	bool is_case = false;
	int opt, rc;
	char *end;
	uint64_t task;
	mw w;
	msg_in in;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': matter = optarg; break;
		case 'd': date = optarg; break;
		case 'n': note = optarg; break;
		case 'c': is_case = true; break;
		default: return 2;
		}
	}
	if (optind != argc - 2) {
		fprintf(stderr, "usage: jrpctl feedback TASK applied|not_applicable|failed [--matter-id ID] [--date D] [--note TEXT] [--case]\n");
		return 2;
	}
	task = strtoull(argv[optind], &end, 10);
	if (*end) {
		fprintf(stderr, "jrpctl: TASK must be a task number\n");
		return 2;
	}
	mw_init(&w);
	client_begin(NULL, &w, T_FEEDBACK_SUBMIT, ctl_need_party(c));
	mw_ku64(&w, "task", task);
	mw_kstr(&w, "result", argv[optind + 1]);
	if (matter)
		mw_kstr(&w, "matter_id", matter);
	if (date)
		mw_kstr(&w, "date", date);
	if (note)
		mw_kstr(&w, "note", note);
	if (is_case)
		mw_kbool(&w, "case", true);
	rc = ctl_call(c, SVC_FEEDBACK, &w, NULL, &in);
	mw_free(&w);
	if (rc)
		return 1;
	if (c->json)
		ctl_print_json(in.root);
	else
		printf(obj_bool(in.root, "duplicate") ? tr("feedback was already recorded: task %llu %s\n")
						      : tr("feedback recorded: task %llu %s\n"),
		       (unsigned long long)task, argv[optind + 1]);
	msg_in_free(&in);
	return 0;
}

/* ---- office and operator ---- */

/* cmd_stats - feedback's statistics, and what each daemon kept unapplied (their status) */
/* stats - the office's figures: feedback's (lists, tasks, feedback, overdue, durations, by agency
 * and department) and ingest's (records reported, late); --from/--to: what happened in a period */
static int stats_call(ctl *c, int svc, const char *from, const char *to, void (*print)(ctl *, const msgpack_object *),
		      mw *json)
{
	mw w;
	msg_in in;
	int rc;
	mw_init(&w);
	client_begin(NULL, &w, T_STATS_GET, c->party ? c->party : "office");
	if (from)
		mw_kstr(&w, "from", from);
	if (to)
		mw_kstr(&w, "to", to);
	rc = ctl_call(c, svc, &w, NULL, &in);
	mw_free(&w);
	if (rc)
		return 1;
	if (json)   /* --json: one object for the whole command */
		mw_kobj(json, svc_names[svc], in.root);
	else
		print(c, in.root);
	msg_in_free(&in);
	return 0;
}

static int cmd_stats(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "from", 1, 0, 'f' }, { "to", 1, 0, 't' }, { "daily", 0, 0, 'd' },
					      { 0, 0, 0, 0 } };
	const char *from = NULL, *to = NULL;
	bool daily = false;
	int opt, rc;
	mw json;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'f')
			from = optarg;
		else if (opt == 't')
			to = optarg;
		else if (opt == 'd')
			daily = true;
		else
			return 2;
	}
	if (!from != !to || (daily && !from)) {
		fprintf(stderr, "jrpctl: %s both --from and --to\n", daily ? "--daily needs" : "a period needs");
		return 2;
	}
	if (daily) {
		/* feedback's figures day by day: one row a day (README feedback, stats.daily) */
		mw w;
		msg_in in;
		mw_init(&w);
		client_begin(NULL, &w, T_STATS_DAILY, c->party ? c->party : "office");
		mw_kstr(&w, "from", from);
		mw_kstr(&w, "to", to);
		if (ctl_send(c, SVC_FEEDBACK, &w, &in) != 0)
			return 1;
		c->json ? ctl_print_json(in.root) : print_daily(c, in.root);
		msg_in_free(&in);
		return 0;
	}
	if (c->json) {
		mw_init(&json);
		mw_map(&json);
	}
	rc = stats_call(c, SVC_FEEDBACK, from, to, print_stats, c->json ? &json : NULL);
	if (rc == 0)
		rc = stats_call(c, SVC_INGEST, from, to, print_report_stats, c->json ? &json : NULL);
	if (rc == 0) {
		char line[256], red[300], n[3][24];
		int64_t total = 0;
		if (c->json) {
			mw_str(&json, "rejected");   /* what each daemon keeps unapplied (status), null if it does not answer */
			mw_map(&json);
		}
		for (int s = SVC_ADJUDICATE; s < SVC__N; s++) {
			int64_t v = ctl_status_u64(c, s, "rejected");
			if (c->json) {
				mw_str(&json, svc_names[s]);
				v < 0 ? mw_nil(&json) : mw_u64(&json, (uint64_t)v);
			}
			if (v < 0)
				snprintf(n[s - SVC_ADJUDICATE], sizeof n[0], "?");
			else
				snprintf(n[s - SVC_ADJUDICATE], sizeof n[0], "%lld", (long long)v);
			total += v > 0 ? v : 0;
		}
		if (c->json) {
			mw_end(&json);
			mw_end(&json);
			ctl_print_mw(&json);
		} else {
			snprintf(line, sizeof line, tr("  records kept unapplied (jrpctl rejected list): adjudicate %s, dispatch %s, feedback %s"),
				 n[0], n[1], n[2]);
			printf("%s\n", total ? ctl_red(line, red, sizeof red) : line);
		}
	}
	if (c->json)
		mw_free(&json);
	return rc;
}

/* overdue - overdue.list, every page: the office's whole list, or a party's (its own for an agency
 * or a department) */
static int cmd_overdue(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "party", 1, 0, 'p' }, { 0, 0, 0, 0 } };
	const char *party = NULL;
	char after[160] = "";
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'p')
			party = optarg;
		else
			return 2;
	}
	ctl_need_party(c);
	do {
		mw w;
		msg_in in;
		mw_init(&w);
		client_begin(NULL, &w, T_OVERDUE_LIST, c->party);
		if (party)
			mw_kstr(&w, "of", party);
		if (after[0])
			mw_kstr(&w, "after", after);
		mw_ku64(&w, "max", 1000);
		if (ctl_call(c, SVC_FEEDBACK, &w, NULL, &in) != 0) {
			mw_free(&w);
			return 1;
		}
		mw_free(&w);
		c->json ? ctl_print_json(in.root) : print_overdue(c, in.root);
		obj_cstr(in.root, "next", after, sizeof after);
		if (!obj_get(in.root, "next"))
			after[0] = 0;
		msg_in_free(&in);
	} while (after[0]);
	return 0;
}

/* commitments - commitment.list, every page: the office's whole list (or one party's), a department's
 * own; --state: one state only */
static int cmd_commitments(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "party", 1, 0, 'p' }, { "state", 1, 0, 's' }, { 0, 0, 0, 0 } };
	const char *party = NULL, *state = NULL;
	char after[160] = "";
	bool first = true;
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'p')
			party = optarg;
		else if (opt == 's')
			state = optarg;
		else
			return 2;
	}
	ctl_need_party(c);
	do {
		mw w;
		msg_in in;
		mw_init(&w);
		client_begin(NULL, &w, T_COMMITMENT_LIST, c->party);
		if (state)
			mw_kstr(&w, "state", state);
		if (party)
			mw_kstr(&w, "of", party);
		if (after[0])
			mw_kstr(&w, "after", after);
		mw_ku64(&w, "max", 1000);
		if (ctl_send(c, SVC_INGEST, &w, &in) != 0)
			return 1;
		c->json ? ctl_print_json(in.root) : print_commitments(c, in.root, first);
		first = false;
		obj_cstr(in.root, "next", after, sizeof after);
		if (!obj_get(in.root, "next"))
			after[0] = 0;
		msg_in_free(&in);
	} while (after[0]);
	return 0;
}

/* reload_every - one reload request to every daemon, downstream first; each reply printed (with --json:
 * one object, each daemon's reply or error by its name); 1 if any daemon kept what it had */
static int reload_every(ctl *c, const char *type, const char *kept,
			void (*print)(ctl *c, int s, const msgpack_object *root))
{
	int rc = 0;
	mw json;
	mw_init(&json);
	mw_map(&json);
	for (int s = SVC__N - 1; s >= 0; s--) {
		mw w;
		msg_in in;
		jrp_error e;
		int r;
		mw_init(&w);
		client_begin(NULL, &w, type, c->party ? c->party : "office");
		r = c->json ? ctl_call_quiet(c, s, &w, &in, &e) : ctl_call(c, s, &w, NULL, &in);
		mw_free(&w);
		if (c->json)
			ctl_mw_reply(&json, svc_names[s], r, &in, &e);
		if (r != 0) {
			if (!c->json)
				fprintf(stderr, tr("jrpctl: jrp-%s kept %s\n"), svc_names[s], tr(kept));
			rc = 1;
			continue;
		}
		if (!c->json)
			print(c, s, in.root);
		msg_in_free(&in);
	}
	mw_end(&json);
	if (c->json)
		ctl_print_mw(&json);
	mw_free(&json);
	return rc;
}

/* rules_reload - put the configured rules directory in force in every daemon, downstream
 * first (dispatch must know the new measures before adjudicate's re-evaluation reaches it) */
static void print_rules_reload(ctl *c, int s, const msgpack_object *root)
{
	char from[40], to[40];
	const msgpack_object *ch = obj_get(root, "changed");
	printf(tr("jrp-%s: catalogue %s in force (was %s)\n"), svc_names[s],
	       obj_cstr(root, "catalog_version", to, sizeof to),
	       obj_cstr(root, "previous_version", from, sizeof from));
	for (uint32_t i = 0; ch && i < ch->via.array.size; i++) {
		char std[80], subj[40], why[40];
		const msgpack_object *x = &ch->via.array.ptr[i];
		printf(tr("  entry %llu (%s, %s) no longer fits: %s — it exits\n"), (unsigned long long)obj_u64(x, "entry"),
		       obj_cstr(x, "subject", subj, sizeof subj), obj_cstr(x, "standard", std, sizeof std),
		       obj_cstr(x, "reason", why, sizeof why));
	}
	ch = obj_get(root, "moved");
	if (obj_u64(root, "moved_total"))
		printf(tr("  %llu deadline%s counted again with the new calendar:\n"),
		       (unsigned long long)obj_u64(root, "moved_total"), obj_u64(root, "moved_total") == 1 || i18n_zh() ? "" : "s");
	for (uint32_t i = 0; ch && i < ch->via.array.size; i++) {
		char what[40], d1[16], d2[16], who[40];
		const msgpack_object *x = &ch->via.array.ptr[i];
		if (obj_get(x, "task"))
			printf(tr("    task %llu (%s): feedback due %s, was %s\n"), (unsigned long long)obj_u64(x, "task"),
			       obj_cstr(x, "party", who, sizeof who), obj_cstr(x, "to", d2, sizeof d2),
			       obj_cstr(x, "from", d1, sizeof d1));
		else
			printf(tr("    entry %llu: %s %s, was %s\n"), (unsigned long long)obj_u64(x, "entry"),
			       obj_cstr(x, "deadline", what, sizeof what), obj_cstr(x, "to", d2, sizeof d2),
			       obj_cstr(x, "from", d1, sizeof d1));
	}
	if (obj_get(root, "reconcile"))
		printf("%s", tr("  the entries in force follow the new measures in the background (jrpctl status shows how far)\n"));
}

static int rules_reload(ctl *c)
{
	return reload_every(c, T_CATALOG_RELOAD, N_("its catalogue"), print_rules_reload);
}

/* rules_diff - what the catalogue in dir would change if it were put in force: adjudicate names the
 * entries that would exit, dispatch the tasks that would be pushed and stopped per agency; nothing
 * changes. dir goes to the daemons as an absolute path (they read it themselves). */
static int rules_diff(ctl *c, const char *dir)
{
	char abs[PATH_MAX], b[6][256];
	msg_in in;
	mw w, json;
	if (!realpath(dir, abs)) {
		jrp_error e;
		jrp_fail(&e, JRP_ERR_NOT_FOUND, dir, "%s", strerror(errno));
		return ctl_fail(c, &e);
	}
	mw_init(&w);
	client_begin(NULL, &w, T_CATALOG_DIFF, c->party ? c->party : "office");
	mw_kstr(&w, "dir", abs);
	if (ctl_call(c, SVC_ADJUDICATE, &w, NULL, &in) != 0) {
		mw_free(&w);
		return 1;
	}
	mw_init(&json);   /* --json: one object, {adjudicate, dispatch} */
	mw_map(&json);
	if (c->json) {
		mw_kobj(&json, "adjudicate", in.root);
	} else {
		const msgpack_object *x = obj_get(in.root, "exits");
		printf(tr("catalogue %s in %s, against %s in force (nothing changes until jrpctl rules reload):\n"),
		       obj_cstr(in.root, "candidate_version", b[0], 256), abs, obj_cstr(in.root, "catalog_version", b[1], 256));
		printf(obj_u64(in.root, "exits_total") == 1 ? tr("jrp-adjudicate: %llu entry would exit\n")
							     : tr("jrp-adjudicate: %llu entries would exit\n"),
		       (unsigned long long)obj_u64(in.root, "exits_total"));
		for (uint32_t i = 0; x && i < x->via.array.size; i++) {
			const msgpack_object *y = &x->via.array.ptr[i];
			printf(tr("  entry %llu (%s, %s): %s\n"), (unsigned long long)obj_u64(y, "entry"), obj_cstr(y, "subject", b[2], 256),
			       obj_cstr(y, "standard", b[3], 256), obj_cstr(y, "reason", b[4], 256));
		}
	}
	msg_in_free(&in);
	mw_free(&w);
	mw_init(&w);   /* a call closes the request it sends: a new one for dispatch */
	client_begin(NULL, &w, T_CATALOG_DIFF, c->party ? c->party : "office");
	mw_kstr(&w, "dir", abs);
	if (ctl_call(c, SVC_DISPATCH, &w, NULL, &in) != 0) {
		mw_free(&w);
		mw_free(&json);
		return 1;
	}
	mw_free(&w);
	if (c->json) {
		mw_kobj(&json, "dispatch", in.root);
		mw_end(&json);
		ctl_print_mw(&json);
	} else {
		const msgpack_object *ag = obj_get(in.root, "agencies"), *f = obj_get(in.root, "first");
		printf(tr("jrp-dispatch: of %llu entries in force, %llu tasks would be pushed (apply) and %llu stopped\n"),
		       (unsigned long long)obj_u64(in.root, "entries_in_force"), (unsigned long long)obj_u64(in.root, "apply_total"),
		       (unsigned long long)obj_u64(in.root, "stop_total"));
		for (uint32_t i = 0; ag && i < ag->via.array.size; i++) {
			const msgpack_object *y = &ag->via.array.ptr[i];
			printf(tr("  %-20s %s: apply %llu, stop %llu\n"), obj_cstr(y, "agency", b[0], 256),
			       party_name(c, b[0]), (unsigned long long)obj_u64(y, "apply"), (unsigned long long)obj_u64(y, "stop"));
		}
		if (f && f->via.array.size)
			printf(tr("  the first %u:\n"), f->via.array.size);
		for (uint32_t i = 0; f && i < f->via.array.size; i++) {
			const msgpack_object *y = &f->via.array.ptr[i];
			printf(tr("    %s %s → %s for entry %llu (%s, %s)%s%s\n"), obj_cstr(y, "action", b[0], 256),
			       obj_cstr(y, "measure", b[1], 256), obj_cstr(y, "agency", b[2], 256),
			       (unsigned long long)obj_u64(y, "entry"), obj_cstr(y, "subject", b[3], 256), obj_cstr(y, "list", b[4], 256),
			       obj_get(y, "reason") ? tr(", the entry exits: ") : "", obj_cstr(y, "reason", b[5], 256));
		}
	}
	mw_free(&json);
	msg_in_free(&in);
	return 0;
}

static int cmd_rules(ctl *c, int argc, char **argv)
{
	jrp_catalog *cat = NULL;
	jrp_error e;
	const char *dir;
	if (argc == 2 && strcmp(argv[1], "reload") == 0)
		return rules_reload(c);
	if (argc == 3 && strcmp(argv[1], "diff") == 0)
		return rules_diff(c, argv[2]);
	if (argc < 2 || strcmp(argv[1], "check") != 0 || argc > 3) {
		fprintf(stderr, "usage: jrpctl rules check [DIR] | jrpctl rules diff DIR | jrpctl rules reload\n");
		return 2;
	}
	dir = argc == 3 ? argv[2] : c->cfg->rules_dir;
	jrp_error_clear(&e);
	if (catalog_load(dir, c->parties, &cat, &e) < 0)
		return ctl_fail(c, &e);
	if (c->json) {
		mw w;
		char y[8];
		mw_init(&w);
		mw_map(&w);
		mw_kbool(&w, "ok", true);
		mw_kstr(&w, "dir", dir);
		mw_kstr(&w, "catalog_version", cat->version);
		mw_ku64(&w, "domains", cat->ndomains);
		mw_ku64(&w, "matters", cat->nmatters);
		mw_ku64(&w, "standards", cat->nstandards);
		mw_ku64(&w, "measures", cat->nmeasures);
		mw_str(&w, "calendar");
		mw_map(&w);
		for (int i = 2025; i <= 2027; i++) {
			snprintf(y, sizeof y, "%d", i);
			mw_kstr(&w, y, calendar_year_status(cat->cal, i));
		}
		mw_end(&w);
		mw_end(&w);
		ctl_print_mw(&w);
		mw_free(&w);
	} else {
		printf(tr("catalogue %s in %s is valid: %zu domains, %zu matter kinds, %zu standards, %zu measures\n"),
		       cat->version, dir, cat->ndomains, cat->nmatters, cat->nstandards, cat->nmeasures);
		for (int y = 2025; y <= 2027; y++)
			printf(tr("  calendar %d: %s\n"), y, calendar_year_status(cat->cal, y));
	}
	int rc = ctl_csv_rules_check(c, dir, cat);   /* the spreadsheet mappings beside it, rules/csv/ */
	catalog_free(&cat);
	return rc;
}

/* parties_reload - put the configured parties file in force in every daemon (a new agency, a new
 * department domain, a rotated key) without a restart; each validates it and says what changed */
static void print_parties_reload(ctl *c, int s, const msgpack_object *root)
{
	static const char *const what[] = { N_("added"), N_("removed"), N_("changed") };
	printf(tr("jrp-%s: %llu parties in force"), svc_names[s], (unsigned long long)obj_u64(root, "parties"));
	for (int k = 0; k < 3; k++) {
		const msgpack_object *a = obj_get(root, what[k]);
		for (uint32_t i = 0; a && a->type == MSGPACK_OBJECT_ARRAY && i < a->via.array.size; i++)
			printf("%s %.*s", i ? "," : k ? "; " : ": ", (int)a->via.array.ptr[i].via.str.size,
			       a->via.array.ptr[i].via.str.ptr);
		if (a && a->type == MSGPACK_OBJECT_ARRAY && a->via.array.size)
			printf(" %s", tr(what[k]));
	}
	printf("\n");
}

static int parties_reload(ctl *c)
{
	return reload_every(c, T_PARTIES_RELOAD, N_("its parties registry"), print_parties_reload);
}

/* cmd_parties - check a parties file against the configured catalogue, or reload it everywhere */
static int cmd_parties(ctl *c, int argc, char **argv)
{
	jrp_parties *p = NULL;
	jrp_catalog *cat = NULL;
	jrp_error e;
	const char *path;
	int rc = 0;
	if (argc == 2 && strcmp(argv[1], "reload") == 0)
		return parties_reload(c);
	if (argc < 2 || strcmp(argv[1], "check") != 0 || argc > 3) {
		fprintf(stderr, "usage: jrpctl parties check [FILE] | jrpctl parties reload\n");
		return 2;
	}
	path = argc == 3 ? argv[2] : c->cfg->parties_path;
	jrp_error_clear(&e);
	if (parties_load(path, &p, &e) < 0 || catalog_load(c->cfg->rules_dir, p, &cat, &e) < 0 ||
	    catalog_check_parties(cat, p, &e) < 0) {
		rc = ctl_fail(c, &e);
	} else if (c->json) {
		mw w;
		mw_init(&w);
		mw_map(&w);
		mw_kbool(&w, "ok", true);
		mw_kstr(&w, "path", path);
		mw_ku64(&w, "parties", p->n);
		mw_kstr(&w, "catalog_version", cat->version);
		mw_end(&w);
		ctl_print_mw(&w);
		mw_free(&w);
	} else {
		printf(tr("parties registry %s is valid: %zu parties, fits catalogue %s\n"), path, p->n, cat->version);
	}
	catalog_free(&cat);
	parties_free(&p);
	return rc;
}

static int cmd_clock(ctl *c, int argc, char **argv)
{
	int rc = 0;
	mw json;
	if (argc != 3 || strcmp(argv[1], "set") != 0) {
		fprintf(stderr, "usage: jrpctl clock set YYYY-MM-DD[THH:MM:SS+08:00]\n");
		return 2;
	}
	mw_init(&json);   /* --json: one object, each daemon's reply by name */
	mw_map(&json);
	/* downstream first: a daemon must have the new time before its upstream
	 * produces the changes that the new time causes (jrp-exchange, when configured, is the furthest down) */
	for (int s = SVC__ALL - 1; s >= 0; s--) {
		mw w;
		msg_in in;
		jrp_error e;
		int r;
		if (s == SVC_EXCHANGE && !c->cfg->xc.enabled)
			continue;
		mw_init(&w);
		client_begin(NULL, &w, T_CLOCK_SET, NULL);
		mw_kstr(&w, "now", argv[2]);
		r = c->json ? ctl_call_quiet(c, s, &w, &in, &e) : ctl_call(c, s, &w, NULL, &in);
		if (c->json)
			ctl_mw_reply(&json, svc_names[s], r, &in, &e);
		if (r == 0) {
			if (s == 0 && !c->json && rc == 0) {
				char now[40];
				printf(tr("test clock of every daemon set to %s\n"), obj_cstr(in.root, "now", now, sizeof now));
			}
			msg_in_free(&in);
		} else {
			rc = 1;
		}
		mw_free(&w);
	}
	mw_end(&json);
	if (c->json)
		ctl_print_mw(&json);
	mw_free(&json);
	return rc;
}

static int cmd_call(ctl *c, int argc, char **argv)
{
	size_t len;
	char *text;
	msgpack_sbuffer sb;
	jrp_error e;
	int svc = -1, rc;
	jrp_client *cl;
	msg_in in;
	if (argc != 3) {
		fprintf(stderr, "usage: jrpctl call SERVICE FILE   (SERVICE: ingest adjudicate dispatch feedback)\n");
		return 2;
	}
	for (int s = 0; s < SVC__N; s++)
		if (strcmp(argv[1], svc_names[s]) == 0)
			svc = s;
	if (svc < 0) {
		fprintf(stderr, "jrpctl: unknown service %s\n", argv[1]);
		return 2;
	}
	text = ctl_read_file(argv[2], &len);
	msgpack_sbuffer_init(&sb);
	if (conv_text_to_msgpack(text, len, &sb, &e) < 0) {
		fprintf(stderr, "jrpctl: %s: %s: %s\n", argv[2], e.field, e.message);
		free(text);
		msgpack_sbuffer_destroy(&sb);
		return 1;
	}
	cl = ctl_client(c, svc);
	rc = client_send_raw(cl, sb.data, sb.size, c->timeout_ms, &in, &e);
	if (rc == 0 || rc == JRP_EREPLY) {
		ctl_print_json(in.root);
		msg_in_free(&in);
	} else {
		ctl_print_error(&e);
	}
	client_free(&cl);
	free(text);
	msgpack_sbuffer_destroy(&sb);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = { { "config", 1, 0, 'c' }, { "as", 1, 0, 'a' }, { "json", 0, 0, 'j' },
					      { "timeout", 1, 0, 't' }, { "key", 1, 0, 'k' }, { "help", 0, 0, 'h' },
					      { "version", 0, 0, 'V' }, { 0, 0, 0, 0 } };
	ctl c = { 0 };
	const char *cmd;
	int opt, rc;
	bool help = false, version = false;

	i18n_add(ctl_zh);
	c.config_path = config_default_path();
	c.party = getenv("JRP_PARTY");
	c.key_path = getenv("JRP_KEY") && *getenv("JRP_KEY") ? getenv("JRP_KEY") : NULL;
	c.timeout_ms = 10000;
	while ((opt = getopt_long(argc, argv, "+c:a:jt:k:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': c.config_path = optarg; break;
		case 'k': c.key_path = optarg; break;
		case 'a': c.party = optarg; break;
		case 'j': c.json = true; break;
		case 't': c.timeout_ms = atoi(optarg) > 0 ? atoi(optarg) : 10000; break;
		case 'h': help = true; break;
		case 'V': version = true; break;
		default: ctl_usage(stderr); return 2;
		}
	}
	if (version) {
		if (c.json)
			printf("{\n  \"program\": \"jrpctl\",\n  \"package\": \"jrp\",\n  \"version\": \"%s\"\n}\n", JRP_VERSION);
		else
			printf("jrpctl (jrp) %s\n", JRP_VERSION);
		return 0;
	}
	if (help)   /* jrpctl --help [COMMAND] */
		return ctl_help(&c, argc - optind, argv + optind);
	if (optind >= argc) {
		ctl_usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	/* help needs no configuration: jrpctl help [COMMAND], jrpctl COMMAND ... --help */
	if (ctl_wants_help(argc, argv))
		return ctl_help(&c, argc, argv);
	if (strcmp(cmd, "help") == 0)
		return ctl_help(&c, argc - 1, argv + 1);
	if (strcmp(cmd, "tokens") == 0)
		return ctl_tokens(&c, argc, argv);
	if (strcmp(cmd, "keys") == 0) {
		rc = ctl_keys(&c, argc, argv);   /* needs no daemon, parties or catalogue */
		config_free(&c.cfg);
		return rc;
	}
	ctl_load(&c, strcmp(cmd, "rules") != 0 && strcmp(cmd, "config") != 0 && strcmp(cmd, "parties") != 0);
	if (strcmp(cmd, "submit") == 0)
		rc = cmd_submit(&c, argc, argv);
	else if (strcmp(cmd, "check") == 0)
		rc = cmd_check(&c, argc, argv);
	else if (strcmp(cmd, "tasks") == 0)
		rc = cmd_tasks(&c, argc, argv);
	else if (strcmp(cmd, "ack") == 0)
		rc = cmd_ack(&c, argc, argv);
	else if (strcmp(cmd, "feedback") == 0)
		rc = cmd_feedback(&c, argc, argv);
	else if (strcmp(cmd, "stats") == 0)
		rc = cmd_stats(&c, argc, argv);
	else if (strcmp(cmd, "overdue") == 0)
		rc = cmd_overdue(&c, argc, argv);
	else if (strcmp(cmd, "exchange") == 0)
		rc = ctl_exchange(&c, argc, argv);
	else if (strcmp(cmd, "commitments") == 0)
		rc = cmd_commitments(&c, argc, argv);
	else if (strcmp(cmd, "subject") == 0 && argc >= 2 && argc % 2 == 0) {
		/* subject CODE [--id-type T] [--as-of TIME] */
		rc = 0;
		for (int i = 2; i + 1 < argc; i += 2) {
			if (strcmp(argv[i], "--id-type") == 0)
				c.id_type = argv[i + 1];
			else if (strcmp(argv[i], "--as-of") == 0)
				c.as_of = argv[i + 1];
			else
				rc = 2;
		}
		if (rc == 2)
			fprintf(stderr, "usage: jrpctl subject CODE [--id-type hmt|foreign] [--as-of TIME]\n");
		else
			rc = ctl_subject(&c, argv[1]);
	}
	else if (strcmp(cmd, "up") == 0)
		rc = ctl_up(&c, argc, argv);
	else if (strcmp(cmd, "down") == 0)
		rc = ctl_down(&c, argc, argv);
	else if (strcmp(cmd, "status") == 0)
		rc = ctl_status(&c, argc, argv);
	else if (strcmp(cmd, "sync") == 0)
		rc = ctl_sync(&c, argc, argv);
	else if (strcmp(cmd, "rules") == 0)
		rc = cmd_rules(&c, argc, argv);
	else if (strcmp(cmd, "parties") == 0)
		rc = cmd_parties(&c, argc, argv);
	else if (strcmp(cmd, "backup") == 0)
		rc = ctl_backup(&c, argc, argv);
	else if (strcmp(cmd, "restore") == 0)
		rc = ctl_restore(&c, argc, argv);
	else if (strcmp(cmd, "config") == 0 && argc == 2 && strcmp(argv[1], "check") == 0) {
		jrp_error e;
		jrp_catalog *cat = NULL;
		jrp_error_clear(&e);
		if (catalog_load(c.cfg->rules_dir, c.parties, &cat, &e) < 0) {
			rc = ctl_fail(&c, &e);
		} else {
			if (c.json) {
				mw w;
				mw_init(&w);
				mw_map(&w);
				mw_kbool(&w, "ok", true);
				mw_kstr(&w, "config", c.cfg->path);
				mw_kstr(&w, "catalog_version", cat->version);
				mw_ku64(&w, "parties", c.parties->n);
				mw_end(&w);
				ctl_print_mw(&w);
				mw_free(&w);
			} else {
				printf(tr("configuration OK: %s (catalogue %s, %zu parties)\n"), c.cfg->path, cat->version,
				       c.parties->n);
			}
			catalog_free(&cat);
			rc = 0;
		}
	} else if (strcmp(cmd, "clock") == 0)
		rc = cmd_clock(&c, argc, argv);
	else if (strcmp(cmd, "call") == 0)
		rc = cmd_call(&c, argc, argv);
	else if (strcmp(cmd, "rejected") == 0)
		rc = ctl_rejected(&c, argc, argv);
	else if (strcmp(cmd, "audit") == 0)
		rc = ctl_audit(&c, argc, argv);
	else if ((rc = ctl_entry_cmd(&c, cmd, argc, argv)) < 0 && (rc = ctl_usage_of(cmd)) < 0) {
		fprintf(stderr, tr("jrpctl: unknown command \"%s\"\n"), cmd);
		ctl_usage(stderr);
		rc = 3;
	}
	if (rc == 2)   /* a usage error of a command: what it printed, and where its help is */
		fprintf(stderr, tr("jrpctl: see jrpctl %s --help\n"), cmd);
	else if (rc == 3)
		rc = 2;
	catalog_free(&c.cat);
	parties_free(&c.parties);
	config_free(&c.cfg);
	memset(c.sec, 0, sizeof c.sec);
	return rc;
}
