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
#include <getopt.h>
#include <stdlib.h>
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
