/*
 * audit.c - jrpctl audit: who changed what, when, and from which record
 *
 *   audit --subject CODE [--from TIME] [--to TIME]
 *       the subject's records (ingest records.get), the whole history of its
 *       entries (adjudicate entries.get) and its tasks with their feedback
 *       (feedback tasks.get), merged into one list by time
 *   audit --from TIME --to TIME
 *       every record of ingest's event log, every change of adjudicate's
 *       change log and every task and check of dispatch's log committed in the
 *       range, read with log.fetch (the office's right, like a daemon's) from
 *       where log.seek says --from begins; records that left LMDB come from
 *       the daemons' archives (retain.h), and an archive file that is missing
 *       is named in the error
 *
 * Each line: when, who (party id and name), what, and the record (event-log
 * seq) it came from. DESIGN.md Security: "every state change is written with
 * who caused it"; this is where a person reads it back. TIME is YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SS+08:00; a --to given as a date includes that whole day.
 * Without --as (and without a key) the requests are made as the office.
 * Not shown by a time range: feedback (jrp-feedback keeps no log to read by
 * time; --subject shows it) and acknowledgements of task streams.
 */
#include "ctl.h"
#include "clock.h"
#include "proto.h"
#include "util/xalloc.h"
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUDIT_PAGE 1024   /* log.fetch max */

typedef struct audit_item {
	int64_t at;            /* ms */
	size_t ord;            /* insertion order: ties keep the order of the sources */
	char who[33];          /* party id */
	char source[12];       /* daemon that holds the fact */
	char event[32];
	char *what;            /* owned */
	uint64_t record_seq;   /* event-log seq of the record it came from, 0 if none */
	uint64_t entry, task, seq;
} audit_item;

/* the record each entry came from, as the change log says (range mode: tasks carry only the entry) */
typedef struct entry_rec {
	uint64_t entry, record_seq;
} entry_rec;

typedef struct audit {
	ctl *c;
	const char *party;
	int64_t from, to;
	audit_item *v;
	size_t n, cap;
	entry_rec *er;
	size_t ner, caper;
} audit;

/* S - a string field, "" if absent (notes and reasons are at most 1000 bytes) */
#define S(o, k) obj_cstr((o), (k), (char[1024]){ 0 }, 1024)

/* set_what - the item's description, formatted */
static void set_what(audit_item *it, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_what(audit_item *it, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	free(it->what);
	it->what = xstrdup(buf);
}

/* add - a new item at `at`, or NULL when outside the range */
static audit_item *add(audit *a, int64_t at, const char *who, const char *source, const char *event)
{
	audit_item *it;
	if (at < a->from || at > a->to)
		return NULL;
	if (a->n == a->cap)
		a->v = xrealloc(a->v, (a->cap = a->cap ? a->cap * 2 : 64) * sizeof *a->v);
	it = &a->v[a->n];
	memset(it, 0, sizeof *it);
	it->at = at;
	it->ord = a->n++;
	snprintf(it->who, sizeof it->who, "%s", who);
	snprintf(it->source, sizeof it->source, "%s", source);
	snprintf(it->event, sizeof it->event, "%s", event);
	return it;
}

static int by_time(const void *x, const void *y)
{
	const audit_item *p = x, *q = y;
	if (p->at != q->at)
		return p->at < q->at ? -1 : 1;
	return p->ord < q->ord ? -1 : p->ord > q->ord;
}

/* ---- what each source says ---- */

/* unreadable - a log record that does not decode: shown, never skipped */
static void unreadable(audit *a, const char *source, const msgpack_object *r, const jrp_error *e)
{
	audit_item *it = add(a, obj_i64(r, "at"), "?", source, "unreadable");
	if (!it)
		return;
	it->seq = obj_u64(r, "seq");
	set_what(it, "record #%llu of %s's log does not read as this jrpctl's format: %s %s: %s",
		 (unsigned long long)it->seq, source, e->code, e->field, e->message);
}

/* add_record - an event of ingest's log: a department reported a record */
static void add_record(audit *a, const msgpack_object *o)
{
	jrp_rec *r = xmalloc(sizeof *r);
	const jrp_event *ev = &r->u.event;
	const jrp_record *rec = &ev->record;
	audit_item *it;
	jrp_error e;
	char amount[40] = "", dd[11];
	if (rec_decode(o, 1u << REC_EVENT, false, r, &e) < 0) {
		unreadable(a, "ingest", o, &e);
		goto out;
	}
	if (!(it = add(a, ev->at, ev->party, "ingest", "record")))
		goto out;
	if (rec->amount >= 0)
		snprintf(amount, sizeof amount, ", %lld yuan", (long long)rec->amount);
	it->record_seq = it->seq = ev->seq;
	set_what(it, "record %s %s about %s %s reported: %s%s%s%s, decided %s%s",
		 names_get(&credit_kind_names, rec->kind), rec->record_id, rec->subject.code, rec->subject.name,
		 rec->domain, rec->violation[0] ? ", " : "", rec->violation, amount, (date_format(rec->decision_date, dd), dd),
		 ev->late ? " (reported late)" : "");
out:
	free(r);
}

/* why - the reason a change gives, by its action */
static const char *why(const jrp_change *c)
{
	switch (c->action) {
	case CH_EXITED: case CH_REVOKED: case CH_REFUSED: return names_get(&exit_reason_names, c->exit_reason);
	case CH_OBJECTION_DECIDED: return names_get(&outcome_names, c->outcome);
	case CH_REPAIR_DECIDED: return names_get(&repair_state_names, c->repair);
	default: return "";
	}
}

/* add_change - a change of adjudicate's log */
static void add_change(audit *a, const msgpack_object *o)
{
	jrp_change c;
	jrp_error e;
	audit_item *it;
	const char *reason;
	if (change_decode(o, false, &c, &e) < 0) {
		unreadable(a, "adjudicate", o, &e);
		return;
	}
	if (c.action == CH_PROPOSED || c.action == CH_REFUSED) {
		/* an entry's first change: remember its record for the tasks that follow */
		if (a->ner == a->caper)
			a->er = xrealloc(a->er, (a->caper = a->caper ? a->caper * 2 : 64) * sizeof *a->er);
		a->er[a->ner].entry = c.entry;
		a->er[a->ner++].record_seq = c.record_seq;
	}
	if (!(it = add(a, c.at, c.by, "adjudicate", names_get(&change_action_names, c.action))))
		return;
	it->record_seq = c.record_seq;
	it->entry = c.entry;
	it->seq = c.seq;
	reason = why(&c);
	set_what(it, "entry %llu %s%s%s of %s %s: %s%s%s%s%s%s", (unsigned long long)it->entry, list_name(c.list),
		 c.standard[0] ? " " : "", c.standard, c.subject.code, c.subject.name,
		 names_get(&change_action_names, c.action), reason[0] ? " (" : "", reason, reason[0] ? ")" : "",
		 c.note[0] ? " — " : "", c.note);
}

/* add_entries - every history item of every entry (entries.get) */
static void add_entries(audit *a, const msgpack_object *r)
{
	const msgpack_object *es = obj_get(r, "entries");
	for (uint32_t i = 0; es && i < es->via.array.size; i++) {
		const msgpack_object *en = &es->via.array.ptr[i], *h = obj_get(en, "history");
		for (uint32_t j = 0; h && j < h->via.array.size; j++) {
			const msgpack_object *x = &h->via.array.ptr[j];
			audit_item *it = add(a, obj_i64(x, "at"), S(x, "by"), "adjudicate", S(x, "event"));
			if (!it)
				continue;
			it->entry = obj_u64(en, "id");
			/* the record that caused this step, else the one the entry came from */
			it->record_seq = obj_u64(x, "record_seq") ? obj_u64(x, "record_seq") : obj_u64(en, "record_seq");
			set_what(it, "entry %llu %s%s%s: %s%s%s", (unsigned long long)it->entry,
				 S(en, "list"), S(en, "standard")[0] ? " " : "", S(en, "standard"), S(x, "event"),
				 obj_get(x, "note") ? " — " : "", S(x, "note"));
		}
	}
}

/* record_of - the record an entry came from, as entries.get says (0 if unknown) */
static uint64_t record_of(const msgpack_object *entries, uint64_t entry)
{
	const msgpack_object *es = obj_get(entries, "entries");
	for (uint32_t i = 0; es && i < es->via.array.size; i++)
		if (obj_u64(&es->via.array.ptr[i], "id") == entry)
			return obj_u64(&es->via.array.ptr[i], "record_seq");
	return 0;
}

/* add_task - a task dispatch pushed (to an agency, or a duty to a department) */
static void add_task(audit *a, const jrp_task *t, uint64_t record_seq)
{
	char event[32];
	audit_item *it;
	snprintf(event, sizeof event, "task_%s", task_what(t));
	if (!(it = add(a, t->at, "dispatch", "dispatch", event)))
		return;
	it->task = it->seq = t->seq;
	it->entry = t->entry;
	it->record_seq = record_seq;
	set_what(it, "task %llu %s %s%s%s to %s %s (entry %llu)%s%s", (unsigned long long)it->task, task_what(t),
		 t->cls == CLASS_DUTY ? "(duty)" : t->measure, t->measure_name[0] ? " " : "", t->measure_name, t->agency,
		 party_name(a->c, t->agency), (unsigned long long)it->entry, t->reason ? ", reason " : "",
		 names_get(&exit_reason_names, t->reason));
}

/* add_tasks - each task about the subject (tasks.get) and the feedback on it */
static void add_tasks(audit *a, const msgpack_object *r, const msgpack_object *entries)
{
	const msgpack_object *ts = obj_get(r, "tasks");
	jrp_rec *rec = xmalloc(sizeof *rec);
	for (uint32_t i = 0; ts && i < ts->via.array.size; i++) {
		const msgpack_object *x = &ts->via.array.ptr[i], *f = obj_get(x, "feedback");
		const jrp_task *t = &rec->u.task;
		jrp_error e;
		uint64_t rs;
		audit_item *it;
		if (!obj_get(x, "task") || rec_decode(obj_get(x, "task"), 1u << REC_TASK, false, rec, &e) < 0) {
			unreadable(a, "feedback", obj_get(x, "task") ? obj_get(x, "task") : x, &e);
			continue;
		}
		rs = record_of(entries, t->entry);
		add_task(a, t, rs);
		if (f && (it = add(a, obj_i64(f, "at"), S(f, "party"), "feedback", "feedback"))) {
			it->task = t->seq;
			it->entry = t->entry;
			it->record_seq = rs;
			set_what(it, "feedback %s on task %llu (%s %s)%s%s, dated %s%s",
				 S(f, "result"), (unsigned long long)it->task, task_what(t),
				 t->cls == CLASS_DUTY ? "(duty)" : t->measure, obj_get(f, "matter_id") ? ", matter " : "",
				 S(f, "matter_id"), S(f, "date"), obj_bool(f, "case") ? ", a typical case" : "");
		}
	}
	free(rec);
}

static int by_entry(const void *x, const void *y)
{
	const entry_rec *p = x, *q = y;
	return p->entry < q->entry ? -1 : p->entry > q->entry;
}

/* add_dispatched - a record of dispatch's log: a task, or a check an agency made (its copies
 * of adjudicate's changes are already shown from the change log) */
static void add_dispatched(audit *a, const msgpack_object *o)
{
	jrp_rec *r = xmalloc(sizeof *r);
	jrp_error e;
	if (rec_decode(o, 1u << REC_CHANGE | 1u << REC_TASK | 1u << REC_CHECK, true, r, &e) < 0) {
		unreadable(a, "dispatch", o, &e);
	} else if (r->kind == REC_TASK) {
		entry_rec key = { r->u.task.entry, 0 }, *er;
		er = a->ner ? bsearch(&key, a->er, a->ner, sizeof *a->er, by_entry) : NULL;
		add_task(a, &r->u.task, er ? er->record_seq : 0);
	} else if (r->kind == REC_CHECK) {
		const jrp_check *c = &r->u.check;
		audit_item *it = add(a, c->at, c->party, "dispatch", "check");
		char lists[64] = "";
		for (int l = 0; l < LIST__N; l++)
			if (c->lists & (1u << l))
				snprintf(lists + strlen(lists), sizeof lists - strlen(lists), "%s%s", lists[0] ? "," : "",
					 list_name((jrp_list)l));
		if (it) {
			it->seq = c->seq;
			set_what(it, "check #%llu of %s before %s: %s%s%s", (unsigned long long)it->seq, c->subject, c->matter,
				 c->listed ? "listed " : "not listed", c->listed ? "on " : "", lists);
		}
	}
	free(r);
}

/* ---- the two ways in ---- */

static int fetch_subject(audit *a, int svc, const char *type, const char *code, msg_in *in)
{
	mw w;
	mw_init(&w);
	client_begin(NULL, &w, type, a->party);
	mw_kstr(&w, "subject", code);
	if (a->c->id_type)
		mw_kstr(&w, "id_type", a->c->id_type);
	return ctl_send(a->c, svc, &w, in);
}

static int by_subject(audit *a, const char *code)
{
	msg_in rec, ent, tsk;
	if (fetch_subject(a, SVC_INGEST, T_RECORDS_GET, code, &rec))
		return 1;
	if (fetch_subject(a, SVC_ADJUDICATE, T_ENTRIES_GET, code, &ent)) {
		msg_in_free(&rec);
		return 1;
	}
	if (fetch_subject(a, SVC_FEEDBACK, T_TASKS_GET, code, &tsk)) {
		msg_in_free(&rec);
		msg_in_free(&ent);
		return 1;
	}
	{
		const msgpack_object *rs = obj_get(rec.root, "records");
		for (uint32_t i = 0; rs && i < rs->via.array.size; i++)
			add_record(a, &rs->via.array.ptr[i]);
	}
	add_entries(a, ent.root);
	add_tasks(a, tsk.root, ent.root);
	msg_in_free(&rec);
	msg_in_free(&ent);
	msg_in_free(&tsk);
	return 0;
}

/* seek - with --from, where in svc's log to start: log.seek answers a seq before which every record
 * is older (the archives' index by time); 0 (the start) if it cannot say */
static uint64_t seek(audit *a, int svc)
{
	jrp_client *cl;
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t after = 0;
	int rc;
	if (a->from == INT64_MIN)
		return 0;
	cl = ctl_client(a->c, svc);
	mw_init(&w);
	client_begin(cl, &w, T_LOG_SEEK, a->party);
	mw_ki64(&w, "at", a->from);
	rc = client_call(cl, &w, a->c->timeout_ms, &in, &e);
	if (rc == 0)
		after = obj_u64(in.root, "after");
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&cl);
	return after;
}

/* by_log - page through one outbound log (log.fetch), from where --from begins; records older than
 * the retention come from the daemon's archives, the same as they were */
static int by_log(audit *a, int svc, void (*each)(audit *, const msgpack_object *))
{
	uint64_t after = seek(a, svc), next, last;
	do {
		mw w;
		msg_in in;
		const msgpack_object *rs;
		mw_init(&w);
		client_begin(NULL, &w, T_LOG_FETCH, a->party);
		mw_ku64(&w, "after", after);
		mw_ku64(&w, "max", AUDIT_PAGE);
		if (ctl_send(a->c, svc, &w, &in))
			return 1;
		rs = obj_get(in.root, "records");
		last = obj_u64(in.root, "last");
		for (uint32_t i = 0; rs && i < rs->via.array.size; i++)
			each(a, &rs->via.array.ptr[i]);
		if (!rs || rs->via.array.size == 0) {
			msg_in_free(&in);
			break;
		}
		next = obj_u64(&rs->via.array.ptr[rs->via.array.size - 1], "seq");
		msg_in_free(&in);
		if (next <= after)
			break;   /* a log always moves on; never loop on a broken one */
		after = next;
	} while (after < last);
	return 0;
}

/* ---- output ---- */

static void print_text(audit *a, const char *code)
{
	char from[32], to[32];
	if (code)
		printf("audit of subject %s", code);
	else
		printf("audit of the logs (records, changes, tasks, checks)");
	if (a->from > INT64_MIN || a->to < INT64_MAX) {
		snprintf(from, sizeof from, "the start");
		snprintf(to, sizeof to, "now");
		if (a->from > INT64_MIN)
			ms_format(a->from, from, sizeof from);
		if (a->to < INT64_MAX)
			ms_format(a->to, to, sizeof to);
		printf(" from %s to %s", from, to);
	}
	printf(": %zu state change%s\n", a->n, a->n == 1 ? "" : "s");
	for (size_t i = 0; i < a->n; i++) {
		const audit_item *it = &a->v[i];
		char at[32], rec[32] = "no record";
		ms_format(it->at, at, sizeof at);
		if (it->record_seq)
			snprintf(rec, sizeof rec, "record #%llu", (unsigned long long)it->record_seq);
		printf("%s  %s (%s)  %s  [%s]\n", at, it->who, party_name(a->c, it->who), it->what ? it->what : "",
		       rec);
	}
}

static int print_json(audit *a)
{
	mw w;
	msgpack_unpacked up;
	size_t off = 0;
	int rc = 0;
	mw_init(&w);
	mw_arr(&w);
	for (size_t i = 0; i < a->n; i++) {
		const audit_item *it = &a->v[i];
		char at[32];
		ms_format(it->at, at, sizeof at);
		mw_map(&w);
		mw_kstr(&w, "at", at);
		mw_ki64(&w, "at_ms", it->at);
		mw_kstr(&w, "party", it->who);
		mw_kstr(&w, "party_name", party_name(a->c, it->who));
		mw_kstr(&w, "source", it->source);
		mw_kstr(&w, "event", it->event);
		mw_kstr(&w, "what", it->what ? it->what : "");
		mw_ku64(&w, "record_seq", it->record_seq);
		if (it->entry)
			mw_ku64(&w, "entry", it->entry);
		if (it->task)
			mw_ku64(&w, "task", it->task);
		if (it->seq)
			mw_ku64(&w, "seq", it->seq);
		mw_end(&w);
	}
	mw_end(&w);
	msgpack_unpacked_init(&up);
	if (msgpack_unpack_next(&up, mw_data(&w), mw_len(&w), &off) == MSGPACK_UNPACK_SUCCESS)
		ctl_print_json(&up.data);
	else
		rc = 1;
	msgpack_unpacked_destroy(&up);
	mw_free(&w);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: jrpctl audit --subject CODE [--from TIME] [--to TIME]\n"
			"       jrpctl audit --from TIME --to TIME\n"
			"TIME: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+08:00 (a --to date includes the whole day)\n");
	return 2;
}

/* parse_time - TIME into ms; as --to (end) it includes the whole day, or the whole second, it names */
static int parse_time(const char *s, bool end, int64_t *ms)
{
	if (ms_parse(s, ms) < 0) {
		fprintf(stderr, "jrpctl: \"%s\" is not a time: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+08:00\n", s);
		return -1;
	}
	if (end)
		*ms += strlen(s) == 10 ? DAY_MS - 1 : 999;
	return 0;
}

int ctl_audit(ctl *c, int argc, char **argv)
{
	static const struct option lo[] = { { "subject", 1, 0, 's' }, { "from", 1, 0, 'f' }, { "to", 1, 0, 't' },
					    { "id-type", 1, 0, 'i' }, { 0, 0, 0, 0 } };
	const char *code = NULL, *from = NULL, *to = NULL;
	audit a = { .c = c, .from = INT64_MIN, .to = INT64_MAX };
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (opt) {
		case 's': code = optarg; break;
		case 'f': from = optarg; break;
		case 't': to = optarg; break;
		case 'i': c->id_type = optarg; break;
		default: return usage();
		}
	}
	if (optind != argc || (!code && (!from || !to)))
		return usage();
	if ((from && parse_time(from, false, &a.from) < 0) || (to && parse_time(to, true, &a.to) < 0))
		return 2;
	if (a.from > a.to) {
		fprintf(stderr, "jrpctl: --from %s is after --to %s\n", from, to);
		return 2;
	}
	/* who asks: --as (or the key's party); else the office, whose right log.fetch is */
	a.party = c->party && c->party[0] ? c->party : c->have_key ? NULL : "office";
	if (code) {
		rc = by_subject(&a, code);
	} else {
		rc = by_log(&a, SVC_INGEST, add_record);
		if (rc == 0)
			rc = by_log(&a, SVC_ADJUDICATE, add_change);
		if (rc == 0) {
			qsort(a.er, a.ner, sizeof *a.er, by_entry);
			rc = by_log(&a, SVC_DISPATCH, add_dispatched);
		}
	}
	if (rc == 0) {
		qsort(a.v, a.n, sizeof *a.v, by_time);
		if (c->json)
			rc = print_json(&a);
		else
			print_text(&a, code);
	}
	for (size_t i = 0; i < a.n; i++)
		free(a.v[i].what);
	free(a.v);
	free(a.er);
	return rc ? 1 : 0;
}
