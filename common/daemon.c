/*
 * daemon.c - the daemon skeleton's start and stop (see daemon.h, skel.h):
 * options, configuration, the store with its format and identity, sockets,
 * the loop, signals, deadlines. Every service's main() calls daemon_main.
 * It tells systemd READY=1 once it serves and STOPPING=1 when told to stop,
 * and pings its watchdog from the loop (notify.h).
 */
#include "skel.h"
#include "clock.h"
#include "notify.h"
#include "retain.h"
#include "proto.h"
#include "util/fsutil.h"
#include "util/i18n.h"
#include "util/log.h"
#include "util/xalloc.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define HARD_MAX_MESSAGE (16 * 1024 * 1024)  /* larger: libzmq drops the peer */
#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_DOMAIN "jrp"

const char *const skel_db_names[SKEL_DB__N] = { "rejected", "rejected_keys", "archive" };

const jrp_catalog *daemon_catalog(jrp_daemon *d) { return front_thread ? d->front_cat : d->cat; }
const char *daemon_log_id(jrp_daemon *d) { return d->log_id; }
const char *daemon_run_dir(jrp_daemon *d) { return d->cfg->run_dir; }
const jrp_parties *daemon_parties(jrp_daemon *d) { return front_thread ? d->front_parties : d->parties; }
MDB_dbi daemon_dbi(jrp_daemon *d, int idx) { return store_dbi(d->st, idx); }
uv_loop_t *daemon_loop(jrp_daemon *d) { return d->loop; }
void *daemon_zctx(jrp_daemon *d) { return d->zctx; }
MDB_env *daemon_env(jrp_daemon *d) { return store_env(d->st); }
const jrp_config *daemon_config(jrp_daemon *d) { return d->cfg; }
int daemon_write(jrp_daemon *d, int (*fn)(void *arg, MDB_txn *txn), void *arg) { return batch_write(d, fn, arg); }
void daemon_puller_status(jrp_daemon *d, MDB_txn *txn, mw *out)
{
	if (d->pull)
		puller_status(d->pull, txn, out);
}
void daemon_curve_client(jrp_daemon *d, void *sock, const char *server_pub)
{
	if (!d->pub[0] || !server_pub || !server_pub[0])
		return;
	zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_pub, CONFIG_KEY_Z85);
	zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, d->pub, CONFIG_KEY_Z85);
	zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, d->sec, CONFIG_KEY_Z85);
}
void daemon_dbis(jrp_daemon *d, MDB_dbi *out, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = store_dbi(d->st, i);
}

MDB_dbi skel_dbi(jrp_daemon *d, int skel_db) { return store_dbi(d->st, d->svc->ndbs + skel_db); }

int req_period(jrp_req *r, jrp_date *from, jrp_date *to, jrp_error *e)
{
	int hf, ht, rc;
	*from = *to = 0;
	if ((rc = mr_date(&r->body, "from", MR_OPT, from)) < 0)
		return rc;
	hf = rc;
	if ((rc = mr_date(&r->body, "to", MR_OPT, to)) < 0)
		return rc;
	ht = rc;
	if ((rc = mr_end(&r->body)) < 0)
		return rc;
	if (hf != ht || (hf && *to < *from))
		return jrp_fail(e, JRP_ERR_BAD_VALUE, hf ? "to" : "from", "a period needs both from and to, from not after to");
	return 0;
}

int req_fail_forbidden(jrp_req *r, jrp_error *e, const char *fmt, ...)
{
	va_list ap;
	snprintf(e->code, sizeof e->code, "%s", JRP_ERR_FORBIDDEN);
	snprintf(e->field, sizeof e->field, "party");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return JRP_EFORBIDDEN;
}

/* ---- start and stop ---- */

static void stop(jrp_daemon *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	log_info("event=stopping reason=%s", why);
	notify_sendf("STOPPING=1\nSTATUS=stopping (%s): finishing the batch in flight", why);
	uv_stop(d->loop);
}

static void on_signal(uv_signal_t *h, int signum)
{
	stop(h->data, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

typedef struct init_arg {
	jrp_daemon *d;
	const char *dir;
	jrp_error *e;
} init_arg;

/* identity - the format of this environment's records and its log's id (records.h): written when
 * the environment is created; an environment of another format is refused, never guessed at */
static int identity(jrp_daemon *d, MDB_txn *txn, const char *dir, jrp_error *e)
{
	MDB_dbi meta = store_dbi(d->st, DB_META);
	uint64_t format = 0, last = 0;
	MDB_stat ms;
	MDB_val v;
	int rc;

	if ((rc = meta_get_u64(txn, meta, "format", &format)) != 0)
		return rc;
	if (format >= JRP_LOG_FORMAT_MIN && format <= JRP_LOG_FORMAT && kv_get(txn, meta, "log_id", 6, &v) == 0 &&
	    v.mv_size == sizeof d->log_id - 1) {
		memcpy(d->log_id, v.mv_data, v.mv_size);
		d->log_id[v.mv_size] = 0;
		if (format == JRP_LOG_FORMAT)
			return 0;
		/* an older format this build reads (records.h): what it holds stays as it is, what it writes
		 * from now on is the current format, and log.fetch says so */
		log_info("event=store_format_upgraded dir=%s from=%llu to=%d", dir, (unsigned long long)format,
			 JRP_LOG_FORMAT);
		return meta_put_u64(txn, meta, "format", JRP_LOG_FORMAT);
	}
	if (format)
		return jrp_fail(e, JRP_ERR_STORAGE, dir, "holds records of format %llu; this jrp-%s reads formats %d to %d",
				(unsigned long long)format, d->svc->name, JRP_LOG_FORMAT_MIN, JRP_LOG_FORMAT);
	if (d->svc->outlog >= 0)
		store_log_last(txn, store_dbi(d->st, d->svc->outlog), &last);
	if (mdb_stat(txn, meta, &ms) != 0 || ms.ms_entries > 0 || last > 0)
		return jrp_fail(e, JRP_ERR_STORAGE, dir, "holds a store written by a jrp that recorded no format (before "
				"format %d): it cannot be read safely; move it away and start anew", JRP_LOG_FORMAT);
	{
		unsigned char raw[16];
		if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw)
			return jrp_fail(e, JRP_ERR_STORAGE, dir, "no random bytes for the log's id: %s", strerror(errno));
		for (int i = 0; i < 16; i++)
			snprintf(d->log_id + 2 * i, 3, "%02x", raw[i]);
	}
	if ((rc = meta_put_u64(txn, meta, "format", JRP_LOG_FORMAT)) != 0 ||
	    (rc = kv_put(txn, meta, "log_id", 6, d->log_id, strlen(d->log_id), 0)) != 0)
		return rc;
	log_info("event=store_created dir=%s format=%d log_id=%s", dir, JRP_LOG_FORMAT, d->log_id);
	return 0;
}

static int init_fn(void *arg, MDB_txn *txn)
{
	init_arg *a = arg;
	jrp_daemon *d = a->d;
	uint64_t ms = 0;
	int rc;
	if ((rc = identity(d, txn, a->dir, a->e)) != 0)
		return rc;
	if (clock_is_test()) {
		meta_get_u64(txn, store_dbi(d->st, DB_META), "test_clock_ms", &ms);
		if (ms)
			clock_set_ms((int64_t)ms);
	}
	return d->svc->init ? d->svc->init(d, txn, a->e) : 0;
}

/* ---- the puller's host: how it reaches this daemon ---- */

static void host_curve(void *arg, void *sock)
{
	daemon_upstream_curve(arg, sock);
}

static int host_write(void *arg, int (*fn)(void *fnarg, MDB_txn *txn), void *fnarg)
{
	return batch_write(arg, fn, fnarg);
}

static int host_apply(void *arg, MDB_txn *txn, jrp_rec *rec, const msgpack_object *raw, jrp_error *e)
{
	jrp_daemon *d = arg;
	return d->svc->apply(d, txn, rec, raw, e);
}

static puller *start_puller(jrp_daemon *d)
{
	puller_host h = {
		.arg = d,
		.party = d->svc->name,
		.endpoint = d->cfg->endpoint[d->svc->upstream],
		.loop = d->loop,
		.zctx = d->zctx,
		.env = store_env(d->st),
		.meta = store_dbi(d->st, DB_META),
		.rejected = skel_dbi(d, SKEL_DB_REJECTED),
		.rejected_keys = skel_dbi(d, SKEL_DB_REJECTED_KEYS),
		.kinds = d->svc->pull_kinds,
		.copies = d->svc->upstream == SVC_DISPATCH,
		.coalesce_ms = d->svc->pull_coalesce_ms,
		.curve = host_curve,
		.write = host_write,
		.apply = host_apply,
	};
	return puller_new(&h);
}

/* the daemons' help in Chinese (util/i18n.h) */
static const i18n_msg daemon_zh[] = {
	{ "usage: jrp-%s [-c CONFIG] [-n] [-h|--help] [--version]\n",
	  "用法: jrp-%s [-c CONFIG] [-n] [-h|--help] [--version]\n" },
	{ "jrp-%s is one of the four daemons of jrp, the joint reward-and-punishment engine; systemd runs it as\n"
	  "jrp-%s.service, jrpctl up in a build tree. It logs one line per event to stderr. See jrp-%s(8).\n",
	  "jrp-%s 是 jrp(守信联合激励和失信联合惩戒引擎)的四个守护进程之一; 由 systemd 以\n"
	  "jrp-%s.service 运行, 在构建目录中由 jrpctl up 启动。每个事件向标准错误输出一行日志。参见 jrp-%s(8)。\n" },
	{ "  -c CONFIG     deployment configuration (default $JRP_CONFIG, else %s)\n",
	  "  -c CONFIG     部署配置文件(默认为 $JRP_CONFIG, 否则为 %s)\n" },
	{ "  -n            check the configuration, parties and catalogue, print the result and exit\n",
	  "  -n            检查配置、参与方登记和目录, 打印结果后退出\n" },
	{ "  -h, --help    print this help and exit\n", "  -h, --help    打印本帮助后退出\n" },
	{ "  --version     print the version and exit\n", "  --version     打印版本后退出\n" },
	{ NULL, NULL } };

/* usage - the daemon's options: on stdout for --help (exit 0), on stderr after a usage error (exit 2) */
static void usage(FILE *f, const char *name)
{
	fprintf(f, tr("usage: jrp-%s [-c CONFIG] [-n] [-h|--help] [--version]\n"), name);
	if (f == stdout)
		fprintf(f, tr("jrp-%s is one of the four daemons of jrp, the joint reward-and-punishment engine; systemd runs it as\n"
			      "jrp-%s.service, jrpctl up in a build tree. It logs one line per event to stderr. See jrp-%s(8).\n"),
			name, name, name);
	fprintf(f, tr("  -c CONFIG     deployment configuration (default $JRP_CONFIG, else %s)\n"), JRP_CONFIG_DEFAULT);
	fprintf(f, "%s", tr("  -n            check the configuration, parties and catalogue, print the result and exit\n"));
	fprintf(f, "%s", tr("  -h, --help    print this help and exit\n"));
	fprintf(f, "%s", tr("  --version     print the version and exit\n"));
}

int daemon_main(int argc, char **argv, const jrp_service *svc)
{
	static const struct option opts[] = { { "help", 0, 0, 'h' }, { "version", 0, 0, 'V' }, { 0, 0, 0, 0 } };
	jrp_daemon dd, *d = &dd;
	const char *cfgpath = config_default_path();
	bool check_only = false;
	jrp_error e;
	char path[4096];
	int opt, rc = 1, hwm = 10000, lin = 1000, maxmsg = HARD_MAX_MESSAGE;

	memset(d, 0, sizeof *d);
	d->svc = svc;
	d->lockfd = -1;
	/* keep freed memory in the heap: LMDB's per-transaction page lists (megabytes, above
	 * glibc's default mmap threshold) would otherwise be mapped and faulted in every batch */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
	log_init(svc->name, LOG_INFO);
	i18n_add(daemon_zh);
	while ((opt = getopt_long(argc, argv, "c:nh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': cfgpath = optarg; break;
		case 'n': check_only = true; break;
		case 'h': usage(stdout, svc->name); return 0;
		case 'V': printf("jrp-%s (jrp) %s\n", svc->name, JRP_VERSION); return 0;
		default: usage(stderr, svc->name); return 2;
		}
	}

	jrp_error_clear(&e);
	if (config_load(cfgpath, &d->cfg, &e) < 0 ||
	    parties_load(d->cfg->parties_path, &d->parties, &e) < 0 ||
	    catalog_load(d->cfg->rules_dir, d->parties, &d->cat, &e) < 0 ||
	    catalog_check_parties(d->cat, d->parties, &e) < 0) {
		fprintf(stderr, "jrp-%s: %s: %s\n", svc->name, e.field, e.message);
		goto out;
	}
	if (zap_keys(d, &e) < 0) {
		fprintf(stderr, "jrp-%s: %s: %s\n", svc->name, e.field, e.message);
		goto out;
	}
	if (check_only) {
		printf("configuration OK: %s (catalogue %s, %zu parties)\n", cfgpath, d->cat->version, d->parties->n);
		rc = 0;
		goto out;
	}
	log_level = d->cfg->log_level;
	if (mkdir_p(d->cfg->run_dir, 0700) < 0 || mkdir_p(d->cfg->data_dir, 0700) < 0) {
		log_error("event=mkdir_failed run_dir=%s data_dir=%s error=\"%s\"", d->cfg->run_dir, d->cfg->data_dir,
			  strerror(errno));
		goto out;
	}
	chmod(d->cfg->run_dir, 0700);
	snprintf(path, sizeof path, "%s/%s.pid", d->cfg->run_dir, svc->name);
	d->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lockfd < 0 || flock(d->lockfd, LOCK_EX | LOCK_NB) < 0) {
		log_error("event=already_running pidfile=%s", path);
		goto out;
	}
	if (ftruncate(d->lockfd, 0) == 0) {
		char pid[24];
		int n = snprintf(pid, sizeof pid, "%d\n", (int)getpid());
		if (write(d->lockfd, pid, (size_t)n) != n)
			log_warn("event=pidfile_write_failed");
	}
	if (d->cfg->test_clock)
		clock_enable_test();
	snprintf(path, sizeof path, "%s/%s", d->cfg->data_dir, svc->name);
	{
		/* the service's databases, then the skeleton's */
		const char *names[40];
		int n = 0;
		for (int i = 0; i < svc->ndbs && n < 32; i++)
			names[n++] = svc->dbs[i];
		for (int i = 0; i < SKEL_DB__N; i++)
			names[n++] = skel_db_names[i];
		if (store_open(path, d->cfg->map_size, d->cfg->map_max, names, n, &d->st, &e) < 0) {
			log_error("event=store_open_failed file=%s error=\"%s\"", e.field, e.message);
			fprintf(stderr, "jrp-%s: %s: %s\n", svc->name, e.field, e.message);
			goto out;
		}
	}
	{
		init_arg ia = { d, path, &e };
		jrp_error_clear(&e);
		if ((rc = batch_write(d, init_fn, &ia)) < 0) {
			log_error("event=init_failed error=\"%s %s\"", e.field, e.message[0] ? e.message : jrp_strerror(rc));
			fprintf(stderr, "jrp-%s: %s: %s\n", svc->name, e.field, e.message[0] ? e.message : jrp_strerror(rc));
			rc = 1;
			goto out;
		}
	}
	if (retain_open(d, &e) < 0) {   /* the archives agree with the store (retain.h) */
		log_error("event=archive_open_failed file=%s error=\"%s\"", e.field, e.message);
		fprintf(stderr, "jrp-%s: %s: %s\n", svc->name, e.field, e.message);
		rc = 1;
		goto out;
	}
	{
		/* the routes this daemon serves: the service's, then the built-in ones that apply */
		size_t n = 0;
		for (const jrp_route *r = svc->routes; r && r->type; r++)
			n++;
		d->routes = xcalloc(n + BUILTIN_ROUTES_MAX, sizeof *d->routes);
		for (const jrp_route *r = svc->routes; r && r->type; r++) {
			d->routes[d->nroutes++] = *r;
			if (r->flags & ROUTE_READ)
				d->front = true;
		}
		d->nroutes += builtin_routes_of(d, d->routes + d->nroutes);
		/* every reply counted by its route (metrics.h), from before the first request */
		d->route_names = xcalloc(d->nroutes, sizeof *d->route_names);
		for (size_t i = 0; i < d->nroutes; i++)
			d->route_names[i] = d->routes[i].type;
		d->metrics = metrics_new(d->route_names, d->nroutes);
	}
	if (d->front) {
		pthread_rwlock_init(&d->front_lock, NULL);
		d->front_cat = d->cat;
		d->front_parties = d->parties;
		snprintf(d->jdir, sizeof d->jdir, "%s", path);
		if (front_recover(d, &e) < 0) {
			log_error("event=journal_recover_failed error=\"%s\"", e.message);
			rc = 1;
			goto out;
		}
	}
	rc = 1;
	d->loop = xmalloc(sizeof *d->loop);
	uv_loop_init(d->loop);
	d->zctx = zmq_ctx_new();
	/* the ZAP handler first: a CURVE server without one would let every key in */
	d->zap = zmq_socket(d->zctx, ZMQ_REP);
	zmq_setsockopt(d->zap, ZMQ_LINGER, &(int){ 0 }, sizeof(int));
	if (zmq_bind(d->zap, ZAP_ENDPOINT) != 0) {
		log_error("event=zap_bind_failed endpoint=%s error=\"%s\"", ZAP_ENDPOINT, zmq_strerror(zmq_errno()));
		goto loop_close;
	}
	d->router = zmq_socket(d->zctx, ZMQ_ROUTER);
	zmq_setsockopt(d->router, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_setsockopt(d->router, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(d->router, ZMQ_LINGER, &lin, sizeof lin);
	{
		/* a reply that cannot be delivered (client gone, or its queue at the high-water
		 * mark) is reported and logged, never dropped silently */
		int mandatory = 1;
		zmq_setsockopt(d->router, ZMQ_ROUTER_MANDATORY, &mandatory, sizeof mandatory);
	}
	{
		int64_t mm = maxmsg;
		zmq_setsockopt(d->router, ZMQ_MAXMSGSIZE, &mm, sizeof mm);
	}
	zmq_setsockopt(d->router, ZMQ_ZAP_DOMAIN, ZAP_DOMAIN, strlen(ZAP_DOMAIN));
	if (d->curve) {
		int one = 1;
		zmq_setsockopt(d->router, ZMQ_CURVE_SERVER, &one, sizeof one);
		zmq_setsockopt(d->router, ZMQ_CURVE_SECRETKEY, d->sec, CONFIG_KEY_Z85);
	}
	if (zmq_bind(d->router, d->cfg->endpoint[svc->svc]) != 0) {
		log_error("event=bind_failed endpoint=%s error=\"%s\"", d->cfg->endpoint[svc->svc],
			  zmq_strerror(zmq_errno()));
		goto loop_close;
	}
	if (strncmp(d->cfg->endpoint[svc->svc], "ipc://", 6) == 0)
		chmod(d->cfg->endpoint[svc->svc] + 6, 0600);
	d->zw = zwatch_new(d->loop, d->zap, zap_on_request, d);
	if (d->front && front_start(d, &e) < 0) {
		log_error("event=front_failed error=\"%s\"", e.message);
		goto loop_close;
	}
	d->rw = zwatch_new(d->loop, d->front ? d->inner : d->router, batch_on_router, d);
	uv_signal_init(d->loop, &d->sigterm);
	uv_signal_init(d->loop, &d->sigint);
	d->sigterm.data = d->sigint.data = d;
	uv_signal_start(&d->sigterm, on_signal, SIGTERM);
	uv_signal_start(&d->sigint, on_signal, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	uv_timer_init(d->loop, &d->tick_timer);
	uv_timer_init(d->loop, &d->park_timer);
	d->tick_timer.data = d->park_timer.data = d;
	uv_timer_start(&d->park_timer, batch_on_park_timer, 50, 50);
	if (svc->upstream >= 0)
		d->pull = start_puller(d);
	if (svc->start)
		svc->start(d);
	retain_start(d);
	daemon_retick(d);
	log_info("event=started endpoint=%s auth=%s catalog=%s test_clock=%s", d->cfg->endpoint[svc->svc],
		 d->curve ? "curve" : "ipc", d->cat->version, d->cfg->test_clock ? "true" : "false");
	/* bound, store open, routes set: systemd may start what comes after us */
	if (notify_sendf("READY=1\nSTATUS=serving %s (catalogue %s)", d->cfg->endpoint[svc->svc], d->cat->version) < 0)
		log_warn("event=notify_failed error=\"%s\"", strerror(errno));
	d->wd = notify_watchdog_start(d->loop);
	uv_run(d->loop, UV_RUN_DEFAULT);
	rc = 0;
	notify_watchdog_stop(&d->wd);
	/* graceful: the batch in flight has committed (single thread); answer parked fetches empty */
	if (d->parked) {
		for (parked *p = d->parked; p; p = p->next)
			p->j->until = 0;
		batch_wake(d, true);
	}
	if (d->front)
		front_stop(d);
	puller_free(&d->pull);
	if (svc->stop)
		svc->stop(d);
	retain_stop(d);
	zwatch_free(&d->rw);
	zwatch_free(&d->zw);
	uv_close((uv_handle_t *)&d->sigterm, NULL);
	uv_close((uv_handle_t *)&d->sigint, NULL);
	uv_close((uv_handle_t *)&d->tick_timer, NULL);
	uv_close((uv_handle_t *)&d->park_timer, NULL);
	uv_run(d->loop, UV_RUN_DEFAULT);
	if (svc->fini)
		svc->fini(d);
	log_info("event=stopped");
loop_close:
	if (d->inner)
		zmq_close(d->inner);
	if (d->outer)
		zmq_close(d->outer);
	if (d->router)
		zmq_close(d->router);
	if (d->zap)
		zmq_close(d->zap);
	zmq_ctx_term(d->zctx);
	uv_loop_close(d->loop);
	free(d->loop);
out:
	while (d->parked) {
		parked *p = d->parked;
		d->parked = p->next;
		request_free(p->j);
		free(p);
	}
	journal_close(&d->jw);
	retain_free(d);
	metrics_free(&d->metrics);
	free(d->route_names);
	free(d->routes);
	store_close(&d->st);
	catalog_free(&d->cat);
	parties_free(&d->parties);
	config_free(&d->cfg);
	if (d->lockfd >= 0)
		close(d->lockfd);
	memset(d->sec, 0, sizeof d->sec);
	return rc;
}

