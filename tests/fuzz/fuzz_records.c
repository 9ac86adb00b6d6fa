/*
 * fuzz_records.c - libFuzzer target for the record decoders (common/records.c)
 *
 * The bytes a consumer pulls from its upstream's log (puller.c), and dispatch's
 * own stored copies: whatever they are, decoding never crashes, and a record
 * that decodes is exactly one that an encoder could have written: encoding it
 * again and decoding that gives the same bytes once more (nothing defaulted,
 * nothing lost). Every kind, as an original and as dispatch's copy; and the
 * lenient key that orders records that do not decode.
 * The same for the records between engines (common/exchange.c): another region's bytes.
 * Seeds: tests/fuzz/corpus/records/ (every kind, several actions and classes, the exchange kinds).
 */
#include "exchange.h"
#include "records.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void encode(const jrp_rec *r, mw *w)
{
	switch (r->kind) {
	case REC_EVENT: {
		mw rec;
		mw_init(&rec);
		record_write(&rec, &r->u.event.record);
		event_encode(w, &r->u.event, &rec);
		mw_free(&rec);
		break;
	}
	case REC_CHANGE: change_encode(w, &r->u.change); break;
	case REC_TASK: task_encode(w, &r->u.task); break;
	case REC_CHECK: check_encode(w, &r->u.check); break;
	case REC__N: abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static jrp_rec a, b;
	msg_in in;
	jrp_error e;
	char key[64];
	if (msg_parse(data, size, 1 << 20, &in, &e) == 0)
		rec_key(in.root, key, sizeof key);
	msg_in_free(&in);
	for (int copy = 0; copy < 2; copy++) {
		mw w1, w2;
		if (rec_decode_bytes(data, size, ~0u, copy, &a, &e) != 0)
			continue;
		mw_init(&w1);
		mw_init(&w2);
		encode(&a, &w1);
		if (rec_decode_bytes(mw_data(&w1), mw_len(&w1), ~0u, copy, &b, &e) != 0)
			abort();   /* what an encoder wrote must decode */
		encode(&b, &w2);
		if (mw_len(&w1) != mw_len(&w2) || memcmp(mw_data(&w1), mw_data(&w2), mw_len(&w1)) != 0)
			abort();   /* and say the same again */
		mw_free(&w1);
		mw_free(&w2);
	}
	if (msg_parse(data, size, 1 << 20, &in, &e) == 0) {
		static x_rec xa, xb;
		if (x_decode(in.root, &xa, &e) == 0) {
			mw w1, w2;
			msg_in in2;
			mw_init(&w1);
			mw_init(&w2);
			x_encode(&w1, &xa);
			if (msg_parse(mw_data(&w1), mw_len(&w1), 1 << 20, &in2, &e) != 0 || x_decode(in2.root, &xb, &e) != 0)
				abort();   /* what the encoder wrote must decode */
			x_encode(&w2, &xb);
			if (mw_len(&w1) != mw_len(&w2) || memcmp(mw_data(&w1), mw_data(&w2), mw_len(&w1)) != 0)
				abort();
			msg_in_free(&in2);
			x_free(&xa);
			x_free(&xb);
			mw_free(&w1);
			mw_free(&w2);
		}
	}
	msg_in_free(&in);
	return 0;
}
