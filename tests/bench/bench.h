/*
 * bench.h - what the jrp benchmark programs share
 *
 * A deployment in a temporary directory (the integration harness's pattern:
 * a config with test_clock on and ipc:// sockets, the real daemon binaries,
 * rules and parties from the source tree), a pipelined load generator over
 * raw ZeroMQ DEALER sockets (closed loop with a window, or open loop at a
 * fixed offered rate), a long-polling reader of an agency's task stream,
 * latency percentiles, /proc readings, LMDB commit counts, the raw-LMDB
 * baseline, and the markdown rows every program prints.
 *
 * Output: the result rows go to stdout as markdown table rows (run.sh adds
 * the header); progress and context go to stderr as "# ..." lines.
 *
 * Threads: client.h keeps its request id in a static, so only one thread at a
 * time may use the synchronous calls (bench_call and everything built on it:
 * clock, status, settle, the task-stream reader). The load generator builds
 * its own requests and ids and may run alongside.
 */
#ifndef JRP_BENCH_H
#define JRP_BENCH_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "client.h"
#include "config.h"
#include "msg.h"

/* the test clock at the start of every run: Monday 2026-11-23, 09:00 Beijing;
 * records are decided three days before */
#define BENCH_T0 "2026-11-23T09:00:00+08:00"
#define BENCH_DECISION_DATE "2026-11-20"
/* ten days later: every 5-working-day objection window opened at T0 has passed */
#define BENCH_T0_PLUS_10D "2026-12-03T09:00:00+08:00"

/* ---- options (each program sets its defaults, then parses) ---- */

typedef struct bench_opts {
	double seconds;      /* --seconds N: length of the main timed run */
	uint64_t records;    /* --records N: records pushed through the pipeline */
	int sockets;         /* --sockets N: load generator sockets (one thread each) */
	int window;          /* --window N: requests in flight per socket */
} bench_opts;

void bench_args(int argc, char **argv, bench_opts *o, const char *usage);

/* ---- time and output ---- */

int64_t bench_ns(void);   /* CLOCK_MONOTONIC, ns */
void bench_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* bench_row - one markdown row: | # | figure | value | baseline | ratio | target | bounded by |
 * (NULL or "" cells print as "—"); the last cell is printf-formatted */
void bench_row(const char *num, const char *figure, const char *value, const char *baseline, const char *ratio,
	       const char *target, const char *bound_fmt, ...) __attribute__((format(printf, 7, 8)));
/* bench_fmt - printf into one of a few rotating static buffers (for row cells) */
const char *bench_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* bench_num - 123456.7 -> "123,457" */
const char *bench_num(double v);

/* ---- latency samples ---- */

typedef struct bench_lat {
	int64_t *ns;
	size_t n, cap;
	bool sorted;
} bench_lat;

void lat_add(bench_lat *l, int64_t ns);
void lat_merge(bench_lat *into, const bench_lat *from);
/* lat_pct - the p-th percentile (0..100) in ms; 0 if empty */
double lat_pct(bench_lat *l, double p);
void lat_free(bench_lat *l);

/* ---- a deployment in a temporary directory ---- */

typedef struct bench_env {
	char dir[256];
	char config[300];
	pid_t pid[SVC__N];
	jrp_client *cl[SVC__N];
	jrp_config *cfg;
} bench_env;

/* bench_env_init - mkdtemp /tmp/jrp-bench-XXXXXX and write the config. With
 * objection0 the rules are a copy of rules/ in which tax.major_violation has
 * notice_period 0d, so a black-list record that says the company was notified is effective at once (bench only). */
int bench_env_init(bench_env *b, bool objection0);
/* bench_start - start one daemon and wait until it answers ping; *ms (if not
 * NULL) is the time from fork to the first answer */
int bench_start(bench_env *b, int svc, double *ms);
/* bench_start_all - every daemon (upstream first) and the clock at BENCH_T0 */
int bench_start_all(bench_env *b);
/* bench_stop - SIGTERM and wait; *ms (if not NULL) is the time to exit; returns the exit status */
int bench_stop(bench_env *b, int svc, double *ms);
/* bench_env_free - stop what runs and remove the directory (kept if
 * JRP_KEEP_BENCH_DIR is set or a daemon did not exit 0) */
void bench_env_free(bench_env *b);

/* bench_call - one synchronous request (client_begin'd into w) to svc; 0, JRP_EREPLY or other */
int bench_call(bench_env *b, int svc, mw *w, int timeout_ms, msg_in *in, jrp_error *e);
/* bench_clock - clock.set on every running daemon, downstream first */
int bench_clock(bench_env *b, const char *now);
/* bench_status_u64 - a field of svc's status reply (0 if absent) */
uint64_t bench_status_u64(bench_env *b, int svc, const char *key);
/* bench_settle - wait until each running consumer's cursor is at its upstream's log end */
int bench_settle(bench_env *b, int timeout_ms);
/* bench_commits - write transactions committed so far in svc's LMDB
 * environment (its last txn id, read from the meta pages; empty
 * transactions do not count) */
uint64_t bench_commits(bench_env *b, int svc);

/* ---- /proc ---- */

int64_t bench_cpu_us(pid_t pid);        /* utime + stime of the whole process, µs */
int64_t bench_main_cpu_us(pid_t pid);
int64_t bench_front_cpu_us(pid_t pid);   /* ... of its main thread only (the daemon's loop) */
long bench_rss_anon_kb(pid_t pid);
long bench_rss_kb(pid_t pid, const char *field);   /* a "kB" line of /proc/PID/status (RssAnon, RssFile), -1 */      /* RssAnon from /proc/PID/status, -1 if unknown */
double bench_file_mb(const char *path); /* disk space a file takes, MiB */
int64_t bench_self_cpu_us(void);        /* this process (the load generator) */

/* bench_usage - CPU of every running daemon, of this process and of the
 * whole machine, as a snapshot; bench_usage_str says, between two snapshots,
 * each one's share of a core (whole process, and its main thread), and how
 * much the rest of the machine used (other processes, kernel threads) */
typedef struct bench_usage {
	int64_t ns;
	int64_t cpu[SVC__N], main[SVC__N], front[SVC__N], self;   /* front: dispatch's front thread */
	int64_t machine_busy, machine_steal;    /* every CPU, from /proc/stat, µs */
} bench_usage;
void bench_usage_take(bench_env *b, bench_usage *u);
const char *bench_usage_str(bench_env *b, const bench_usage *from, const bench_usage *to);

/* bench_peak - the highest RssAnon of each running daemon; bench_peak_sample
 * is a sample callback for bench_load_run (arg: the bench_peak) */
typedef struct bench_peak {
	bench_env *b;
	long kb[SVC__N];
} bench_peak;
void bench_peak_sample(void *arg);

/* ---- records and subjects ---- */

/* bench_uscc - the n-th subject: "91350100MA" + 7 digits of n + the check character */
void bench_uscc(uint64_t n, char out[19]);
/* bench_uscc_index - n back from a code made by bench_uscc, -1 for any other code */
long bench_uscc_index(const char *code);
/* bench_record - add "record": {...} to an open request map: the record of
 * subject n (record id "BR-n"); black: a major tax evasion of 5,000,000 yuan,
 * which meets tax.major_violation; otherwise a 1,000 yuan tax penalty that
 * meets no list standard */
void bench_record(mw *w, uint64_t n, bool black);
/* ... as bench_load build callbacks (record.submit bodies) */
void bench_build_black(void *arg, uint64_t n, mw *w);
void bench_build_plain(void *arg, uint64_t n, mw *w);

/* ---- the load generator ---- */

typedef struct bench_load {
	/* what to send */
	const char *endpoint, *type, *party;
	uint64_t first;          /* request i carries index first + i to build() */
	/* build - add the request's fields to the open map (envelope already written) */
	void (*build)(void *arg, uint64_t index, mw *w);
	/* verify - optional look at an ok reply; return false to count it as wrong */
	bool (*verify)(void *arg, uint64_t index, const msg_in *reply);
	void *arg;
	/* how */
	int sockets;             /* one thread and one DEALER socket each */
	int window;              /* requests in flight per socket at most */
	double rate;             /* > 0: open loop at this total offered rate; 0: closed loop */
	double seconds;          /* stop sending after this long (0: no limit) */
	uint64_t count;          /* stop sending after this many (0: no limit) */
	int64_t *sent_at;        /* optional, count entries: when request i actually went out */
	atomic_bool *stop;       /* optional: stop sending once another thread sets it */
	/* results */
	uint64_t sent, ok, failed, wrong, lost;
	double elapsed;          /* first send to last reply, s */
	int64_t t_first_ns;      /* the first send (open loop: request i is due at t_first_ns + i / rate) */
	bench_lat lat;           /* per ok reply: from the send time (open loop: the scheduled one) */
	bench_lat lat_sent;      /* open loop: from the actual send (the difference: the sender was late) */
	uint64_t late;           /* open loop: sends more than 1 ms behind schedule */
	char error[400];         /* the first error reply */
} bench_load;

/* bench_load_run - run the load; every 100 ms meanwhile call sample(arg) in
 * the calling thread (may be NULL). Returns 0, or -1 if nothing could be sent */
int bench_load_run(bench_load *L, void (*sample)(void *), void *sample_arg);
/* bench_load_free - the results' latency samples (the load may be run again) */
void bench_load_free(bench_load *L);

/* ---- an agency reading its task stream ---- */

typedef struct bench_stream {
	bench_env *b;
	const char *agency;
	uint64_t want;           /* stop after this many tasks */
	double timeout_s;        /* or after this long */
	void (*on_task)(void *arg, long subject_index, int64_t now_ns);
	void *arg;
	/* results */
	uint64_t got, cursor;
	int64_t last_ns;         /* when the last task arrived */
	char error[300];
	pthread_t th;
} bench_stream;

/* bench_stream_start - a thread long-polling tasks.fetch (max 1024, wait 1 s)
 * after its cursor; bench_stream_join waits for it; 0 if `want` tasks came */
int bench_stream_start(bench_stream *s);
int bench_stream_join(bench_stream *s);

/* bench_blacklist - n companies black-listed through the real path (record.submit from tax_bureau, 256 in
 * flight; the bench rules make each effective at once), the procurement centre's n apply tasks read and every
 * daemon caught up, within timeout_s: 0, or -1 */
int bench_blacklist(bench_env *b, uint64_t n, int timeout_s);

/* ---- the raw LMDB baseline ---- */

typedef struct bench_raw {
	uint64_t records, commits;
	double seconds;
	double commit_seconds;   /* of which in mdb_txn_commit: page writes and fsync */
	bench_lat lat;           /* each commit's time (lat_free it) */
} bench_raw;

/* bench_raw_append - a fresh LMDB environment in dir (opened by the same
 * store module, default sync: fsync per commit); write transactions of
 * `batch` records, each an append of rec (len bytes) to a log keyed by 8-byte
 * big-endian seq and, if dedupe, a 16-byte value under "tax_bureau\0BR-n" as
 * ingest writes; with nested, each record in its own nested transaction, as
 * the daemon skeleton runs each request; until `count` records or `seconds`
 * have passed */
int bench_raw_append(const char *dir, const void *rec, size_t len, bool dedupe, bool nested, unsigned batch,
		     uint64_t count, double seconds, bench_raw *out);

#endif
