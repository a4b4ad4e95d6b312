/*
** gnuplot run as a child process on a figure's script: found on PATH, forked and waited for, its
** stderr caught, and the figure renamed into place only when gnuplot succeeded.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include "callscale/gnuplot.h"

int cs_gnuplot_find(char *buf, size_t n)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        struct stat st;
        /* an empty PATH entry means the current directory */
        int m = len ? snprintf(buf, n, "%.*s/gnuplot", (int)len, p) : snprintf(buf, n, "./gnuplot");
        if (m > 0 && (size_t)m < n && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return 0;
        if (!end)
            break;
        p = end + 1;
    }
    if (n)
        buf[0] = '\0';
    return -1;
}

int cs_gnuplot_render(const char *gnuplot, const char *dir, const cs_plot *p, int fig, char *log,
                      size_t nlog, cs_error *err)
{
    char script[64], output[64], tmp[128], arg[200], path[CS_PATH_MAX], tmppath[CS_PATH_MAX];
    cs_plot_script_name(fig, script, sizeof script);
    cs_plot_output_name(p, fig, output, sizeof output);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", output, (long)getpid());
    snprintf(arg, sizeof arg, "outfile='%s'", tmp);
    snprintf(path, sizeof path, "%s/%s", dir, output);
    snprintf(tmppath, sizeof tmppath, "%s/%s", dir, tmp);
    if (nlog)
        log[0] = '\0';
    int fd[2];
    if (pipe(fd))
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run gnuplot: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run gnuplot: %s", strerror(errno));
    }
    if (pid == 0) {
        /* the child: in dir, stdin and stdout on /dev/null, stderr into the pipe */
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(fd[1], 2) < 0 || chdir(dir))
            _exit(126);
        close(fd[0]);
        close(fd[1]);
        close(null);
        execl(gnuplot, "gnuplot", "-e", arg, script, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    size_t used = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fd[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        /* keep what fits; read on so that gnuplot never blocks on a full pipe */
        for (ssize_t i = 0; i < got && used + 1 < nlog; i++)
            log[used++] = chunk[i];
    }
    close(fd[0]);
    if (nlog)
        log[used] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            remove(tmppath);
            return cs_error_set(err, CS_ERR_IO, path, 0, "gnuplot: %s", strerror(errno));
        }
    struct stat st;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        remove(tmppath);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run %s", gnuplot);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
            return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run gnuplot in %s", dir);
        return cs_error_set(err, CS_ERR_IO, path, 0, "gnuplot failed on %s/%s", dir, script);
    }
    if (stat(tmppath, &st) != 0 || st.st_size == 0) {
        remove(tmppath);
        return cs_error_set(err, CS_ERR_IO, path, 0, "gnuplot wrote no figure from %s/%s", dir,
                            script);
    }
    if (rename(tmppath, path) != 0) {
        int e = errno;
        remove(tmppath);
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot rename into place: %s", strerror(e));
    }
    return 0;
}
