/*
 * harness.c - start, drive and stop the real daemons (see harness.h)
 */
#include "harness.h"
#include "clock.h"
#include "proto.h"
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

static int ping(harness *h, int svc)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	jrp_client *c = client_new(h->cfg->endpoint[svc]);
	mw_init(&w);
	client_begin(c, &w, T_PING, NULL);
	rc = client_call(c, &w, 200, &in, &e);
	if (rc == 0 || rc == JRP_EINVAL)
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

int h_start(harness *h)
{
	FILE *f;
	jrp_error e;
	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "/tmp/jrp-it-XXXXXX");
	if (!mkdtemp(h->dir))
		return -1;
	snprintf(h->config, sizeof h->config, "%s/jrp.yaml", h->dir);
	if (!(f = fopen(h->config, "w")))
		return -1;
	fprintf(f, "data_dir: data\nrun_dir: run\nrules: %s/rules\nparties: %s/deploy/parties.yaml\n"
		   "test_clock: true\nmap_size_mb: 8\nlog_level: info\n", JRP_SOURCE_ROOT, JRP_SOURCE_ROOT);
	fclose(f);
	if (config_load(h->config, &h->cfg, &e) < 0) {
		fprintf(stderr, "# config: %s %s\n", e.field, e.message);
		return -1;
	}
	for (int s = 0; s < SVC__N; s++)
		if (h_start_daemon(h, s) < 0)
			return -1;
	for (int s = 0; s < SVC__N; s++)
		h->cl[s] = client_new(h->cfg->endpoint[s]);
	/* a fixed, known start: Monday 2026-11-23, 09:00 in Beijing */
	return h_clock(h, "2026-11-23T09:00:00+08:00");
}

void h_kill(harness *h, int svc, int sig)
{
	int st;
	if (!h->pid[svc])
		return;
	kill(h->pid[svc], sig);
	waitpid(h->pid[svc], &st, 0);
	h->pid[svc] = 0;
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
		if (rc == 0 || rc == JRP_EINVAL)
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
	if (rc == 0 || rc == JRP_EINVAL)
		msg_in_free(&in);
	mw_free(&w);
	return v;
}

int h_settle(harness *h)
{
	int64_t until = clock_real_ms() + 10000;
	while (clock_real_ms() < until) {
		bool done = true;
		for (int s = SVC_ADJUDICATE; s <= SVC_FEEDBACK; s++)
			if (h_status_u64(h, s, "cursor") != h_status_u64(h, s - 1, "log_last"))
				done = false;
		if (done)
			return 0;
		usleep(5000);
	}
	return -1;
}
