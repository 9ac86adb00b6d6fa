/*
 * keys.c - jrpctl keys new: a CURVE key pair for a tcp:// deployment
 *
 *   jrpctl keys new NAME [--dir DIR]
 *
 * Writes DIR/NAME.key (public and secret halves, mode 0600; never
 * overwritten) and DIR/NAME.pub (the public half), DIR defaulting to the
 * configuration's keys_dir, and prints the public key with the line that
 * registers it in parties.yaml. A daemon's pair is named after the daemon
 * (ingest, adjudicate, dispatch, feedback); a party's after its id, and the
 * party gives its .key to jrpctl with --key. DESIGN.md Security.
 */
#include "ctl.h"
#include "util/xalloc.h"
#include <errno.h>
#include <getopt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdlib.h>
#include <sys/random.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

int ctl_keys(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "dir", 1, 0, 'd' }, { 0, 0, 0, 0 } };
	char pub[CONFIG_KEY_Z85], sec[CONFIG_KEY_Z85];
	const char *dir = NULL, *name;
	jrp_error e;
	int opt, rc = 1;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'd')
			return 2;
		dir = optarg;
	}
	if (optind != argc - 2 || strcmp(argv[optind], "new") != 0) {
		fprintf(stderr, "usage: jrpctl keys new NAME [--dir DIR]\n");
		return 2;
	}
	name = argv[optind + 1];
	jrp_error_clear(&e);
	if (!dir) {
		if (config_load(c->config_path, &c->cfg, &e) < 0)
			return ctl_fail(c, &e);
		dir = c->cfg->keys_dir;
	}
	if (!zmq_has("curve") || zmq_curve_keypair(pub, sec) != 0) {
		fprintf(stderr, "jrpctl: this libzmq cannot make CURVE keys (built without CURVE support)\n");
		return 1;
	}
	if (config_key_write(dir, name, pub, sec, &e) < 0) {
		ctl_fail(c, &e);
		goto wipe;
	}
	if (c->json) {
		mw w;
		char *key = xasprintf("%s/%s.key", dir, name), *pubf = xasprintf("%s/%s.pub", dir, name);
		mw_init(&w);
		mw_map(&w);
		mw_kbool(&w, "ok", true);
		mw_kstr(&w, "name", name);
		mw_kstr(&w, "public", pub);
		mw_kstr(&w, "key_file", key);
		mw_kstr(&w, "pub_file", pubf);
		mw_end(&w);
		ctl_print_mw(&w);
		mw_free(&w);
		free(key);
		free(pubf);
	} else {
		printf(tr("public key of %s: %s\n"
			  "wrote %s/%s.key (the key pair, mode 0600: keep it secret) and %s/%s.pub\n"
			  "add this line to the entry of %s in parties.yaml:\n"
			  "    pubkey: \"%s\"\n"), name, pub, dir, name, dir, name, name, pub);
	}
	rc = 0;
wipe:
	memset(sec, 0, sizeof sec);
	return rc;
}

/*
 * jrpctl tokens new PARTY - a bearer token for jrp-gateway (README "The HTTP gateway")
 *
 * 32 random bytes as "jrp_" and 64 hex digits, printed once; parties.yaml keeps only its SHA-256
 * ("sha256:<hex>" under the party's tokens), so a copy of the registry gives no one a token. The
 * gateway reads the registry again when the file changes: adding the line is enough.
 */
int ctl_tokens(ctl *c, int argc, char **argv)
{
	unsigned char raw[32], d[32];
	char token[4 + 65], hashed[7 + 65];
	(void)c;
	if (argc != 3 || strcmp(argv[1], "new") != 0) {
		fprintf(stderr, "usage: jrpctl tokens new PARTY\n");
		return 2;
	}
	if (getrandom(raw, sizeof raw, 0) != (ssize_t)sizeof raw) {
		fprintf(stderr, "jrpctl: no random bytes: %s\n", strerror(errno));
		return 1;
	}
	memcpy(token, "jrp_", 4);
	for (int i = 0; i < 32; i++)
		snprintf(token + 4 + 2 * i, 3, "%02x", raw[i]);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, token, strlen(token), d) < 0) {
		fprintf(stderr, "jrpctl: SHA-256 failed\n");
		return 1;
	}
	memcpy(hashed, "sha256:", 7);
	for (int i = 0; i < 32; i++)
		snprintf(hashed + 7 + 2 * i, 3, "%02x", d[i]);
	if (c->json) {
		printf("{\"party\": \"%s\", \"token\": \"%s\", \"hash\": \"%s\"}\n", argv[2], token, hashed);
	} else {
		printf("token of %s (shown once; give it to the party's system, keep it secret):\n%s\n"
		       "add this line to the entry of %s in parties.yaml (the hash only; the gateway reads the file "
		       "again when it changes):\n    tokens: [\"%s\"]\n", argv[2], token, argv[2], hashed);
	}
	memset(raw, 0, sizeof raw);
	memset(token, 0, sizeof token);
	return 0;
}
