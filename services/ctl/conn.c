/*
 * conn.c - jrpctl's plumbing: the configuration it reads, the clients it opens,
 * one request and its errors, the party it speaks as (ctl.h)
 */
#include "ctl.h"
#include "conv.h"
#include "util/i18n.h"
#include "util/xalloc.h"
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


void ctl_print_error(const jrp_error *e)
{
	/* the code and the field are the protocol's, in every language (greppable) */
	fprintf(stderr, tr("jrpctl: refused [%s]%s%s: %s\n"), e->code, e->field[0] ? " " : "", e->field, e->message);
}

void ctl_print_json(const msgpack_object *o)
{
	conv_msgpack_to_json(o, 2, stdout);
	fputc('\n', stdout);
}

void ctl_print_mw(const mw *w)
{
	msg_in in;
	jrp_error e;
	if (msg_parse(mw_data(w), mw_len(w), SIZE_MAX, &in, &e) == 0)
		ctl_print_json(in.root);
	else   /* a bug of jrpctl's: what it built does not read back */
		fprintf(stderr, "jrpctl: JSON output: %s\n", e.message);
	msg_in_free(&in);
}

void ctl_mw_error(mw *w, const jrp_error *e)
{
	mw_map(w);
	mw_kbool(w, "ok", false);
	mw_str(w, "error");
	mw_map(w);
	mw_kstr(w, "code", e->code[0] ? e->code : JRP_ERR_BAD_VALUE);
	mw_kstr(w, "field", e->field);
	mw_kstr(w, "message", e->message);
	mw_end(w);
	mw_end(w);
}

int ctl_fail(ctl *c, const jrp_error *e)
{
	if (c->json) {
		mw w;
		mw_init(&w);
		ctl_mw_error(&w, e);
		ctl_print_mw(&w);
		mw_free(&w);
	} else {
		fprintf(stderr, "jrpctl: %s: %s\n", e->field, e->message);
	}
	return 1;
}

int ctl_call_quiet(ctl *c, int svc, mw *req, msg_in *reply, jrp_error *e)
{
	jrp_client *cl = ctl_client(c, svc);
	int rc;
	jrp_error_clear(e);
	rc = client_call(cl, req, c->timeout_ms, reply, e);
	if (rc != 0)
		msg_in_free(reply);
	client_free(&cl);
	return rc;
}

void ctl_mw_reply(mw *w, const char *key, int rc, const msg_in *reply, const jrp_error *e)
{
	mw_str(w, key);
	if (rc == 0)
		mw_obj(w, reply->root);
	else
		ctl_mw_error(w, e);
}

int ctl_load(ctl *c, bool need_catalog)
{
	jrp_error e;
	jrp_error_clear(&e);
	if (config_load(c->config_path, &c->cfg, &e) < 0 || parties_load(c->cfg->parties_path, &c->parties, &e) < 0)
		exit(ctl_fail(c, &e));
	if (catalog_load(c->cfg->rules_dir, c->parties, &c->cat, &e) < 0) {
		if (need_catalog)
			exit(ctl_fail(c, &e));
		c->cat = NULL;
	}
	if (c->key_path) {
		if (config_key_read(c->key_path, true, c->pub, c->sec, &e) < 0) {
			fprintf(stderr, "jrpctl: --key %s: %s\n", e.field, e.message);
			exit(1);
		}
		c->have_key = true;
		/* the key says who we are (the daemon checks it); --as may only repeat it */
		for (size_t i = 0; !c->party && i < c->parties->n; i++)
			if (c->parties->v[i].pubkey && strcmp(c->parties->v[i].pubkey, c->pub) == 0)
				c->party = c->parties->v[i].id;
	}
	return 0;
}

jrp_client *ctl_client(ctl *c, int svc)
{
	const char *ep = c->cfg->endpoint[svc];
	char server_pub[CONFIG_KEY_Z85];
	jrp_error e;
	jrp_client *cl;

	if (!config_is_tcp(ep))
		return client_new(ep);
	if (!c->have_key) {
		fprintf(stderr, "jrpctl: jrp-%s listens on %s, which takes only CURVE clients with a registered key: "
			"give your party's key file with --key FILE (or JRP_KEY); make one with: jrpctl keys new PARTY\n",
			svc_names[svc], ep);
		exit(2);
	}
	jrp_error_clear(&e);
	if (config_peer_key(c->cfg, svc_names[svc], server_pub, &e) < 0) {
		fprintf(stderr, "jrpctl: the public key of jrp-%s: %s: %s\n", svc_names[svc], e.field, e.message);
		exit(1);
	}
	if (!(cl = client_new_curve(ep, server_pub, c->pub, c->sec))) {
		fprintf(stderr, "jrpctl: bad CURVE key for jrp-%s\n", svc_names[svc]);
		exit(1);
	}
	return cl;
}

int ctl_call(ctl *c, int svc, mw *req, jrp_client *cl, msg_in *reply)
{
	jrp_error e;
	jrp_client *own = NULL;
	int rc;
	if (!cl)
		cl = own = ctl_client(c, svc);
	jrp_error_clear(&e);
	rc = client_call(cl, req, c->timeout_ms, reply, &e);
	if (rc != 0) {
		if (c->json && rc == JRP_EREPLY)
			ctl_print_json(reply->root);
		else
			ctl_print_error(&e);
		msg_in_free(reply);
	}
	client_free(&own);
	return rc;
}

int ctl_send(ctl *c, int svc, mw *w, msg_in *in)
{
	int rc = ctl_call(c, svc, w, NULL, in);
	mw_free(w);
	return rc ? 1 : 0;
}

/* ctl_need_party - --as PARTY, or a key (a tcp:// daemon knows the party from it) */
const char *ctl_need_party(ctl *c)
{
	if ((!c->party || !c->party[0]) && !c->have_key) {
		fprintf(stderr, "jrpctl: say who you are: --as PARTY (or JRP_PARTY); parties are listed in %s\n",
			c->cfg->parties_path);
		exit(2);
	}
	return c->party;
}

char *ctl_read_file(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;
	if (!f) {
		fprintf(stderr, "jrpctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	do {
		if (n + 65536 > cap)
			buf = xrealloc(buf, cap = (cap ? cap * 2 : 65536) + 65536);
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	if (f != stdin)
		fclose(f);
	buf[n] = 0;
	*len = n;
	return buf;
}

