/*
** The worker's sandbox: once a worker has read its request, it may open no file, start no program
** and make no connection (a seccomp filter, through libseccomp), whatever the request names.
*/
#include <errno.h>
#include <stddef.h>
#include <seccomp.h>
#include "serve.h"

/* The system calls a computation never needs: each fails with EACCES, so a key that names a
** file (a log, a trace) gets the experiment loader's "cannot open" error instead of the file. */
static const int denied[] = {
    SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat), SCMP_SYS(open_by_handle_at),
    SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork),
    SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind), SCMP_SYS(listen),
    SCMP_SYS(accept), SCMP_SYS(accept4),
    SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rmdir),
    SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(link), SCMP_SYS(linkat),
    SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(truncate), SCMP_SYS(chmod),
    SCMP_SYS(fchmodat), SCMP_SYS(chown), SCMP_SYS(fchownat), SCMP_SYS(lchown),
    SCMP_SYS(mknod), SCMP_SYS(mknodat), SCMP_SYS(chdir), SCMP_SYS(chroot), SCMP_SYS(mount),
};

int serve_sandbox_enter(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof denied / sizeof *denied; i++)
        if (denied[i] >= 0) /* a call this architecture lacks (open on arm64) resolves < 0 */
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), denied[i], 0);
    if (!rc)
        rc = seccomp_load(ctx); /* sets no_new_privs itself (libseccomp's default) */
    seccomp_release(ctx);
    return rc ? -1 : 0;
}
