/*
 * csv.c - jrpctl submit --csv: a department's spreadsheet through the real ingest path
 *
 *   jrpctl --as DEPT submit --csv FILE [--mapping FILE] [--domain D] [--check] [--refused FILE]
 *
 * The clerk's CSV export (双公示 layout, Chinese headers, UTF-8 or GB18030) is
 * read and converted by common/csvrec.c through a mapping file (default: the
 * one of RULES/csv/NAME.yaml whose columns the file has); each row becomes the
 * same msgpack record a line of submit --lines becomes and goes through the
 * same pipeline (bulk.c). Rows refused here or by ingest go to a CSV beside
 * the input with 行号 and 原因. --check sends nothing: the protocol has no
 * validate-only request, so every row is converted and checked here with
 * ingest's own code (records.c's reader, and ingest's record_parse against the
 * catalogue and the department), with ingest's date when it answers.
 */
#include "ctl.h"
#include "clock.h"
#include "conv.h"
#include "csvrec.h"
#include "proto.h"
#include "record.h"
#include "util/xalloc.h"
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHOW_REFUSED 20   /* refusals printed one by one; all of them are in the refused file */

typedef struct csvrun {
	ctl *c;
	csvrec_file *f;
	const jrp_party *dept;
	jrp_date today;
	size_t shown;
	const char *refused_path;
} csvrun;

/* show_refusal - one refused row on stderr (the first SHOW_REFUSED of them) */
static void show_refusal(csvrun *r, size_t i)
{
	const csvrec_refusal *x = csvrec_refusal_of(r->f, i);
	if (!x)
		return;
	if (r->shown < SHOW_REFUSED)
		fprintf(stderr, "%sjrpctl: row %zu refused: %s\n", isatty(2) ? "\r\033[K" : "", x->row, x->reason);
	else if (r->shown == SHOW_REFUSED)
		fprintf(stderr, "%sjrpctl: more rows refused: every one is in %s\n", isatty(2) ? "\r\033[K" : "",
			r->refused_path);
	r->shown++;
}

/* on_refused - ingest refused the record of row `tag` */
static void on_refused(void *arg, size_t tag, const char *code, const char *field, const char *message)
{
	csvrun *r = arg;
	csvrec_refuse(r->f, tag, code, field, message);
	show_refusal(r, tag);
}

/* check_here - --check: what ingest checks beyond the record's structure (services/ingest/record.c,
 * the same code): kind and domain in the catalogue, the department's domains, dates not in the
 * future, the standard a record names, a publication end inside the kind's range */
static int check_here(void *arg, const char *mp, size_t len, jrp_error *e)
{
	csvrun *r = arg;
	msg_in in;
	mr rd;
	jrp_record *rec = xmalloc(sizeof *rec);
	int rc = msg_parse_ref(mp, len, JRP_MAX_MESSAGE, &in, e);
	if (rc == 0 && (rc = mr_init(&rd, in.root, "record", e)) == 0)
		rc = record_parse(&rd, r->c->cat, r->dept, r->today, rec);
	msg_in_free(&in);
	free(rec);
	return rc;
}

/* ingest_today - ingest's date (its clock may be a test clock), or 0 if it does not answer */
static jrp_date ingest_today(ctl *c)
{
	jrp_client *cl = ctl_client(c, SVC_INGEST);
	mw w;
	msg_in in;
	jrp_error e;
	jrp_date d = 0;
	char now[40];
	int rc;
	mw_init(&w);
	client_begin(cl, &w, T_STATUS, NULL);
	rc = client_call(cl, &w, c->timeout_ms < 1000 ? c->timeout_ms : 1000, &in, &e);
	if (rc == 0 && strlen(obj_cstr(in.root, "now", now, sizeof now)) >= 10 && date_parse(now, 10, &d) != 0)
		d = 0;
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&cl);
	return d;
}

/* mapping_names - DIR/csv/NAME.yaml, sorted; NULL if there is no such directory */
static char **mapping_names(const char *dir, size_t *n)
{
	char *cdir = xasprintf("%s/csv", dir);
	DIR *d = opendir(cdir);
	struct dirent *de;
	char **v = NULL;
	*n = 0;
	if (!d) {
		free(cdir);
		return NULL;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0)
			continue;
		v = xrealloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = xasprintf("%s/%s", cdir, de->d_name);
	}
	closedir(d);
	free(cdir);
	for (size_t i = 1; i < *n; i++)   /* a few files: insertion sort */
		for (size_t j = i; j > 0 && strcmp(v[j - 1], v[j]) > 0; j--) {
			char *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v;
}

static void names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* pick_mapping - --mapping, or the one mapping of RULES/csv/ whose required columns the file has */
static int pick_mapping(ctl *c, csvrec_file *f, const char *path, csvrec_map **out)
{
	csvrec_opts o = { .domain = "-" };   /* the header alone decides here; the domain comes after */
	jrp_error e;
	char **names;
	size_t n, fits = 0;
	jrp_error_clear(&e);
	if (path) {
		if (csvrec_map_load(path, out, &e) < 0) {
			fprintf(stderr, "jrpctl: %s: %s\n", e.field, e.message);
			return 1;
		}
		return 0;
	}
	if (!(names = mapping_names(c->cfg->rules_dir, &n)) || !n) {
		fprintf(stderr, "jrpctl: no mapping files in %s/csv: give one with --mapping FILE\n", c->cfg->rules_dir);
		names_free(names, n);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		csvrec_map *m = NULL;
		if (csvrec_map_load(names[i], &m, &e) < 0) {
			fprintf(stderr, "jrpctl: warning: %s: %s (skipped; jrpctl rules check says the same)\n", e.field, e.message);
			continue;
		}
		if (csvrec_bind(f, m, &o, &e) == 0) {
			fits++;
			if (*out) {
				fprintf(stderr, "jrpctl: the file fits both %s and %s: choose with --mapping\n",
					csvrec_map_path(*out), names[i]);
				csvrec_map_free(&m);
				csvrec_map_free(out);
				names_free(names, n);
				return 1;
			}
			*out = m;
		} else {
			csvrec_map_free(&m);
		}
	}
	if (!fits) {
		fprintf(stderr, "jrpctl: the file's columns fit no mapping in %s/csv:\n", c->cfg->rules_dir);
		for (size_t i = 0; i < n; i++) {
			csvrec_map *m = NULL;
			if (csvrec_map_load(names[i], &m, &e) == 0 && csvrec_bind(f, m, &o, &e) < 0)
				fprintf(stderr, "  %s: %s\n", names[i], e.message);
			csvrec_map_free(&m);
		}
		fprintf(stderr, "  (give a mapping that fits with --mapping FILE; the templates beside them show the columns)\n");
	}
	names_free(names, n);
	return fits ? 0 : 1;
}

/* refused_default - FILE.csv -> FILE.refused.csv (else FILE.refused.csv beside FILE) */
static char *refused_default(const char *file)
{
	size_t n = strlen(file);
	if (n > 4 && strcasecmp(file + n - 4, ".csv") == 0)
		return xasprintf("%.*s.refused.csv", (int)(n - 4), file);
	return xasprintf("%s.refused.csv", file);
}

static int write_file(const char *path, const char *data, size_t len)
{
	FILE *fp = fopen(path, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		fprintf(stderr, "jrpctl: cannot write %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* print_summary_json - the summary as one JSON object */
static void print_summary_json(csvrun *r, const char *file, const csvrec_map *m, const char *domain, bool check,
			       const ctl_bulk *b, size_t would, size_t local_refused, bool wrote, uint64_t ms,
			       const char *const *warn, size_t nwarn)
{
	mw w;
	msg_in in;
	jrp_error e;
	mw_init(&w);
	mw_map(&w);
	mw_kstr(&w, "file", file);
	mw_kstr(&w, "encoding", csvrec_encoding_name(csvrec_encoding_of(r->f)));
	mw_kstr(&w, "mapping", csvrec_map_path(m));
	mw_kstr(&w, "kind", csvrec_map_kind(m));
	if (domain)
		mw_kstr(&w, "domain", domain);
	mw_ku64(&w, "rows", csvrec_nrows(r->f));
	mw_kbool(&w, "check", check);
	if (check) {
		mw_ku64(&w, "would_submit", would);
		mw_kbool(&w, "asked_ingest", b->type != NULL);
		if (b->type)
			mw_ku64(&w, "duplicates", b->dups);
		if (r->today)
			mw_kdate(&w, "today", r->today);
	} else {
		mw_ku64(&w, "committed", b->done);
		mw_ku64(&w, "duplicates", b->dups);
		mw_ku64(&w, "unanswered", b->inflight);
	}
	mw_ku64(&w, "refused", csvrec_nrefused(r->f));
	mw_ku64(&w, "refused_here", local_refused);
	if (wrote)
		mw_kstr(&w, "refused_file", r->refused_path);
	mw_ku64(&w, "ms", ms);
	mw_str(&w, "warnings");
	mw_arr(&w);
	for (size_t i = 0; i < nwarn; i++)
		mw_str(&w, warn[i]);
	mw_end(&w);
	mw_end(&w);
	if (msg_parse_ref(mw_data(&w), mw_len(&w), SIZE_MAX, &in, &e) == 0)
		ctl_print_json(in.root);
	msg_in_free(&in);
	mw_free(&w);
}

int ctl_submit_csv(ctl *c, int argc, char **argv)
{
	static const struct option opts[] = { { "csv", 1, 0, 'f' }, { "mapping", 1, 0, 'm' }, { "domain", 1, 0, 'd' },
					      { "check", 0, 0, 'k' }, { "refused", 1, 0, 'r' }, { 0, 0, 0, 0 } };
	const char *file = NULL, *mpath = NULL, *domain = NULL, *refused = NULL;
	char *refused_own = NULL, *text = NULL, *out = NULL;
	bool check = false, wrote = false, remote = false;
	csvrun run = { .c = c };
	csvrec_map *m = NULL;
	csvrec_opts o = { 0 };
	ctl_bulk b = { 0 };
	jrp_client *cl = NULL;
	msgpack_sbuffer sb;
	jrp_error e;
	size_t len, would = 0, local_refused = 0, nwarn, shown_warn;
	const char *const *warn;
	int opt, rc = 0;
	int64_t t0 = clock_real_ms();

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': file = optarg; break;
		case 'm': mpath = optarg; break;
		case 'd': domain = optarg; break;
		case 'k': check = true; break;
		case 'r': refused = optarg; break;
		default:
			fprintf(stderr, "usage: jrpctl submit --csv FILE [--mapping FILE] [--domain D] [--check] [--refused FILE]\n");
			return 2;
		}
	}
	if (!file || optind < argc) {
		fprintf(stderr, "usage: jrpctl submit --csv FILE [--mapping FILE] [--domain D] [--check] [--refused FILE]\n");
		return 2;
	}
	ctl_need_party(c);
	run.dept = parties_find(c->parties, c->party);
	run.refused_path = refused ? refused : (refused_own = refused_default(file));
	{
		struct stat a, bs;
		if (stat(file, &a) == 0 && stat(run.refused_path, &bs) == 0 && a.st_dev == bs.st_dev && a.st_ino == bs.st_ino) {
			fprintf(stderr, "jrpctl: --refused %s is the input file itself\n", run.refused_path);
			free(refused_own);
			return 2;
		}
	}
	jrp_error_clear(&e);
	text = ctl_read_file(file, &len);
	if (csvrec_read(text, len, &run.f, &e) < 0) {
		fprintf(stderr, "jrpctl: %s: %s\n", file, e.message);
		rc = 1;
		goto out;
	}
	if ((rc = pick_mapping(c, run.f, mpath, &m)) != 0)
		goto out;
	/* the domain: the mapping's, else --domain, else the department's only one */
	if (csvrec_map_domain(m)) {
		if (domain && strcmp(domain, csvrec_map_domain(m)) != 0) {
			fprintf(stderr, "jrpctl: mapping %s says domain %s; --domain %s contradicts it\n", csvrec_map_path(m),
				csvrec_map_domain(m), domain);
			rc = 2;
			goto out;
		}
		domain = csvrec_map_domain(m);
	} else if (!domain && run.dept && run.dept->ndomains == 1) {
		domain = run.dept->domains[0];
	}
	o.domain = domain;
	if (check) {
		/* ingest answers: every row is asked with record.check (its own checks, duplicates and the records a row
		 * refers to included; nothing stored); else checked here with ingest's code, as far as that goes */
		run.today = ingest_today(c);
		remote = run.today != 0;
		if (!run.today)
			run.today = clock_today();   /* this machine's date: ingest did not answer */
		if (!remote && c->cat && run.dept) {
			o.check = check_here;
			o.arg = &run;
		}
	}
	if (csvrec_bind(run.f, m, &o, &e) < 0) {
		if (!domain && strstr(e.message, "no domain")) {
			fprintf(stderr, "jrpctl: which domain are the records of? give --domain D");
			for (size_t i = 0; run.dept && i < run.dept->ndomains; i++)
				fprintf(stderr, "%s%s", i ? ", " : " (yours: ", run.dept->domains[i]);
			fprintf(stderr, "%s\n", run.dept && run.dept->ndomains ? ")" : "");
		} else {
			fprintf(stderr, "jrpctl: %s: %s\n", file, e.message);
		}
		rc = 1;
		goto out;
	}
	if (!c->json)
		printf("%s: %zu row%s, %s; mapping %s (%s records%s%s)%s\n", file, csvrec_nrows(run.f),
		       csvrec_nrows(run.f) == 1 ? "" : "s",
		       csvrec_encoding_name(csvrec_encoding_of(run.f)), csvrec_map_path(m), csvrec_map_kind(m),
		       domain ? ", domain " : "", domain ? domain : "",
		       check ? (remote ? "; --check: asked of ingest, nothing is stored" : "; --check: nothing is sent") : "");
	if (check && !remote && !o.check)
		fprintf(stderr, "jrpctl: warning: %s; only the records' structure and codes are checked\n",
			!c->cat ? "the catalogue could not be loaded" : "your party is not in the parties registry");
	nwarn = csvrec_warnings(run.f, &warn);
	for (size_t i = 0; i < nwarn; i++)
		fprintf(stderr, "jrpctl: warning: %s\n", warn[i]);
	shown_warn = nwarn;
	if (!check || remote) {
		cl = ctl_client(c, SVC_INGEST);
		bulk_init(&b, c, cl, csvrec_nrows(run.f));
		b.what = "row";
		b.refused = on_refused;
		b.arg = &run;
		if (check)
			b.type = T_RECORD_CHECK;
	}
	msgpack_sbuffer_init(&sb);
	for (size_t i = 0; i < csvrec_nrows(run.f); i++) {
		msgpack_sbuffer_clear(&sb);
		if (csvrec_convert(run.f, i, &sb) < 0) {
			local_refused++;
			show_refusal(&run, i);
			if (!check || remote)
				bulk_skip(&b);
		} else if (check && !remote) {
			would++;
		} else if (bulk_send(&b, sb.data, sb.size, i) < 0) {
			rc = 1;
			break;
		}
	}
	msgpack_sbuffer_destroy(&sb);
	if ((!check || remote) && bulk_drain(&b) < 0)
		rc = 1;
	if (remote)
		would = b.done - b.dups;   /* new records ingest would accept; b.dups it has already */
	/* warnings that only the rows could show (values left out) */
	nwarn = csvrec_warnings(run.f, &warn);
	for (size_t i = shown_warn; i < nwarn; i++)
		fprintf(stderr, "jrpctl: warning: %s\n", warn[i]);
	/* the refused rows, for the clerk to correct and submit again */
	csvrec_refused_csv(run.f, &out, &len);
	if (out) {
		if (write_file(run.refused_path, out, len) != 0)
			rc = 1;
		else
			wrote = true;
	} else if (access(run.refused_path, F_OK) == 0 && unlink(run.refused_path) == 0 && !c->json) {
		printf("no row refused: removed %s of an earlier run\n", run.refused_path);
	}
	if (csvrec_nrefused(run.f) || ((!check || remote) && b.inflight))
		rc = 1;
	if (c->json) {
		print_summary_json(&run, file, m, domain, check, &b, would, local_refused, wrote,
				   (uint64_t)(clock_real_ms() - t0), warn, nwarn);
	} else if (check && remote) {
		char today[11];
		date_format(run.today, today);
		printf("check only, nothing stored: %zu record%s would be submitted, %zu refused, %zu already accepted "
		       "before%s%s (asked of ingest with record.check as of %s: every check of a submission, duplicates "
		       "and the records a row refers to included)\n", would, would == 1 ? "" : "s", csvrec_nrefused(run.f),
		       b.dups, wrote ? "; the refused rows are in " : "", wrote ? run.refused_path : "", today);
	} else if (check) {
		char today[11];
		date_format(run.today, today);
		printf("check only, nothing sent: %zu record%s would be submitted, %zu refused%s%s (checked here with "
		       "ingest's own code as of %s, ingest not answering: structure, codes, catalogue, your domains; not "
		       "duplicates or the records a row refers to)\n", would, would == 1 ? "" : "s", csvrec_nrefused(run.f),
		       wrote ? "; the refused rows are in " : "", wrote ? run.refused_path : "", today);
	} else {
		printf("%zu records committed (%zu of them already accepted before), %zu refused%s%s, in %.1f s\n", b.done,
		       b.dups, csvrec_nrefused(run.f), wrote ? "; the refused rows are in " : "", wrote ? run.refused_path : "",
		       (clock_real_ms() - t0) / 1000.0);
	}
out:
	free(out);
	bulk_free(&b);
	client_free(&cl);
	csvrec_free(&run.f);
	csvrec_map_free(&m);
	free(text);
	free(refused_own);
	return rc;
}

int ctl_csv_rules_check(ctl *c, const char *dir, const jrp_catalog *cat)
{
	size_t n;
	char **names = mapping_names(dir, &n);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		csvrec_map *m = NULL;
		jrp_error e;
		char *tpl;
		size_t l = strlen(names[i]);
		jrp_error_clear(&e);
		if (csvrec_map_load(names[i], &m, &e) < 0) {
			fprintf(stderr, "jrpctl: %s: %s\n", e.field, e.message);
			rc = 1;
			continue;
		}
		if (!catalog_kind(cat, csvrec_map_kind(m))) {
			fprintf(stderr, "jrpctl: %s: kind %s is not a record kind of catalogue %s\n", names[i], csvrec_map_kind(m),
				cat->version);
			rc = 1;
		} else if (csvrec_map_domain(m) && !catalog_domain(cat, csvrec_map_domain(m))) {
			fprintf(stderr, "jrpctl: %s: domain %s is not a domain of catalogue %s\n", names[i], csvrec_map_domain(m),
				cat->version);
			rc = 1;
		} else {
			if (!c->json)
				printf("  csv mapping %s: %s records%s%s\n", names[i] + strlen(dir) + 1, csvrec_map_kind(m),
			       csvrec_map_title(m) ? ", " : "", csvrec_map_title(m) ? csvrec_map_title(m) : "");
		}
		/* its template, NAME-template.csv: every example row must convert */
		tpl = xasprintf("%.*s-template.csv", (int)(l - 5), names[i]);
		if (access(tpl, F_OK) == 0) {
			size_t len, bad = 0;
			char *text = ctl_read_file(tpl, &len);
			csvrec_file *f = NULL;
			csvrec_opts o = { .domain = cat->ndomains ? cat->domains[0].id : "-" };
			msgpack_sbuffer sb;
			msgpack_sbuffer_init(&sb);
			if (csvrec_read(text, len, &f, &e) < 0 || csvrec_bind(f, m, &o, &e) < 0) {
				fprintf(stderr, "jrpctl: %s: %s\n", tpl, e.message);
				rc = 1;
			} else {
				for (size_t r = 0; r < csvrec_nrows(f); r++)
					if (csvrec_convert(f, r, &sb) < 0) {
						fprintf(stderr, "jrpctl: %s: row %zu: %s\n", tpl, csvrec_refusal_of(f, r)->row,
							csvrec_refusal_of(f, r)->reason);
						bad++;
					}
				if (bad)
					rc = 1;
				else
					if (!c->json)
						printf("    template %s: %zu example row%s convert%s\n", tpl + strlen(dir) + 1,
					       csvrec_nrows(f), csvrec_nrows(f) == 1 ? "" : "s", csvrec_nrows(f) == 1 ? "s" : "");
			}
			msgpack_sbuffer_destroy(&sb);
			csvrec_free(&f);
			free(text);
		}
		free(tpl);
		csvrec_map_free(&m);
	}
	names_free(names, n);
	return rc;
}
