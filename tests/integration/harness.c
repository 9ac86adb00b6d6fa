/*
 * harness.c - start, drive and stop the real daemons (see harness.h)
 */
#include "harness.h"
#include "codes.h"
#include "conv.h"
#include <stdarg.h>
#include "clock.h"
#include "proto.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <zmq.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const H_ORG1 = "91350100M000100Y43";
const char *const H_ORG2 = "91110000600037341L";
const char *const H_PERSON1 = "11010519491231002X";

const char *h_config_map;
const char *h_data_dir;
const char *h_config_extra;

static const char *const bins[SVC__N] = { JRP_BIN_INGEST, JRP_BIN_ADJUDICATE, JRP_BIN_DISPATCH, JRP_BIN_FEEDBACK };

void h_req(mw *w, const char *type, const char *party)
{
	client_begin(NULL, w, type, party);
}

int h_call(harness *h, int svc, mw *w, msg_in *in, jrp_error *e)
{
	jrp_error_clear(e);
	return client_call(h->cl[svc], w, 10000, in, e);
}

jrp_client *h_client(harness *h, int svc, const char *name)
{
	char path[400], pub[CONFIG_KEY_Z85], sec[CONFIG_KEY_Z85], server[CONFIG_KEY_Z85];
	jrp_error e;

	if (!name)
		return client_new(h->cfg->endpoint[svc]);
	snprintf(path, sizeof path, "%s/%s.key", h->cfg->keys_dir, name);
	if (config_key_read(path, true, pub, sec, &e) < 0 || config_peer_key(h->cfg, svc_names[svc], server, &e) < 0) {
		printf("# h_client: %s: %s\n", e.field, e.message);
		return NULL;
	}
	return client_new_curve(h->cfg->endpoint[svc], server, pub, sec);
}

int h_keygen(harness *h, const char *name, char *pub)
{
	char sec[CONFIG_KEY_Z85], dir[300];
	jrp_error e;

	snprintf(dir, sizeof dir, "%s/keys", h->dir);
	if (zmq_curve_keypair(pub, sec) != 0 || config_key_write(dir, name, pub, sec, &e) < 0) {
		printf("# h_keygen %s: %s\n", name, e.message);
		return -1;
	}
	return 0;
}

static int ping(harness *h, int svc)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	jrp_client *c = h_client(h, svc, h->curve ? "office" : NULL);
	if (!c)
		return -1;
	mw_init(&w);
	client_begin(c, &w, T_PING, NULL);
	rc = client_call(c, &w, 200, &in, &e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&c);
	return rc;
}

int h_start_daemon(harness *h, int svc)
{
	char logp[400];
	pid_t pid;
	int64_t until;
	snprintf(logp, sizeof logp, "%s/%s.log", h->dir, svc_names[svc]);
	pid = fork();
	if (pid == 0) {
		/* the daemon's output goes to its log, never to the test's TAP stream;
		 * and it dies with the test if the test dies */
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(bins[svc], bins[svc], "-c", h->config, (char *)NULL);
		_exit(127);
	}
	h->pid[svc] = pid;
	until = clock_real_ms() + 10000;
	while (ping(h, svc) != 0) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid) {
			fprintf(stderr, "# jrp-%s exited at start; log in %s\n", svc_names[svc], logp);
			h->pid[svc] = 0;
			return -1;
		}
		if (clock_real_ms() > until)
			return -1;
	}
	return 0;
}

/* h_write_config - DIR/jrp.yaml: the test deployment, on tcp ports when ports is not NULL */
static int h_write_config(harness *h, const char *parties, const int *ports)
{
	char rules[400];
	FILE *f;
	jrp_error e;
	snprintf(h->config, sizeof h->config, "%s/jrp.yaml", h->dir);
	if (!(f = fopen(h->config, "w")))
		return -1;
	if (h->own_rules)
		snprintf(rules, sizeof rules, "%s/rules", h->dir);
	else
		snprintf(rules, sizeof rules, "%s/rules", JRP_SOURCE_ROOT);
	fprintf(f, "data_dir: %s\nrun_dir: run\nrules: %s\nparties: %s\n"
		   "test_clock: true\nlog_level: info\n%s%s", h_data_dir ? h_data_dir : "data", rules, parties,
		   h_config_map ? h_config_map : "map_size_mb: 8\n", h_config_extra ? h_config_extra : "");
	if (ports) {
		fprintf(f, "endpoints:\n");
		for (int s = 0; s < SVC__N; s++)
			fprintf(f, "  %s: tcp://127.0.0.1:%d\n", svc_names[s], ports[s]);
	}
	fclose(f);
	config_free(&h->cfg);
	if (config_load(h->config, &h->cfg, &e) < 0) {
		fprintf(stderr, "# config: %s %s\n", e.field, e.message);
		return -1;
	}
	return 0;
}

/* h_start_all - the four daemons, then the clients and the clock */
static int h_start_all(harness *h)
{
	for (int s = 0; s < SVC__N; s++)
		if (h_start_daemon(h, s) < 0)
			return -1;
	for (int s = 0; s < SVC__N; s++)
		if (!(h->cl[s] = h_client(h, s, h->curve ? "office" : NULL)))
			return -1;
	/* a fixed, known start: Monday 2026-11-23, 09:00 in Beijing */
	return h_clock(h, "2026-11-23T09:00:00+08:00");
}

int h_start(harness *h)
{
	char parties[400];
	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "/tmp/jrp-it-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	snprintf(parties, sizeof parties, "%s/deploy/parties.yaml", JRP_SOURCE_ROOT);
	if (h_write_config(h, parties, NULL) < 0)
		return -1;
	return h_start_all(h);
}

int h_start_from(harness *h, const char *tarball)
{
	char parties[400], cmd[4096];
	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "/tmp/jrp-it-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	snprintf(cmd, sizeof cmd, "tar -C '%s' -xzf '%s'", h->dir, tarball);
	if (system(cmd) != 0)
		return -1;
	snprintf(parties, sizeof parties, "%s/deploy/parties.yaml", JRP_SOURCE_ROOT);
	if (h_write_config(h, parties, NULL) < 0)
		return -1;
	return h_start_all(h);
}

int h_start_own_rules(harness *h)
{
	char parties[400], cmd[4096];
	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "/tmp/jrp-it-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	h->own_rules = true;
	snprintf(cmd, sizeof cmd, "cp -r '%s/rules' '%s/rules' && cp '%s/deploy/parties.yaml' '%s/parties.yaml'",
		 JRP_SOURCE_ROOT, h->dir, JRP_SOURCE_ROOT, h->dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(parties, sizeof parties, "%s/parties.yaml", h->dir);
	if (h_write_config(h, parties, NULL) < 0)
		return -1;
	return h_start_all(h);
}

/* free_ports - n distinct ports that 127.0.0.1 has free now (bound to port 0 together, then released) */
static int free_ports(int *ports, int n)
{
	int fds[SVC__N], rc = 0, i;
	for (i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof a;
		if ((fds[i] = socket(AF_INET, SOCK_STREAM, 0)) < 0 || bind(fds[i], (struct sockaddr *)&a, sizeof a) < 0 ||
		    getsockname(fds[i], (struct sockaddr *)&a, &len) < 0) {
			rc = -1;
			i++;
			break;
		}
		ports[i] = ntohs(a.sin_port);
	}
	while (i-- > 0)
		if (fds[i] >= 0)
			close(fds[i]);
	return rc;
}

/* h_parties_with_keys - a copy of deploy/parties.yaml with `pubkey:` added to
 * each party that has a key pair in DIR/keys */
static int h_parties_with_keys(harness *h, const char *out)
{
	char src[400], line[1024];
	FILE *in, *f;
	snprintf(src, sizeof src, "%s/deploy/parties.yaml", JRP_SOURCE_ROOT);
	if (!(in = fopen(src, "r")))
		return -1;
	if (!(f = fopen(out, "w"))) {
		fclose(in);
		return -1;
	}
	while (fgets(line, sizeof line, in)) {
		char *id = strstr(line, "- id: "), name[64], path[400], pub[CONFIG_KEY_Z85];
		jrp_error e;
		fputs(line, f);
		if (!id || sscanf(id + 6, "%63[a-z0-9_]", name) != 1)
			continue;
		snprintf(path, sizeof path, "%s/keys/%s.pub", h->dir, name);
		if (access(path, F_OK) == 0 && config_key_read(path, false, pub, NULL, &e) == 0)
			fprintf(f, "%*s  pubkey: \"%s\"\n", (int)(id - line), "", pub);
	}
	fclose(in);
	return fclose(f);
}

int h_start_curve(harness *h, const char *const *parties)
{
	char path[400], pub[CONFIG_KEY_Z85];
	int ports[SVC__N];
	memset(h, 0, sizeof *h);
	h->curve = true;
	snprintf(h->dir, sizeof h->dir, "/tmp/jrp-it-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	for (int s = 0; s < SVC__N; s++)
		if (h_keygen(h, svc_names[s], pub) < 0)
			return -1;
	if (h_keygen(h, "office", pub) < 0)
		return -1;
	for (size_t i = 0; parties && parties[i]; i++)
		if (h_keygen(h, parties[i], pub) < 0)
			return -1;
	snprintf(path, sizeof path, "%s/parties.yaml", h->dir);
	if (h_parties_with_keys(h, path) != 0)
		return -1;
	/* a port found free may be taken before the daemon binds it: then again with others */
	for (int attempt = 0;; attempt++) {
		if (free_ports(ports, SVC__N) < 0 || h_write_config(h, path, ports) < 0)
			return -1;
		if (h_start_all(h) == 0)
			return 0;
		if (attempt == 2)
			return -1;
		printf("# could not start on ports %d %d %d %d; trying others\n", ports[0], ports[1], ports[2], ports[3]);
		for (int s = 0; s < SVC__N; s++) {
			client_free(&h->cl[s]);
			h_kill(h, s, SIGKILL);
		}
	}
}

int h_kill(harness *h, int svc, int sig)
{
	int st = 0;
	if (!h->pid[svc])
		return -1;
	kill(h->pid[svc], sig);
	waitpid(h->pid[svc], &st, 0);
	h->pid[svc] = 0;
	return st;
}

int h_stop(harness *h)
{
	char cmd[300];
	int unclean = 0;
	for (int s = SVC__N - 1; s >= 0; s--) {
		int st = 0;
		client_free(&h->cl[s]);
		if (!h->pid[s])
			continue;
		kill(h->pid[s], SIGTERM);
		waitpid(h->pid[s], &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			printf("# jrp-%s did not exit cleanly on SIGTERM (status %d); its log is %s/%s.log\n",
			       svc_names[s], st, h->dir, svc_names[s]);
			unclean++;
		}
	}
	config_free(&h->cfg);
	if (!getenv("JRP_KEEP_TEST_DIR") && !unclean) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", h->dir);
	} else {
		printf("# kept %s\n", h->dir);
	}
	return unclean;
}

int h_clock(harness *h, const char *now)
{
	for (int s = SVC__N - 1; s >= 0; s--) {
		mw w;
		msg_in in;
		jrp_error e;
		int rc;
		mw_init(&w);
		h_req(&w, T_CLOCK_SET, NULL);
		mw_kstr(&w, "now", now);
		rc = h_call(h, s, &w, &in, &e);
		mw_free(&w);
		if (rc == 0 || rc == JRP_EREPLY)
			msg_in_free(&in);
		if (rc)
			return rc;
	}
	return 0;
}

uint64_t h_status_u64(harness *h, int svc, const char *key)
{
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t v = 0;
	int rc;
	mw_init(&w);
	h_req(&w, T_STATUS, NULL);
	rc = h_call(h, svc, &w, &in, &e);
	if (rc == 0)
		v = obj_u64(in.root, key);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return v;
}

/* walk - every item of a paged fetch from after=0 until a page comes back empty: log.fetch
 * pages by the last record's seq, tasks.fetch by the reply's cursor */
static long walk(harness *h, int svc, const char *type, const char *party, const char *items,
		 void (*fn)(void *arg, const msgpack_object *item), void *arg)
{
	uint64_t after = 0;
	long n = 0;
	for (;;) {
		mw w;
		msg_in in;
		jrp_error e;
		const msgpack_object *rs;
		uint32_t got;
		int rc;
		mw_init(&w);
		h_req(&w, type, party);
		mw_ku64(&w, "after", after);
		mw_ku64(&w, "max", 1000);
		rc = h_call(h, svc, &w, &in, &e);
		mw_free(&w);
		if (rc != 0) {
			printf("# %s: %s %s: %s\n", type, e.code, e.field, e.message);
			if (rc == JRP_EREPLY)
				msg_in_free(&in);
			return -1;
		}
		rs = obj_get(in.root, items);
		got = rs->via.array.size;
		for (uint32_t i = 0; i < got; i++) {
			fn(arg, &rs->via.array.ptr[i]);
			after = obj_u64(&rs->via.array.ptr[i], "seq");
		}
		if (obj_get(in.root, "cursor"))
			after = obj_u64(in.root, "cursor");
		msg_in_free(&in);
		n += got;
		if (got == 0)
			return n;
	}
}

long h_log_each(harness *h, int svc, void (*fn)(void *arg, const msgpack_object *rec), void *arg)
{
	return walk(h, svc, T_LOG_FETCH, "office", "records", fn, arg);
}

long h_stream_each(harness *h, const char *agency, void (*fn)(void *arg, const msgpack_object *task), void *arg)
{
	return walk(h, SVC_DISPATCH, T_TASKS_FETCH, agency, "tasks", fn, arg);
}

int h_settle(harness *h)
{
	int64_t until = clock_real_ms() + 10000;
	while (clock_real_ms() < until) {
		/* checks answered by dispatch's front reach its log a few ms later */
		bool done = h_status_u64(h, SVC_DISPATCH, "journal_behind_bytes") == 0;
		for (int s = SVC_ADJUDICATE; s <= SVC_FEEDBACK; s++)
			if (h_status_u64(h, s, "cursor") != h_status_u64(h, s - 1, "log_last"))
				done = false;
		if (done)
			return 0;
		usleep(5000);
	}
	return -1;
}

int h_json(harness *h, int svc, msg_in *in, jrp_error *e, const char *fmt, ...)
{
	char json[4096];
	msgpack_sbuffer sb;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	vsnprintf(json, sizeof json, fmt, ap);
	va_end(ap);
	msgpack_sbuffer_init(&sb);
	jrp_error_clear(e);
	if (conv_text_to_msgpack(json, strlen(json), &sb, e) < 0) {
		printf("# test bug: %s: %s\n", json, e->message);
		msgpack_sbuffer_destroy(&sb);
		in->root = NULL;
		in->own = NULL;
		msgpack_unpacked_init(&in->up);
		return -100;
	}
	rc = client_send_raw(h->cl[svc], sb.data, sb.size, 10000, in, e);
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

void h_uscc(const char *head, int i, char out[19])
{
	codes_uscc_make(head, (unsigned)i, out);
}

void h_citizen(const char *head, int i, char out[19])
{
	codes_citizen_make(head, (unsigned)i, out);
}

void h_tax_penalty(mw *w, const char *record_id, const char *code, const char *name, const char *violation,
		   int64_t amount, const char *facts, const char *noticed)
{
	mw_init(w);
	h_req(w, T_RECORD_SUBMIT, "tax_bureau");
	mw_str(w, "record");
	mw_map(w);
	mw_kstr(w, "record_id", record_id);
	mw_kstr(w, "kind", "penalty");
	mw_kstr(w, "domain", "tax");
	mw_str(w, "subject");
	mw_map(w);
	mw_kstr(w, "type", "org");
	mw_kstr(w, "code", code);
	mw_kstr(w, "name", name);
	mw_end(w);
	mw_kstr(w, "decision_date", "2026-11-20");
	mw_kbool(w, "final", true);   /* the periods for review and litigation have passed */
	if (noticed) {
		/* the bureau notified the company before identification [国办发〔2020〕49号 (八)] */
		mw_str(w, "notice");
		mw_map(w);
		mw_kstr(w, "date", noticed);
		mw_end(w);
	}
	if (violation)
		mw_kstr(w, "violation", violation);
	if (amount >= 0)
		mw_ki64(w, "amount", amount);
	if (facts)
		mw_kstr(w, "facts", facts);
	mw_end(w);
}

uint64_t h_entry(harness *h, const char *code, const char *list, char state[16], char exit_reason[40])
{
	msg_in in;
	jrp_error e;
	uint64_t id = 0;
	if (state)
		state[0] = exit_reason[0] = 0;
	if (h_json(h, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\","
		   "\"subject\":\"%s\"}", code) == 0) {
		const msgpack_object *es = obj_get(in.root, "entries");
		for (uint32_t i = 0; es && i < es->via.array.size; i++) {
			const msgpack_object *x = &es->via.array.ptr[i];
			if (list && !obj_str_eq(obj_get(x, "list"), list))
				continue;
			id = obj_u64(x, "id");
			if (state) {
				obj_cstr(x, "state", state, 16);
				obj_cstr(x, "exit_reason", exit_reason, 40);
			}
		}
	}
	msg_in_free(&in);
	return id;
}

typedef struct count_arg {
	uint64_t entry;
	const char *action, *measure;
	int n;
} count_arg;

static void count_one(void *arg, const msgpack_object *t)
{
	count_arg *a = arg;
	a->n += obj_u64(t, "entry") == a->entry && obj_str_eq(obj_get(t, "action"), a->action) &&
		(!a->measure || obj_str_eq(obj_get(t, "measure"), a->measure));
}

int h_count_tasks(harness *h, const char *party, uint64_t entry, const char *action, const char *measure)
{
	count_arg a = { entry, action, measure, 0 };
	return h_stream_each(h, party, count_one, &a) < 0 ? -1 : a.n;
}

char *h_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (n < 0 || fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	fclose(f);
	return s;
}

int h_replace_in(const char *path, const char *anchor, const char *from, const char *to)
{
	char *s = h_slurp(path), *a, *p;
	FILE *f;
	if (!s || !(a = anchor ? strstr(s, anchor) : s) || !(p = strstr(a, from)) || !(f = fopen(path, "wb"))) {
		free(s);
		return -1;
	}
	fwrite(s, 1, (size_t)(p - s), f);
	fputs(to, f);
	fputs(p + strlen(from), f);
	fclose(f);
	free(s);
	return 0;
}
