/*
 * bench.c - the benchmark programs' shared parts (see bench.h)
 */
#include "bench.h"
#include "codes.h"
#include "proto.h"
#include "store.h"
#include <fcntl.h>
#include <getopt.h>
#include <lmdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static const char *const bins[SVC__N] = { JRP_BIN_INGEST, JRP_BIN_ADJUDICATE, JRP_BIN_DISPATCH, JRP_BIN_FEEDBACK };

/* ---- options ---- */

void bench_args(int argc, char **argv, bench_opts *o, const char *usage)
{
	static const struct option longs[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "records", required_argument, NULL, 'r' },
		{ "sockets", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 's': o->seconds = atof(optarg); break;
		case 'r': o->records = strtoull(optarg, NULL, 10); break;
		case 'k': o->sockets = atoi(optarg); break;
		case 'w': o->window = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [--seconds N] [--records N] [--sockets N] [--window N]\n%s", argv[0], usage);
			exit(2);
		}
	}
	if (o->seconds <= 0 || o->sockets < 1 || o->sockets > 64 || o->window < 1 || o->window > 65536 || !o->records) {
		fprintf(stderr, "%s: bad option value\n", argv[0]);
		exit(2);
	}
}

/* ---- time and output ---- */

int64_t bench_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void bench_note(const char *fmt, ...)
{
	va_list ap;
	fputs("# ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static const char *cell(const char *s)
{
	return s && s[0] ? s : "—";
}

void bench_row(const char *num, const char *figure, const char *value, const char *baseline, const char *ratio,
	       const char *target, const char *bound_fmt, ...)
{
	char bound[2048];
	va_list ap;
	va_start(ap, bound_fmt);
	vsnprintf(bound, sizeof bound, bound_fmt, ap);
	va_end(ap);
	printf("| %s | %s | %s | %s | %s | %s | %s |\n", cell(num), cell(figure), cell(value), cell(baseline), cell(ratio),
	       cell(target), cell(bound));
	fflush(stdout);
}

const char *bench_fmt(const char *fmt, ...)
{
	static char bufs[32][512];
	static unsigned next;
	char *b = bufs[next++ % 32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	return b;
}

const char *bench_num(double v)
{
	char digits[64], out[96];
	size_t n, o = 0;
	snprintf(digits, sizeof digits, "%.0f", v < 0 ? -v : v);
	n = strlen(digits);
	if (v < 0)
		out[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = 0;
	return bench_fmt("%s", out);
}

/* ---- latency samples ---- */

void lat_add(bench_lat *l, int64_t ns)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->ns = realloc(l->ns, l->cap * sizeof *l->ns);
		if (!l->ns)
			abort();
	}
	l->ns[l->n++] = ns;
	l->sorted = false;
}

void lat_merge(bench_lat *into, const bench_lat *from)
{
	for (size_t i = 0; i < from->n; i++)
		lat_add(into, from->ns[i]);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

double lat_pct(bench_lat *l, double p)
{
	size_t i;
	if (!l->n)
		return 0;
	if (!l->sorted) {
		qsort(l->ns, l->n, sizeof *l->ns, cmp_i64);
		l->sorted = true;
	}
	i = (size_t)(p / 100.0 * (double)l->n);
	if (i >= l->n)
		i = l->n - 1;
	return (double)l->ns[i] / 1e6;
}

void lat_free(bench_lat *l)
{
	free(l->ns);
	memset(l, 0, sizeof *l);
}

/* ---- a deployment ---- */

/* rules_objection0 - in RULES/standards.yaml, set tax.major_violation's notice period (5d) to 0d: a
 * record that says the company was notified (bench_record) is effective at once */
static int rules_objection0(const char *rules)
{
	char path[400], *buf, *p, *q;
	long n;
	FILE *f;
	snprintf(path, sizeof path, "%s/standards.yaml", rules);
	if (!(f = fopen(path, "r+")))
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n || !(p = strstr(buf, "id: tax.major_violation")) ||
	    !(q = strstr(p, "notice_period: ")) || (q[15] < '0' || q[15] > '9') || q[16] != 'd' || q[17] != '\n') {
		free(buf);
		fclose(f);
		return -1;
	}
	q[15] = '0';   /* one digit to one digit: the file keeps its length */
	fseek(f, 0, SEEK_SET);
	n = fwrite(buf, 1, (size_t)n, f) == (size_t)n ? 0 : -1;
	free(buf);
	return fclose(f) == 0 ? (int)n : -1;
}

int bench_env_init(bench_env *b, bool objection0)
{
	char rules[300], cmd[700];
	FILE *f;
	jrp_error e;

	memset(b, 0, sizeof *b);
	snprintf(b->dir, sizeof b->dir, "/tmp/jrp-bench-XXXXXX");
	if (!mkdtemp(b->dir))
		return -1;
	snprintf(rules, sizeof rules, "%s/rules", JRP_SOURCE_ROOT);
	if (objection0) {
		snprintf(rules, sizeof rules, "%s/rules", b->dir);
		snprintf(cmd, sizeof cmd, "cp -r '%s/rules' '%s'", JRP_SOURCE_ROOT, rules);
		if (system(cmd) != 0 || rules_objection0(rules) < 0) {
			bench_note("could not make the bench rules copy in %s", rules);
			return -1;
		}
	}
	snprintf(b->config, sizeof b->config, "%s/jrp.yaml", b->dir);
	if (!(f = fopen(b->config, "w")))
		return -1;
	/* the production defaults (1 GiB initial map, log level info), test clock on */
	fprintf(f, "data_dir: data\nrun_dir: run\nrules: %s\nparties: %s/deploy/parties.yaml\n"
		   "test_clock: true\nmap_size_mb: 1024\nlog_level: info\n", rules, JRP_SOURCE_ROOT);
	fclose(f);
	if (config_load(b->config, &b->cfg, &e) < 0) {
		bench_note("config: %s %s", e.field, e.message);
		return -1;
	}
	return 0;
}

static int ping(jrp_client *c, int timeout_ms)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	mw_init(&w);
	client_begin(c, &w, T_PING, NULL);
	rc = client_call(c, &w, timeout_ms, &in, &e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return rc;
}

int bench_start(bench_env *b, int svc, double *ms)
{
	char logp[400];
	const char *ep = b->cfg->endpoint[svc];
	bool ipc = strncmp(ep, "ipc://", 6) == 0;
	int64_t t0 = bench_ns(), until = t0 + 20 * 1000000000LL;
	struct stat st;
	pid_t pid;
	jrp_client *c;

	snprintf(logp, sizeof logp, "%s/%s.log", b->dir, svc_names[svc]);
	if (ipc)
		unlink(ep + 6);   /* so that its appearance means the daemon has bound */
	pid = fork();
	if (pid == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(bins[svc], bins[svc], "-c", b->config, (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	b->pid[svc] = pid;
	/* wait for the socket (a connect before the bind would wait out ZeroMQ's
	 * 100 ms reconnect interval), then for the first answer */
	for (;;) {
		int wst;
		if (waitpid(pid, &wst, WNOHANG) == pid) {
			bench_note("jrp-%s exited at start; log in %s", svc_names[svc], logp);
			b->pid[svc] = 0;
			return -1;
		}
		if (bench_ns() > until) {
			bench_note("jrp-%s did not start within 20 s; log in %s", svc_names[svc], logp);
			return -1;
		}
		if (ipc && stat(ep + 6, &st) != 0) {
			usleep(200);
			continue;
		}
		c = client_new(ep);
		if (ping(c, ipc ? 5000 : 100) == 0) {
			client_free(&c);
			break;
		}
		client_free(&c);
	}
	if (ms)
		*ms = (double)(bench_ns() - t0) / 1e6;
	bench_note("jrp-%s pid %d, log %s", svc_names[svc], (int)pid, logp);
	if (!b->cl[svc])
		b->cl[svc] = client_new(ep);
	return 0;
}

int bench_start_all(bench_env *b)
{
	for (int s = 0; s < SVC__N; s++)
		if (bench_start(b, s, NULL) < 0)
			return -1;
	return bench_clock(b, BENCH_T0);
}

int bench_stop(bench_env *b, int svc, double *ms)
{
	int st = 0;
	int64_t t0 = bench_ns();
	if (!b->pid[svc])
		return 0;
	kill(b->pid[svc], SIGTERM);
	waitpid(b->pid[svc], &st, 0);
	if (ms)
		*ms = (double)(bench_ns() - t0) / 1e6;
	b->pid[svc] = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		bench_note("jrp-%s did not exit cleanly on SIGTERM (status %d); its log is %s/%s.log", svc_names[svc], st,
			   b->dir, svc_names[svc]);
		return st ? st : -1;
	}
	return 0;
}

void bench_env_free(bench_env *b)
{
	char cmd[300];
	int unclean = 0;
	for (int s = SVC__N - 1; s >= 0; s--) {
		client_free(&b->cl[s]);
		if (bench_stop(b, s, NULL) != 0)
			unclean++;
	}
	config_free(&b->cfg);
	if (!b->dir[0])
		return;
	if (getenv("JRP_KEEP_BENCH_DIR") || unclean) {
		bench_note("kept %s", b->dir);
		return;
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", b->dir);
	if (system(cmd) != 0)
		bench_note("could not remove %s", b->dir);
}

int bench_call(bench_env *b, int svc, mw *w, int timeout_ms, msg_in *in, jrp_error *e)
{
	jrp_error_clear(e);
	return client_call(b->cl[svc], w, timeout_ms, in, e);
}

int bench_clock(bench_env *b, const char *now)
{
	for (int s = SVC__N - 1; s >= 0; s--) {
		mw w;
		msg_in in;
		jrp_error e;
		int rc;
		if (!b->pid[s])
			continue;
		mw_init(&w);
		client_begin(b->cl[s], &w, T_CLOCK_SET, NULL);
		mw_kstr(&w, "now", now);
		rc = bench_call(b, s, &w, 10000, &in, &e);
		mw_free(&w);
		if (rc == 0 || rc == JRP_EREPLY)
			msg_in_free(&in);
		if (rc) {
			bench_note("clock.set on jrp-%s: %s %s", svc_names[s], e.code, e.message);
			return rc;
		}
	}
	return 0;
}

uint64_t bench_status_u64(bench_env *b, int svc, const char *key)
{
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t v = 0;
	int rc;
	mw_init(&w);
	client_begin(b->cl[svc], &w, T_STATUS, NULL);
	rc = bench_call(b, svc, &w, 10000, &in, &e);
	if (rc == 0)
		v = obj_u64(in.root, key);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return v;
}

int bench_settle(bench_env *b, int timeout_ms)
{
	int64_t until = bench_ns() + (int64_t)timeout_ms * 1000000;
	while (bench_ns() < until) {
		bool done = true;
		for (int s = SVC_ADJUDICATE; s <= SVC_FEEDBACK && done; s++)
			if (b->pid[s] && b->pid[s - 1] &&
			    bench_status_u64(b, s, "cursor") != bench_status_u64(b, s - 1, "log_last"))
				done = false;
		if (done)
			return 0;
		usleep(10000);
	}
	return -1;
}

uint64_t bench_commits(bench_env *b, int svc)
{
	char path[400];
	MDB_env *env;
	MDB_envinfo info;
	uint64_t n = 0;
	snprintf(path, sizeof path, "%s/%s", b->cfg->data_dir, svc_names[svc]);
	if (mdb_env_create(&env) != 0)
		return 0;
	/* read-only, no lock file: only the meta pages are read */
	if (mdb_env_open(env, path, MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0600) == 0 && mdb_env_info(env, &info) == 0)
		n = (uint64_t)info.me_last_txnid;
	mdb_env_close(env);
	return n;
}

/* ---- /proc ---- */

static int64_t stat_cpu_us(const char *path)
{
	char buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	FILE *f;
	size_t n;
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* after the ")" that ends comm: state is field 3, utime 14, stime 15 */
	if (!(p = strrchr(buf, ')')) ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (int64_t)((ut + st) * 1000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
}

int64_t bench_cpu_us(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	return stat_cpu_us(path);
}

int64_t bench_main_cpu_us(pid_t pid)
{
	char path[80];
	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)pid);
	return stat_cpu_us(path);
}

int64_t bench_front_cpu_us(pid_t pid)
{
	/* the thread named "jrp-front" (daemon.c), 0 if the daemon has none */
	char path[300], comm[64];
	DIR *dp;
	struct dirent *de;
	int64_t us = 0;
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if (!(dp = opendir(path)))
		return 0;
	while ((de = readdir(dp))) {
		FILE *f;
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%s/comm", (int)pid, de->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		if (fgets(comm, sizeof comm, f) && strncmp(comm, "jrp-front", 9) == 0) {
			snprintf(path, sizeof path, "/proc/%d/task/%s/stat", (int)pid, de->d_name);
			us = stat_cpu_us(path);
		}
		fclose(f);
	}
	closedir(dp);
	return us;
}

long bench_rss_kb(pid_t pid, const char *field)
{
	char path[64], line[256], fmt[64];
	long kb = -1;
	FILE *f;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	snprintf(fmt, sizeof fmt, "%s: %%ld kB", field);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, fmt, &kb) == 1)
			break;
	fclose(f);
	return kb;
}

long bench_rss_anon_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "RssAnon: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

double bench_file_mb(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (double)st.st_blocks * 512 / 1048576.0 : 0;
}

int64_t bench_self_cpu_us(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (int64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* machine_cpu - busy time of all CPUs since boot, and the time the
 * hypervisor took from them (steal), µs */
static void machine_cpu(int64_t *busy, int64_t *steal)
{
	unsigned long long v[10] = { 0 }, total;
	long hz = sysconf(_SC_CLK_TCK);
	FILE *f = fopen("/proc/stat", "r");
	*busy = *steal = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &v[6], &v[7], &v[8], &v[9]) >= 8) {
		/* user nice system irq softirq (guest time is already in user; not idle, iowait, steal) */
		total = v[0] + v[1] + v[2] + v[5] + v[6];
		*busy = (int64_t)(total * 1000000ULL / (unsigned long long)hz);
		*steal = (int64_t)(v[7] * 1000000ULL / (unsigned long long)hz);
	}
	fclose(f);
}

void bench_usage_take(bench_env *b, bench_usage *u)
{
	u->ns = bench_ns();
	machine_cpu(&u->machine_busy, &u->machine_steal);
	for (int s = 0; s < SVC__N; s++) {
		u->cpu[s] = b->pid[s] ? bench_cpu_us(b->pid[s]) : 0;
		u->main[s] = b->pid[s] ? bench_main_cpu_us(b->pid[s]) : 0;
		u->front[s] = b->pid[s] ? bench_front_cpu_us(b->pid[s]) : 0;
	}
	u->self = bench_self_cpu_us();
}

const char *bench_usage_str(bench_env *b, const bench_usage *from, const bench_usage *to)
{
	char out[512];
	size_t o = 0;
	double us = (double)(to->ns - from->ns) / 1e3;
	if (us <= 0)
		return "";
	o += (size_t)snprintf(out + o, sizeof out - o, "CPU, %% of one core (main thread; front thread): ");
	for (int s = 0; s < SVC__N; s++)
		if (b->pid[s] && o < sizeof out) {
			o += (size_t)snprintf(out + o, sizeof out - o, "%s %.0f%% (%.0f%%", svc_names[s],
					      100.0 * (double)(to->cpu[s] - from->cpu[s]) / us,
					      100.0 * (double)(to->main[s] - from->main[s]) / us);
			if (to->front[s] && o < sizeof out)
				o += (size_t)snprintf(out + o, sizeof out - o, "; %.0f%%",
						      100.0 * (double)(to->front[s] - from->front[s]) / us);
			if (o < sizeof out)
				o += (size_t)snprintf(out + o, sizeof out - o, "), ");
		}
	{
		double ours = (double)(to->self - from->self);
		double machine = (double)(to->machine_busy - from->machine_busy);
		for (int s = 0; s < SVC__N; s++)
			if (b->pid[s])
				ours += (double)(to->cpu[s] - from->cpu[s]);
		if (o < sizeof out)
			snprintf(out + o, sizeof out - o,
				 "load generator %.0f%%; machine %.0f%% busy of %ld00%%, other processes and kernel threads %.0f%%, hypervisor steal %.0f%%",
				 100.0 * (double)(to->self - from->self) / us, 100.0 * machine / us, sysconf(_SC_NPROCESSORS_ONLN),
				 machine > ours ? 100.0 * (machine - ours) / us : 0.0,
				 100.0 * (double)(to->machine_steal - from->machine_steal) / us);
	}
	return bench_fmt("%s", out);
}

void bench_peak_sample(void *arg)
{
	bench_peak *p = arg;
	for (int s = 0; s < SVC__N; s++)
		if (p->b->pid[s]) {
			long kb = bench_rss_anon_kb(p->b->pid[s]);
			if (kb > p->kb[s])
				p->kb[s] = kb;
		}
}

/* ---- records and subjects ---- */

#define USCC_PREFIX "91350100MA"

void bench_uscc(uint64_t n, char out[19])
{
	snprintf(out, 19, USCC_PREFIX "%07llu", (unsigned long long)(n % 10000000));
	out[17] = codes_uscc_checkchar(out);
	out[18] = 0;
}

long bench_uscc_index(const char *code)
{
	long n = 0;
	if (strlen(code) != 18 || strncmp(code, USCC_PREFIX, 10) != 0)
		return -1;
	for (int i = 10; i < 17; i++) {
		if (code[i] < '0' || code[i] > '9')
			return -1;
		n = n * 10 + (code[i] - '0');
	}
	return n;
}

void bench_record(mw *w, uint64_t n, bool black)
{
	char code[19], buf[64];
	bench_uscc(n, code);
	mw_str(w, "record");
	mw_map(w);
	snprintf(buf, sizeof buf, "BR-%llu", (unsigned long long)n);
	mw_kstr(w, "record_id", buf);
	mw_kstr(w, "kind", "penalty");
	mw_kstr(w, "domain", "tax");
	mw_str(w, "subject");
	mw_map(w);
	mw_kstr(w, "type", "org");
	mw_kstr(w, "code", code);
	mw_kstr(w, "name", "示范基准测试有限公司");
	mw_end(w);
	snprintf(buf, sizeof buf, "示税稽罚〔2026〕%llu号", (unsigned long long)n);
	mw_kstr(w, "decision_no", buf);
	mw_kstr(w, "decision_date", BENCH_DECISION_DATE);
	if (black) {
		mw_kbool(w, "final", true);   /* tax.major_violation lists only final decisions */
		/* the bureau notified the company before identification, as a serious standard requires */
		mw_str(w, "notice");
		mw_map(w);
		mw_kstr(w, "date", BENCH_DECISION_DATE);
		mw_end(w);
	}
	mw_kstr(w, "violation", "tax_evasion");
	mw_ki64(w, "amount", black ? 5000000 : 1000);
	mw_ki64(w, "base_amount", 20000000);
	mw_kstr(w, "facts", "虚假申报，少缴税款");
	mw_end(w);
}

void bench_build_black(void *arg, uint64_t n, mw *w)
{
	bench_record(w, n, true);
}

void bench_build_plain(void *arg, uint64_t n, mw *w)
{
	bench_record(w, n, false);
}

/* ---- the load generator ---- */

typedef struct lthread {
	bench_load *L;
	int t;
	void *zctx;
	int64_t t_start, t_end;
	pthread_barrier_t *ready;
	atomic_int *done;
	/* requests in flight: slot k & mask holds the k-th request's start time and id */
	int64_t *slot_t, *slot_sent;
	uint64_t *slot_id;
	uint64_t mask;
	bench_lat lat, lat_sent;
	uint64_t sent, ok, failed, wrong, lost, late;
	int64_t last_ns;
	char error[400];
} lthread;

static int64_t intended(const lthread *th, uint64_t k)
{
	const bench_load *L = th->L;
	double per_socket = L->rate / L->sockets;
	return th->t_start + (int64_t)(((double)k + (double)th->t / L->sockets) * 1e9 / per_socket);
}

static void on_reply(lthread *th, const void *data, size_t len, int64_t now)
{
	bench_load *L = th->L;
	msg_in in;
	jrp_error e;
	uint64_t id, i, k;
	if (msg_parse(data, len, 64u << 20, &in, &e) < 0) {
		msg_in_free(&in);
		th->wrong++;
		return;
	}
	id = obj_u64(in.root, "id");
	i = id - 1;
	k = i / (uint64_t)L->sockets;
	if (!id || th->slot_id[k & th->mask] != id) {
		th->wrong++;   /* not a request of ours in flight */
		msg_in_free(&in);
		return;
	}
	th->slot_id[k & th->mask] = 0;
	if (!obj_bool(in.root, "ok")) {
		th->failed++;
		if (!th->error[0]) {
			const msgpack_object *err = obj_get(in.root, "error");
			char code[32], field[128], msg[200];
			snprintf(th->error, sizeof th->error, "%s %s: %s", obj_cstr(err, "code", code, sizeof code),
				 obj_cstr(err, "field", field, sizeof field), obj_cstr(err, "message", msg, sizeof msg));
		}
	} else if (L->verify && !L->verify(L->arg, L->first + i, &in)) {
		th->wrong++;
	} else {
		th->ok++;
		lat_add(&th->lat, now - th->slot_t[k & th->mask]);
		if (L->rate > 0)
			lat_add(&th->lat_sent, now - th->slot_sent[k & th->mask]);
	}
	msg_in_free(&in);
}

static void *load_thread(void *arg)
{
	lthread *th = arg;
	bench_load *L = th->L;
	void *sock = zmq_socket(th->zctx, ZMQ_DEALER);
	int lin = 0, hwm = 1000000, fd;
	size_t fdsz = sizeof fd;
	uint64_t k = 0, inflight = 0;
	int64_t drain_until = 0;
	bool open_loop = L->rate > 0;
	mw w;

	zmq_setsockopt(sock, ZMQ_LINGER, &lin, sizeof lin);
	zmq_setsockopt(sock, ZMQ_SNDHWM, &hwm, sizeof hwm);
	zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
	zmq_connect(sock, L->endpoint);
	zmq_getsockopt(sock, ZMQ_FD, &fd, &fdsz);
	prctl(PR_SET_TIMERSLACK, 1UL);   /* wake on time: the open loop paces sends to the µs */
	mw_init(&w);
	pthread_barrier_wait(th->ready);
	for (;;) {
		int64_t now = bench_ns();
		bool stopping = now >= th->t_end || (L->stop && atomic_load(L->stop));
		zmq_msg_t m;
		int ev = 0;
		size_t evsz = sizeof ev;
		struct timespec ts;
		struct pollfd pfd = { fd, POLLIN, 0 };
		int64_t wait_ns;

		/* send what is due */
		while (!stopping && inflight < (uint64_t)L->window) {
			uint64_t i = k * (uint64_t)L->sockets + (uint64_t)th->t;
			int64_t due = open_loop ? intended(th, k) : now;
			if (L->count && i >= L->count) {
				stopping = true;
				break;
			}
			if (due > now)
				break;
			mw_reset(&w);
			mw_map(&w);
			mw_ku64(&w, "v", JRP_PROTO_VERSION);
			mw_kstr(&w, "type", L->type);
			mw_ku64(&w, "id", i + 1);
			mw_kstr(&w, "party", L->party);
			L->build(L->arg, L->first + i, &w);
			mw_end(&w);
			if (zmq_send(sock, mw_data(&w), mw_len(&w), ZMQ_DONTWAIT) < 0)
				break;
			now = bench_ns();
			th->slot_t[k & th->mask] = due;
			th->slot_sent[k & th->mask] = now;
			th->slot_id[k & th->mask] = i + 1;
			if (L->sent_at && i < L->count)
				L->sent_at[i] = now;
			if (open_loop && now - due > 1000000)
				th->late++;
			k++;
			inflight++;
			th->sent++;
		}
		/* take every reply waiting */
		for (;;) {
			zmq_msg_init(&m);
			if (zmq_msg_recv(&m, sock, ZMQ_DONTWAIT) < 0) {
				zmq_msg_close(&m);
				break;
			}
			now = bench_ns();
			on_reply(th, zmq_msg_data(&m), zmq_msg_size(&m), now);
			zmq_msg_close(&m);
			th->last_ns = now;
			inflight--;
		}
		if (stopping) {
			if (!drain_until)
				drain_until = now + 15 * 1000000000LL;
			if (inflight == 0)
				break;
			if (now > drain_until) {
				th->lost = inflight;
				break;
			}
		}
		/* ZMQ_FD only signals a change: block on it only if ZMQ_EVENTS says nothing is waiting */
		zmq_getsockopt(sock, ZMQ_EVENTS, &ev, &evsz);
		if (ev & ZMQ_POLLIN)
			continue;
		wait_ns = 100 * 1000000LL;
		if (!stopping) {
			if (th->t_end - now < wait_ns)
				wait_ns = th->t_end - now;
			if (open_loop && inflight < (uint64_t)L->window && intended(th, k) - now < wait_ns)
				wait_ns = intended(th, k) - now;
		}
		if (wait_ns <= 0)
			continue;
		ts.tv_sec = wait_ns / 1000000000;
		ts.tv_nsec = wait_ns % 1000000000;
		ppoll(&pfd, 1, &ts, NULL);
	}
	mw_free(&w);
	zmq_close(sock);
	atomic_fetch_add(th->done, 1);
	return NULL;
}

int bench_load_run(bench_load *L, void (*sample)(void *), void *sample_arg)
{
	int n = L->sockets;
	lthread *th = calloc((size_t)n, sizeof *th);
	pthread_t *tid = calloc((size_t)n, sizeof *tid);
	pthread_barrier_t ready;
	atomic_int done = 0;
	void *zctx = zmq_ctx_new();
	uint64_t ring = 1;
	int64_t t_start, last = 0;

	while (ring < (uint64_t)L->window * 2)
		ring <<= 1;
	L->sent = L->ok = L->failed = L->wrong = L->lost = L->late = 0;
	L->error[0] = 0;
	memset(&L->lat, 0, sizeof L->lat);
	memset(&L->lat_sent, 0, sizeof L->lat_sent);
	pthread_barrier_init(&ready, NULL, (unsigned)n + 1);
	for (int t = 0; t < n; t++) {
		th[t].L = L;
		th[t].t = t;
		th[t].zctx = zctx;
		th[t].ready = &ready;
		th[t].done = &done;
		th[t].mask = ring - 1;
		th[t].slot_t = calloc(ring, sizeof *th[t].slot_t);
		th[t].slot_sent = calloc(ring, sizeof *th[t].slot_sent);
		th[t].slot_id = calloc(ring, sizeof *th[t].slot_id);
		th[t].t_end = INT64_MAX;
	}
	/* every thread starts on the same clock, a little later: the sockets connect meanwhile */
	t_start = bench_ns() + 50 * 1000000LL;
	for (int t = 0; t < n; t++) {
		th[t].t_start = t_start;
		if (L->seconds > 0)
			th[t].t_end = t_start + (int64_t)(L->seconds * 1e9);
		pthread_create(&tid[t], NULL, load_thread, &th[t]);
	}
	pthread_barrier_wait(&ready);
	while (bench_ns() < t_start)
		usleep(1000);
	while (atomic_load(&done) < n) {
		usleep(100000);
		if (sample)
			sample(sample_arg);
	}
	for (int t = 0; t < n; t++) {
		pthread_join(tid[t], NULL);
		L->sent += th[t].sent;
		L->ok += th[t].ok;
		L->failed += th[t].failed;
		L->wrong += th[t].wrong;
		L->lost += th[t].lost;
		L->late += th[t].late;
		if (th[t].last_ns > last)
			last = th[t].last_ns;
		if (!L->error[0] && th[t].error[0])
			snprintf(L->error, sizeof L->error, "%s", th[t].error);
		lat_merge(&L->lat, &th[t].lat);
		lat_merge(&L->lat_sent, &th[t].lat_sent);
		lat_free(&th[t].lat);
		lat_free(&th[t].lat_sent);
		free(th[t].slot_t);
		free(th[t].slot_sent);
		free(th[t].slot_id);
	}
	pthread_barrier_destroy(&ready);
	zmq_ctx_term(zctx);
	free(th);
	free(tid);
	L->t_first_ns = t_start;
	L->elapsed = last > t_start ? (double)(last - t_start) / 1e9 : 0;
	if (L->failed || L->wrong || L->lost)
		bench_note("%s: %llu failed, %llu wrong, %llu lost of %llu sent%s%s", L->type,
			   (unsigned long long)L->failed, (unsigned long long)L->wrong, (unsigned long long)L->lost,
			   (unsigned long long)L->sent, L->error[0] ? "; first error: " : "", L->error);
	return L->sent ? 0 : -1;
}

void bench_load_free(bench_load *L)
{
	lat_free(&L->lat);
	lat_free(&L->lat_sent);
}

/* ---- an agency reading its task stream ---- */

static void *stream_thread(void *arg)
{
	bench_stream *s = arg;
	jrp_client *c = client_new(s->b->cfg->endpoint[SVC_DISPATCH]);
	int64_t until = bench_ns() + (int64_t)(s->timeout_s * 1e9);
	mw w;

	mw_init(&w);
	while (s->got < s->want && bench_ns() < until) {
		msg_in in;
		jrp_error e;
		const msgpack_object *ts;
		int rc;
		client_begin(c, &w, T_TASKS_FETCH, s->agency);
		mw_ku64(&w, "after", s->cursor);
		mw_ku64(&w, "max", JRP_MAX_FETCH);
		mw_ku64(&w, "wait_ms", 1000);
		rc = client_call(c, &w, 10000, &in, &e);
		if (rc != 0) {
			if (rc == JRP_EREPLY)
				msg_in_free(&in);
			snprintf(s->error, sizeof s->error, "tasks.fetch: %.31s %.200s", e.code, e.message);
			break;
		}
		ts = obj_get(in.root, "tasks");
		if (ts && ts->type == MSGPACK_OBJECT_ARRAY && ts->via.array.size) {
			int64_t now = bench_ns();
			for (uint32_t i = 0; i < ts->via.array.size; i++) {
				char code[40];
				obj_cstr(obj_get(&ts->via.array.ptr[i], "subject"), "code", code, sizeof code);
				if (s->on_task)
					s->on_task(s->arg, bench_uscc_index(code), now);
			}
			s->got += ts->via.array.size;
			s->last_ns = now;
		}
		s->cursor = obj_u64(in.root, "cursor");
		msg_in_free(&in);
	}
	if (s->got < s->want && !s->error[0])
		snprintf(s->error, sizeof s->error, "%llu of %llu tasks within %.0f s", (unsigned long long)s->got,
			 (unsigned long long)s->want, s->timeout_s);
	mw_free(&w);
	client_free(&c);
	return NULL;
}

int bench_stream_start(bench_stream *s)
{
	s->got = 0;
	s->last_ns = 0;
	s->error[0] = 0;
	return pthread_create(&s->th, NULL, stream_thread, s) == 0 ? 0 : -1;
}

int bench_stream_join(bench_stream *s)
{
	pthread_join(s->th, NULL);
	if (s->error[0])
		bench_note("%s stream: %s", s->agency, s->error);
	return s->got >= s->want ? 0 : -1;
}

/* ---- the raw LMDB baseline ---- */

/* raw_put - one record: the log append and, if dedupe, ingest's dedupe key */
static int raw_put(store *st, MDB_txn *txn, uint64_t seq, const void *rec, size_t len, bool dedupe)
{
	char key[64];
	unsigned char val[16];
	int kn, rc = store_log_append(txn, store_dbi(st, 1), seq, rec, len);
	if (rc != 0 || !dedupe)
		return rc;
	kn = snprintf(key, sizeof key, "tax_bureau%cBR-%llu", 0, (unsigned long long)seq);
	be64_put(val, seq);
	be64_put(val + 8, 0x9e3779b97f4a7c15ULL * seq);
	return kv_put(txn, store_dbi(st, 2), key, (size_t)kn, val, 16, 0);
}

int bench_raw_append(const char *dir, const void *rec, size_t len, bool dedupe, bool nested, unsigned batch,
		     uint64_t count, double seconds, bench_raw *out)
{
	static const char *const dbs[] = { "meta", "log", "dedupe" };
	store *st;
	jrp_error e;
	uint64_t seq = 0;
	int64_t t0, until;
	int rc = 0;

	memset(out, 0, sizeof *out);
	if (store_open(dir, 1024u << 20, 65536ull << 20, dbs, 3, &st, &e) < 0) {
		bench_note("raw LMDB: %s", e.message);
		return -1;
	}
	t0 = bench_ns();
	until = t0 + (int64_t)(seconds * 1e9);
	while (out->records < count && bench_ns() < until) {
		MDB_txn *txn;
		unsigned n = 0;
		if ((rc = store_begin(st, true, &txn)) != 0)
			break;
		for (; n < batch && rc == 0; n++) {
			MDB_txn *child;
			if (!nested) {
				rc = raw_put(st, txn, seq + n + 1, rec, len, dedupe);
			} else if ((rc = store_rc(mdb_txn_begin(store_env(st), txn, 0, &child))) == 0) {
				rc = raw_put(st, child, seq + n + 1, rec, len, dedupe);
				if (rc == 0)
					rc = store_rc(mdb_txn_commit(child));
				else
					mdb_txn_abort(child);
			}
		}
		if (rc == 0) {
			int64_t c = bench_ns(), t;
			rc = store_commit(st, txn);
			t = bench_ns() - c;
			out->commit_seconds += (double)t / 1e9;
			lat_add(&out->lat, t);
		} else {
			mdb_txn_abort(txn);
		}
		if (rc == JRP_EFULL && store_grow(st) == 0) {
			rc = 0;
			continue;
		}
		if (rc != 0)
			break;
		seq += n;
		out->records += n;
		out->commits++;
	}
	out->seconds = (double)(bench_ns() - t0) / 1e9;
	store_close(&st);
	return rc == 0 ? 0 : -1;
}

int bench_blacklist(bench_env *b, uint64_t n, int timeout_s)
{
	bench_load L;
	bench_stream st;
	memset(&L, 0, sizeof L);
	L.endpoint = b->cfg->endpoint[SVC_INGEST];
	L.type = T_RECORD_SUBMIT;
	L.party = "tax_bureau";
	L.build = bench_build_black;
	L.sockets = 1;
	L.window = 256;
	L.count = n;
	memset(&st, 0, sizeof st);
	st.b = b;
	st.agency = "procurement_centre";
	st.want = n;
	st.timeout_s = timeout_s;
	if (bench_load_run(&L, NULL, NULL) < 0 || L.ok != n) {
		bench_load_free(&L);
		return -1;
	}
	bench_load_free(&L);
	bench_stream_start(&st);
	if (bench_stream_join(&st) < 0 || bench_settle(b, timeout_s * 1000) < 0)
		return -1;
	return 0;
}
