/*
 * bench_gateway.c - figure 12 (issue 13): the check through jrp-gateway (HTTP/1.1 + JSON) beside the
 * same check over ZeroMQ, in the same run, with the same number of requests in flight
 *
 * All four daemons run with the bench rules; 1,000 companies are black-listed through the real path
 * (as bench_check does). Then, for --seconds each, alternating so that the machine's drift touches
 * both alike:
 *   - ZeroMQ: one DEALER socket with --window checks in flight (closed loop), dispatch's `check`;
 *   - HTTP: --window keep-alive connections to the gateway, one request in flight on each (HTTP/1.1
 *     has no multiplexing), `POST /v1/check` with a bearer token; every answer parsed (status 200,
 *     "listed" as expected).
 * Latency is per request from its send (closed loop: queueing included). The gateway's CPU per check
 * comes from /proc. The baseline is the ZeroMQ figure: the gateway adds HTTP parsing, JSON both
 * ways, a token hash and one more hop.
 */
#include "bench.h"
#include "proto.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define LISTED 1000
#define UNLISTED_BASE 5000000ULL
/* the token of procurement_centre in the bench's parties copy, and its SHA-256 */
#define TOKEN "jrp_bench0000000000000000000000000000000000000000000000000000000000"

static bool is_listed(uint64_t i) { return i % 10 == 0; }

static void subject_of(uint64_t i, char code[19])
{
	bench_uscc(is_listed(i) ? i / 10 % LISTED : UNLISTED_BASE + (i * 2654435761ULL) % 4000000, code);
}

static void build_check(void *arg, uint64_t i, mw *w)
{
	char code[19];
	subject_of(i, code);
	mw_kstr(w, "subject", code);
	mw_kstr(w, "matter", "public_procurement");
}

static bool verify_check(void *arg, uint64_t i, const msg_in *reply)
{
	return obj_bool(reply->root, "listed") == is_listed(i);
}

/* ---- the gateway ---- */

static pid_t gw_pid;

static int start_gateway(bench_env *b, int *port)
{
	char path[400], cmd[1200], portf[400], hash[80] = "";
	FILE *f;
	snprintf(cmd, sizeof cmd, "printf %%s '%s' | sha256sum", TOKEN);
	if (!(f = popen(cmd, "r")) || !fgets(hash, sizeof hash, f)) {
		if (f)
			pclose(f);
		return -1;
	}
	pclose(f);
	hash[64] = '\0';
	snprintf(cmd, sizeof cmd, "sed 's/^  - id: procurement_centre$/&\\n    tokens: [\"sha256:%s\"]/' '%s/deploy/parties.yaml' "
		 "> '%s/parties-gw.yaml'", hash, JRP_SOURCE_ROOT, b->dir);
	if (system(cmd) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/gw.yaml", b->dir);
	if (!(f = fopen(path, "w")))
		return -1;
	fprintf(f, "data_dir: data\nrun_dir: run\nrules: %s/rules\nparties: parties-gw.yaml\nlog_level: warn\n"
		"gateway:\n  listen: 127.0.0.1:0\n", JRP_SOURCE_ROOT);
	fclose(f);
	snprintf(portf, sizeof portf, "%s/run/gateway.port", b->dir);
	unlink(portf);
	if ((gw_pid = fork()) == 0) {
		snprintf(cmd, sizeof cmd, "%s/gateway.log", b->dir);
		int fd = open(cmd, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* JRP_BENCH_CALLGRIND=FILE: the gateway under callgrind, to count its instructions per check */
		if (getenv("JRP_BENCH_CALLGRIND")) {
			char out[600];
			snprintf(out, sizeof out, "--callgrind-out-file=%s", getenv("JRP_BENCH_CALLGRIND"));
			execlp("valgrind", "valgrind", "--tool=callgrind", out, JRP_BIN_GATEWAY, "-c", path, (char *)NULL);
		}
		execl(JRP_BIN_GATEWAY, JRP_BIN_GATEWAY, "-c", path, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 3000; i++) {
		if ((f = fopen(portf, "r"))) {
			int ok = fscanf(f, "%d", port) == 1;
			fclose(f);
			if (ok)
				return 0;
		}
		usleep(10000);
	}
	return -1;
}

typedef struct conn {
	int fd;
	uint64_t index;
	int64_t t0;
	char buf[16384];
	size_t len;
} conn;

typedef struct http_load {
	int port, conns;
	double seconds;
	uint64_t next, ok, wrong, failed;
	bench_lat lat;
	double elapsed;
	char error[300];
} http_load;

static int send_req(http_load *H, conn *c)
{
	char code[19], body[160], req[512];
	c->index = H->next++;
	subject_of(c->index, code);
	int bl = snprintf(body, sizeof body, "{\"subject\":\"%s\",\"matter\":\"public_procurement\"}", code);
	int n = snprintf(req, sizeof req, "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
			 "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", TOKEN, bl, body);
	c->len = 0;
	c->t0 = bench_ns();
	return write(c->fd, req, (size_t)n) == n ? 0 : -1;
}

/* take - a whole response in c->buf? 1 (checked and counted), 0 (more to read), -1 (broken) */
static int take(http_load *H, conn *c)
{
	c->buf[c->len] = '\0';
	char *end = strstr(c->buf, "\r\n\r\n"), *cl;
	if (!end)
		return 0;
	cl = strcasestr(c->buf, "\r\nContent-Length:");
	if (!cl || cl > end)
		return -1;
	size_t want = (size_t)(end + 4 - c->buf) + (size_t)strtoul(cl + 17, NULL, 10);
	if (c->len < want)
		return 0;
	if (strncmp(c->buf, "HTTP/1.1 200", 12) != 0) {
		H->failed++;
		if (!H->error[0])
			snprintf(H->error, sizeof H->error, "%.200s", c->buf);
	} else if ((strstr(end, "\"listed\":true") != NULL) != is_listed(c->index)) {
		H->wrong++;
	} else {
		H->ok++;
		lat_add(&H->lat, bench_ns() - c->t0);
	}
	return 1;
}

static int http_run(http_load *H)
{
	int ep = epoll_create1(0);
	conn *cs = calloc((size_t)H->conns, sizeof *cs);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)H->port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	for (int i = 0; i < H->conns; i++) {
		cs[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(cs[i].fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(cs[i].fd, (struct sockaddr *)&a, sizeof a) < 0) {
			snprintf(H->error, sizeof H->error, "connect: %s", strerror(errno));
			return -1;
		}
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &cs[i] };
		epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
	}
	int64_t t0 = bench_ns(), stop = t0 + (int64_t)(H->seconds * 1e9), last = t0;
	for (int i = 0; i < H->conns; i++)
		send_req(H, &cs[i]);
	int live = H->conns;
	struct epoll_event evs[64];
	while (live > 0) {
		int n = epoll_wait(ep, evs, 64, 5000);
		if (n <= 0)
			break;
		for (int k = 0; k < n; k++) {
			conn *c = evs[k].data.ptr;
			ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
			if (r <= 0) {
				snprintf(H->error, sizeof H->error, "connection closed");
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				live--;
				continue;
			}
			c->len += (size_t)r;
			int t = take(H, c);
			if (t == 0)
				continue;
			last = bench_ns();
			if (t < 0 || last >= stop) {
				epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				live--;
				continue;
			}
			send_req(H, c);
		}
	}
	H->elapsed = (double)(last - t0) / 1e9;
	for (int i = 0; i < H->conns; i++)
		close(cs[i].fd);
	free(cs);
	close(ep);
	return 0;
}

int main(int argc, char **argv)
{
	bench_opts o = { .seconds = 5, .records = LISTED, .sockets = 1, .window = 64 };
	bench_env b;
	bench_load L;
	int rc = 1, port = 0;
	double zrate = 0, hrate = 0;
	bench_lat zlat = { 0 }, hlat = { 0 };
	int64_t gcpu = 0;
	uint64_t hok = 0;
	const int rounds = 3;

	bench_args(argc, argv, &o, "  --seconds N  each of the 3 alternating rounds of each (default 5)\n"
				   "  --window N   requests in flight: ZeroMQ checks on one socket, HTTP connections (64)\n");
	signal(SIGPIPE, SIG_IGN);
	if (bench_env_init(&b, true) < 0 || bench_start_all(&b) < 0)
		goto out;
	bench_note("gateway: black-listing %d companies", LISTED);
	if (bench_blacklist(&b, LISTED, 60) < 0)
		goto out;
	if (start_gateway(&b, &port) < 0) {
		bench_note("gateway: did not start (see %s/gateway.log)", b.dir);
		goto out;
	}
	double zs = 0, hs = 0;
	uint64_t zok = 0;
	for (int r = 0; r < rounds; r++) {
		memset(&L, 0, sizeof L);
		L.endpoint = b.cfg->endpoint[SVC_DISPATCH];
		L.type = T_CHECK;
		L.party = "procurement_centre";
		L.build = build_check;
		L.verify = verify_check;
		L.sockets = 1;
		L.window = o.window;
		L.seconds = o.seconds;
		L.first = (uint64_t)r * 10000000;
		bench_load_run(&L, NULL, NULL);
		zok += L.ok;
		zs += L.elapsed;
		lat_merge(&zlat, &L.lat);
		if (L.wrong || L.failed)
			bench_note("gateway: ZeroMQ round %d: %llu wrong, %llu failed: %s", r, (unsigned long long)L.wrong,
				   (unsigned long long)L.failed, L.error);
		bench_load_free(&L);

		http_load H = { .port = port, .conns = o.window, .seconds = o.seconds, .next = (uint64_t)r * 10000000 + 5000000 };
		int64_t c0 = bench_cpu_us(gw_pid);
		if (http_run(&H) < 0) {
			bench_note("gateway: %s", H.error);
			goto out;
		}
		gcpu += bench_cpu_us(gw_pid) - c0;
		hok += H.ok;
		hs += H.elapsed;
		lat_merge(&hlat, &H.lat);
		if (H.wrong || H.failed)
			bench_note("gateway: HTTP round %d: %llu wrong, %llu failed: %s", r, (unsigned long long)H.wrong,
				   (unsigned long long)H.failed, H.error);
		lat_free(&H.lat);
		bench_note("gateway: round %d: ZeroMQ %.0f checks/s, HTTP %.0f checks/s", r,
			   zs > 0 ? (double)zok / zs : 0, hs > 0 ? (double)hok / hs : 0);
	}
	zrate = zs > 0 ? (double)zok / zs : 0;
	hrate = hs > 0 ? (double)hok / hs : 0;
	bench_row("12", bench_fmt("checks/s through jrp-gateway (HTTP/1.1 keep-alive, JSON, bearer token; %d connections, one "
				  "request each in flight; %d alternating rounds of %.0f s)", o.window, rounds, o.seconds),
		  bench_fmt("%s checks/s; p50 %.2f, p99 %.2f ms", bench_num(hrate), lat_pct(&hlat, 50), lat_pct(&hlat, 99)),
		  bench_fmt("the same check over ZeroMQ, %d in flight on one DEALER: %s checks/s; p50 %.2f, p99 %.2f ms",
			    o.window, bench_num(zrate), lat_pct(&zlat, 50), lat_pct(&zlat, 99)),
		  bench_fmt("%.2f of ZeroMQ", zrate > 0 ? hrate / zrate : 0), "",
		  "jrp-gateway's own CPU: %.1f µs a check (HTTP parsing, JSON both ways, SHA-256 of the token, one more hop); "
		  "the load generator, the gateway and dispatch share 2 cores", hok ? (double)gcpu / (double)hok : 0);
	rc = 0;
out:
	if (gw_pid > 0) {
		kill(gw_pid, SIGTERM);
		waitpid(gw_pid, NULL, 0);
	}
	lat_free(&zlat);
	lat_free(&hlat);
	bench_env_free(&b);
	return rc;
}
