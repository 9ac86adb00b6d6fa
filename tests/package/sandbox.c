/*
 * sandbox.c - run a command under the seccomp restrictions of a systemd unit, as systemd
 * would apply them, for tests/package.sh (systemd itself cannot run as PID 1 here)
 *
 *   sandbox SYSCALLS_FILE FAMILIES MDWX -- COMMAND [ARGS]
 *
 * SYSCALLS_FILE: the names SystemCallFilter= allows (tests/package.sh expands the unit's
 * lines with systemd-analyze syscall-filter); any other system call fails with EPERM
 * (SystemCallErrorNumber=EPERM). FAMILIES: RestrictAddressFamilies=, e.g.
 * "AF_UNIX AF_INET AF_INET6 AF_NETLINK": socket(2) of another family fails with
 * EAFNOSUPPORT, as under systemd. MDWX "yes": MemoryDenyWriteExecute= (a mapping both
 * writable and executable fails with EPERM). The caller sets no_new_privs and drops the user
 * and the capabilities (setpriv). Only what a unit file says is emulated; systemd's own
 * namespaces and mounts are the caller's (a private mount namespace).
 */
#include <errno.h>
#include <stdbool.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const struct {
	const char *name;
	int af;
} families[] = {
	{ "AF_UNIX", AF_UNIX }, { "AF_INET", AF_INET }, { "AF_INET6", AF_INET6 }, { "AF_NETLINK", AF_NETLINK },
	{ "AF_PACKET", AF_PACKET },
};

static int die(const char *what, int rc)
{
	fprintf(stderr, "sandbox: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
	return 126;
}

int main(int argc, char **argv)
{
	scmp_filter_ctx ctx;
	char name[128];
	FILE *f;
	int rc, n = 0;
	bool allowed[64] = { 0 };
	if (argc < 6 || strcmp(argv[4], "--") != 0) {
		fprintf(stderr, "usage: sandbox SYSCALLS_FILE FAMILIES MDWX -- COMMAND [ARGS]\n");
		return 2;
	}
	if (!(ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))))
		return die("seccomp_init", ENOMEM);
	if (!(f = fopen(argv[1], "r")))
		return die(argv[1], errno);
	while (fscanf(f, "%127s", name) == 1) {
		int nr = seccomp_syscall_resolve_name(name);
		if (nr == __NR_SCMP_ERROR)
			continue;   /* a name this libseccomp does not know: not on this architecture */
		if (strcmp(name, "socket") == 0 || ((strcmp(name, "mmap") == 0 || strcmp(name, "mprotect") == 0 ||
		    strcmp(name, "pkey_mprotect") == 0) && strcmp(argv[3], "yes") == 0))
			continue;   /* below, with their argument rules */
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0)) < 0)
			return die(name, rc);
		n++;
	}
	fclose(f);
	/* RestrictAddressFamilies=: each allowed family, the others EAFNOSUPPORT */
	for (char *tok = strtok(argv[2], " "); tok; tok = strtok(NULL, " ")) {
		size_t i;
		for (i = 0; i < sizeof families / sizeof families[0] && strcmp(families[i].name, tok) != 0; i++)
			;
		if (i == sizeof families / sizeof families[0])
			return die(tok, EINVAL);
		allowed[families[i].af] = true;
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, families[i].af))) < 0)
			return die("socket", rc);
	}
	for (int af = 0; af < 64; af++)
		if (!allowed[af] && (rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
							 SCMP_A0(SCMP_CMP_EQ, af))) < 0)
			return die("socket", rc);
	/* MemoryDenyWriteExecute=: mmap and mprotect unless both PROT_WRITE and PROT_EXEC */
	if (strcmp(argv[3], "yes") == 0) {
		const int calls[] = { SCMP_SYS(mmap), SCMP_SYS(mprotect), SCMP_SYS(pkey_mprotect) };
		for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
			if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 1,
						   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC, 0))) < 0 ||
			    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 1,
						   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_WRITE))) < 0 ||
			    (rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, calls[i], 1,
						   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC, PROT_EXEC))) < 0)
				return die("mmap", rc);
		}
	}
	if (n < 100)
		return die("too few system calls allowed: is the list right?", EINVAL);
	if (!prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0))
		return die("no_new_privs must be set (NoNewPrivileges=yes; setpriv --no-new-privs)", EPERM);
	if ((rc = seccomp_load(ctx)) < 0)
		return die("seccomp_load", rc);
	seccomp_release(ctx);
	execvp(argv[5], argv + 5);
	return die(argv[5], errno);
}
