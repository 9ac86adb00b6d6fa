/*
 * rejected.c - jrpctl rejected: the records a daemon could not apply
 *
 *   rejected list [--all]              every consumer's kept records (adjudicate,
 *                                      dispatch, feedback): pending ones, or all
 *   rejected retry SEQ [--daemon NAME] apply one again after a fix; the records
 *                                      held behind it follow in order
 *
 * A record a consumer cannot decode, or that its rules refuse, is kept with the
 * reason instead of being skipped (puller.h); these are the operator's hands
 * on it. As the office unless --as.
 */
#include "ctl.h"
#include "clock.h"
#include "proto.h"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define S(o, k) obj_cstr((o), (k), (char[400]){ 0 }, 400)

const char *ctl_red(const char *s, char *buf, size_t n)
{
	if (!isatty(STDOUT_FILENO))
		return s;
	snprintf(buf, n, "\033[31m%s\033[0m", s);
	return buf;
}

static const char *asking(ctl *c)
{
	return c->party && c->party[0] ? c->party : c->have_key ? NULL : "office";
}

/* list_one - one daemon's kept records; *pending gets how many wait; 0, or 1 if it did not answer */
static int list_one(ctl *c, int svc, bool all, uint64_t *pending, int *shown, mw *json)
{
	mw w;
	msg_in in;
	jrp_error e;
	const msgpack_object *rs;
	int rc;
	mw_init(&w);
	client_begin(NULL, &w, T_REJECTED_LIST, asking(c));
	if (all)
		mw_kbool(&w, "all", true);
	mw_ku64(&w, "max", 1000);
	if (c->json) {   /* one object for the command: each daemon's reply (or error) by name */
		rc = ctl_call_quiet(c, svc, &w, &in, &e);
		mw_free(&w);
		ctl_mw_reply(json, svc_names[svc], rc, &in, &e);
		if (rc)
			return 1;
		*pending = obj_u64(in.root, "pending");
		msg_in_free(&in);
		return 0;
	}
	if (ctl_send(c, svc, &w, &in))
		return 1;
	*pending = obj_u64(in.root, "pending");
	rs = obj_get(in.root, "records");
	for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
		const msgpack_object *r = &rs->via.array.ptr[i];
		char at[32];
		ms_format(obj_i64(r, "at"), at, sizeof at);
		printf(tr("jrp-%-10s record %-8llu %-8s %s  [%s]%s%s: %s%s%s%s\n"), svc_names[svc],
		       (unsigned long long)obj_u64(r, "seq"), S(r, "state"), at, S(r, "code"), S(r, "field")[0] ? " " : "",
		       S(r, "field"), S(r, "message"), S(r, "key")[0] ? " (" : "", S(r, "key"), S(r, "key")[0] ? ")" : "");
		(*shown)++;
	}
	msg_in_free(&in);
	return 0;
}

static int cmd_list(ctl *c, bool all)
{
	uint64_t pending, total = 0;
	int shown = 0, rc = 0;
	mw json;
	mw_init(&json);
	mw_map(&json);
	for (int s = SVC_ADJUDICATE; s < SVC__N; s++) {
		if (list_one(c, s, all, &pending, &shown, &json))
			rc = 1;
		else
			total += pending;
	}
	mw_end(&json);
	if (c->json) {
		ctl_print_mw(&json);
	} else {
		char b[128], r[160];
		if (total) {
			snprintf(b, sizeof b, total == 1 ? tr("%llu record kept unapplied") : tr("%llu records kept unapplied"),
				 (unsigned long long)total);
			printf(tr("%s: see why above; after a fix, jrpctl rejected retry SEQ\n"), ctl_red(b, r, sizeof r));
		} else if (!shown) {
			printf("%s", tr("no record was rejected: every daemon applied everything it took in\n"));
		}
	}
	mw_free(&json);
	return rc;
}

/* has_pending - does svc keep record seq, pending? */
static bool has_pending(ctl *c, int svc, uint64_t seq)
{
	jrp_client *cl = ctl_client(c, svc);
	mw w;
	msg_in in;
	jrp_error e;
	bool found = false;
	mw_init(&w);
	client_begin(cl, &w, T_REJECTED_LIST, asking(c));
	mw_ku64(&w, "after", seq - 1);
	mw_ku64(&w, "max", 1);
	if (client_call(cl, &w, c->timeout_ms, &in, &e) == 0) {
		const msgpack_object *rs = obj_get(in.root, "records");
		found = rs && rs->via.array.size == 1 && obj_u64(&rs->via.array.ptr[0], "seq") == seq;
		msg_in_free(&in);
	} else if (e.code[0] && strcmp(e.code, "timeout") != 0) {
		msg_in_free(&in);
	}
	mw_free(&w);
	client_free(&cl);
	return found;
}

static int cmd_retry(ctl *c, uint64_t seq, const char *daemon)
{
	int svc = -1, n = 0;
	mw w;
	msg_in in;
	const msgpack_object *ap;
	if (daemon) {
		for (int s = SVC_ADJUDICATE; s < SVC__N; s++)
			if (strcmp(svc_names[s], daemon) == 0)
				svc = s;
		if (svc < 0) {
			fprintf(stderr, "jrpctl: --daemon is adjudicate, dispatch or feedback (the daemons that pull a log)\n");
			return 2;
		}
	} else {
		/* seqs are per upstream log: the daemon that keeps this one, if only one does */
		for (int s = SVC_ADJUDICATE; s < SVC__N; s++)
			if (has_pending(c, s, seq)) {
				svc = s;
				n++;
			}
		if (n == 0) {
			fprintf(stderr, "jrpctl: no daemon keeps a pending rejected record %llu (jrpctl rejected list)\n",
				(unsigned long long)seq);
			return 1;
		}
		if (n > 1) {
			fprintf(stderr, "jrpctl: more than one daemon keeps a rejected record %llu: say which with --daemon\n",
				(unsigned long long)seq);
			return 2;
		}
	}
	mw_init(&w);
	client_begin(NULL, &w, T_REJECTED_RETRY, asking(c));
	mw_ku64(&w, "seq", seq);
	if (ctl_send(c, svc, &w, &in))
		return 1;
	if (c->json) {
		ctl_print_json(in.root);
	} else {
		ap = obj_get(in.root, "applied");
		printf("jrp-%s applied record%s", svc_names[svc], ap && ap->via.array.size == 1 ? "" : "s");
		for (uint32_t i = 0; ap && i < ap->via.array.size; i++)
			printf("%s %llu", i ? "," : "", (unsigned long long)ap->via.array.ptr[i].via.u64);
		printf(" (each once)\n");
		if (obj_get(in.root, "rejected_again")) {
			char b[128], r[160];
			snprintf(b, sizeof b, "record %llu, held behind it, was refused again",
				 (unsigned long long)obj_u64(in.root, "rejected_again"));
			printf("%s; the records after it stay held (jrpctl rejected list)\n", ctl_red(b, r, sizeof r));
		}
	}
	msg_in_free(&in);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: jrpctl rejected list [--all]\n"
			"       jrpctl rejected retry SEQ [--daemon adjudicate|dispatch|feedback]\n");
	return 2;
}

int ctl_rejected(ctl *c, int argc, char **argv)
{
	static const struct option lo[] = { { "all", 0, 0, 'a' }, { "daemon", 1, 0, 'd' }, { 0, 0, 0, 0 } };
	const char *daemon = NULL;
	bool all = false;
	int opt;
	char *end;
	unsigned long long seq;

	if (argc < 2)
		return usage();
	optind = 0;
	while ((opt = getopt_long(argc - 1, argv + 1, "", lo, NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'd': daemon = optarg; break;
		default: return usage();
		}
	}
	if (strcmp(argv[1], "list") == 0 && optind == argc - 1)
		return cmd_list(c, all);
	if (strcmp(argv[1], "retry") == 0 && optind == argc - 2) {
		seq = strtoull(argv[argc - 1], &end, 10);
		if (*end || !seq)
			return usage();
		return cmd_retry(c, seq, daemon);
	}
	return usage();
}
