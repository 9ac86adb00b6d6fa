/*
 * bulk.c - the bulk loader's pipeline: many record.submit requests in flight on
 * one socket, with a progress bar (ctl.h)
 *
 * submit --lines (a JSON-lines file) and submit --csv (a spreadsheet, csv.c)
 * both send their records through here: up to BULK_WINDOW requests in flight
 * (ingest commits what is waiting together: one fsync per batch), each reply
 * matched to its item by the request id (ids are consecutive from the first).
 */
#include "ctl.h"
#include "clock.h"
#include "proto.h"
#include "util/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define BULK_WINDOW 256

void bulk_init(ctl_bulk *b, ctl *c, jrp_client *cl, size_t total)
{
	*b = (ctl_bulk){ .c = c, .cl = cl, .total = total, .t0 = clock_real_ms() };
	mw_init(&b->refusals);
	mw_arr(&b->refusals);
}

void bulk_free(ctl_bulk *b)
{
	free(b->tag);
	b->tag = NULL;
	b->cap = 0;
	mw_free(&b->refusals);
}

void bulk_progress(ctl_bulk *b, bool force)
{
	if (isatty(2) && !b->c->json && (force || (b->done + b->failed) % 1000 == 0)) {
		int width = 40, filled = b->total ? (int)((b->done + b->failed) * width / b->total) : width;
		double secs = (clock_real_ms() - b->t0) / 1000.0;
		fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.0f records/s", filled, "========================================",
			width - filled, "", b->done + b->failed, b->total, secs > 0 ? b->done / secs : 0.0);
	}
}

/* take_reply - one reply of the window; 0, or -1 when none came within the timeout */
static int take_reply(ctl_bulk *b)
{
	msg_in in;
	if (client_recv(b->cl, b->c->timeout_ms, &in) != 0) {
		fprintf(stderr, tr("\njrpctl: no reply from ingest within %d ms; %zu records were in flight (resubmitting the file is safe: accepted lines answer as duplicates)\n"),
			b->c->timeout_ms, b->inflight);
		return -1;
	}
	b->inflight--;
	if (obj_bool(in.root, "ok")) {
		b->done++;
		b->dups += obj_bool(in.root, "duplicate");
	} else {
		const msgpack_object *err = obj_get(in.root, "error");
		uint64_t idx = obj_u64(in.root, "id") - b->first_id;
		char code[32], field[128], msg[384];
		size_t tag = idx < b->cap ? b->tag[idx] : 0;
		b->failed++;
		obj_cstr(err, "code", code, sizeof code);
		obj_cstr(err, "field", field, sizeof field);
		obj_cstr(err, "message", msg, sizeof msg);
		if (b->refused) {
			b->refused(b->arg, tag, code, field, msg);
		} else if (b->c->json) {
			mw_map(&b->refusals);
			mw_ku64(&b->refusals, "line", tag);
			mw_kstr(&b->refusals, "code", code);
			mw_kstr(&b->refusals, "field", field);
			mw_kstr(&b->refusals, "message", msg);
			mw_end(&b->refusals);
		} else {
			fprintf(stderr, tr("%sjrpctl: line %zu refused [%s] %s: %s\n"), isatty(2) ? "\n" : "", tag, code, field,
				msg);
		}
	}
	msg_in_free(&in);
	bulk_progress(b, false);
	return 0;
}

int bulk_send(void *arg, const char *mp, size_t mplen, size_t tag)
{
	ctl_bulk *b = arg;
	mw w;
	uint64_t id;
	if (b->inflight >= BULK_WINDOW && take_reply(b) < 0)
		return -1;
	mw_init(&w);
	client_begin(b->cl, &w, b->type ? b->type : T_RECORD_SUBMIT, b->c->party);
	mw_str(&w, "record");
	mw_raw(&w, mp, mplen);
	id = client_send(b->cl, &w);
	mw_free(&w);
	if (!id)
		return -1;
	if (!b->first_id)
		b->first_id = id;
	if (id - b->first_id >= b->cap) {
		while (id - b->first_id >= b->cap)
			b->cap = b->cap ? b->cap * 2 : 65536;
		b->tag = xrealloc(b->tag, b->cap * sizeof *b->tag);
	}
	b->tag[id - b->first_id] = tag;
	b->inflight++;
	return 0;
}

void bulk_skip(ctl_bulk *b)
{
	b->failed++;
	bulk_progress(b, false);
}

int bulk_drain(ctl_bulk *b)
{
	int rc = 0;
	while (b->inflight > 0 && (rc = take_reply(b)) == 0)
		;
	bulk_progress(b, true);
	if (isatty(2))
		fputc('\n', stderr);
	return rc;
}
