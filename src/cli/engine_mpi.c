/*
** The MPI engine of build/callscale-mpi: a run's blocks in chunks dealt round the ranks, each
** chunk swept by its rank's threads, every block's tally sent to rank 0, which adds them in block
** order (so the bytes are one process's) and alone writes and speaks.
*/
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "engine.h"

/* Chunks per rank: enough that ranks finishing at different moments wait little for each other,
** few enough that starting a chunk's threads is nothing beside sweeping it. */
#define CHUNKS_PER_RANK 8
/* Bytes of tallies in one chunk, at most: a rank holds two chunks (one in flight). */
#define CHUNK_BYTES (32 << 20)

enum { TAG_ERROR = 1, TAG_HEAD, TAG_DATA };

static int rank, size;
static int in_run; /* the command is `run`: every rank takes part */
static int agreed; /* this rank has been through the agreement that starts a run */

/* What a rank says before a chunk's tallies: whether it could sweep it, and if not, why. */
typedef struct head {
    int rc;
    cs_error err;
} head;

int cs_engine_writer(void)
{
    return rank == 0;
}

int cs_engine_start(int *argc, char ***argv)
{
    int provided;
    /* only the main thread calls MPI: the sweep's threads never do */
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    in_run = *argc > 1 && strcmp((*argv)[1], "run") == 0;
    if (rank == 0)
        return 0;
    /* Other ranks say nothing: what they would print, rank 0 prints once. An error that only one
    ** of them meets before its sweep is read back from this file and sent to rank 0. */
    FILE *cap = tmpfile();
    fflush(stdout);
    fflush(stderr);
    if (!freopen("/dev/null", "w", stdout) || !cap || dup2(fileno(cap), 2) < 0)
        MPI_Abort(MPI_COMM_WORLD, 1);
    return !in_run;
}

/* Every rank of a run comes here once, failed (before its sweep) or not: the lowest rank that
** failed, or size when none did. */
static int agree(int failed)
{
    int mine = failed ? rank : size, low;
    MPI_Allreduce(&mine, &low, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    agreed = 1;
    return low;
}

/* On rank low (not 0), its error line, read back from its stderr, to rank 0. */
static void send_error_line(void)
{
    char line[1024] = "callscale: a rank failed without a message";
    fflush(stderr);
    if (lseek(2, 0, SEEK_SET) == 0) {
        ssize_t n = read(2, line, sizeof line - 1);
        if (n > 0) {
            line[n] = '\0';
            line[strcspn(line, "\n")] = '\0';
        }
    }
    MPI_Send(line, (int)strlen(line) + 1, MPI_CHAR, 0, TAG_ERROR, MPI_COMM_WORLD);
}

/* On rank 0: rank low's error line as an error record. */
static int receive_error_line(int low, cs_error *err)
{
    char line[1024];
    MPI_Recv(line, sizeof line, MPI_CHAR, low, TAG_ERROR, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    line[sizeof line - 1] = '\0';
    const char *msg = strncmp(line, "callscale: ", 11) == 0 ? line + 11 : line;
    return cs_error_set(err, CS_ERR_INPUT, "", 0, "%s", msg);
}

int cs_engine_end(int rc)
{
    if (in_run && !agreed) { /* this rank stopped before its sweep: tell the others */
        int low = agree(rc != 0);
        if (low < size && low == rank && rank != 0) {
            send_error_line();
        } else if (low < size && rank == 0) {
            cs_error err;
            if (low != 0) { /* rank 0 itself did not fail: print the line of the one that did */
                receive_error_line(low, &err);
                fprintf(stderr, "callscale: %s\n", err.msg);
            }
            MPI_Abort(MPI_COMM_WORLD, rc ? rc : 1);
        }
        if (low < size && !rc)
            rc = 1;
    } else if (rc && rank == 0) {
        MPI_Abort(MPI_COMM_WORLD, rc); /* its line is printed; the other ranks end with it */
    }
    MPI_Finalize(); /* after an error reported by rank 0, MPI_Abort ends this rank here */
    return rc;
}

/* A chunk's block tallies as they come, one after another in a buffer. */
typedef struct collect {
    cs_cell *buf;
    uint64_t first;
    size_t ncell;
} collect;

static int collect_block(void *data, uint64_t block, const cs_results *tally, cs_error *err)
{
    (void)err;
    collect *c = data;
    memcpy(c->buf + (block - c->first) * c->ncell, tally->cell, c->ncell * sizeof *c->buf);
    return 0;
}

/* On a rank other than 0: its chunks, each swept and sent, two buffers so that one chunk's
** tallies travel while the next is swept. */
static int sweep_worker(const cs_experiment *ex, int threads, uint64_t first, uint64_t last,
                        uint64_t chunk, size_t ncell, cs_error *err)
{
    uint64_t nchunks = (last - first + chunk - 1) / chunk;
    cs_cell *buf[2] = {malloc(chunk * ncell * sizeof(cs_cell)), malloc(chunk * ncell * sizeof(cs_cell))};
    MPI_Request req[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    cs_results scratch;
    head h = {0, {"", 0, ""}};
    if (!buf[0] || !buf[1] || cs_results_init(&scratch, ex))
        h.rc = cs_error_set(&h.err, CS_ERR_NOMEM, ex->file, 0, "out of memory (on MPI rank %d)",
                            rank);
    int k = 0;
    for (uint64_t c = (uint64_t)rank; c < nchunks; c += (uint64_t)size, k ^= 1) {
        uint64_t c0 = first + c * chunk, c1 = c0 + chunk < last ? c0 + chunk : last;
        MPI_Wait(&req[k], MPI_STATUS_IGNORE);
        if (!h.rc) {
            collect col = {buf[k], c0, ncell};
            cs_sweep_part p = {c0, c1, collect_block, &col};
            h.rc = cs_sweep_run_part(ex, threads, &p, NULL, NULL, &scratch, &h.err);
        }
        MPI_Send(&h, (int)sizeof h, MPI_BYTE, 0, TAG_HEAD, MPI_COMM_WORLD);
        if (h.rc)
            break;
        MPI_Isend(buf[k], (int)((c1 - c0) * ncell * 6), MPI_DOUBLE, 0, TAG_DATA, MPI_COMM_WORLD,
                  &req[k]);
    }
    MPI_Waitall(2, req, MPI_STATUSES_IGNORE);
    if (!h.rc)
        cs_results_free(&scratch);
    free(buf[0]);
    free(buf[1]);
    if (h.rc)
        *err = h.err;
    return h.rc;
}

/* On rank 0: every chunk in order, its own swept here, the others' received, every block handed
** to the part's function and added into res in block order. */
static int sweep_root(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                      uint64_t first, uint64_t last, uint64_t chunk, size_t ncell,
                      cs_progress_fn progress, void *pdata, cs_results *res, cs_error *err)
{
    uint64_t nchunks = (last - first + chunk - 1) / chunk;
    cs_cell *buf = size > 1 ? malloc(chunk * ncell * sizeof *buf) : NULL;
    if (size > 1 && !buf)
        return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    uint64_t q0 = first * CS_SWEEP_BLOCK, q1 = last * CS_SWEEP_BLOCK;
    q1 = q1 < ex->queries ? q1 : ex->queries;
    int rc = 0;
    for (uint64_t c = 0; !rc && c < nchunks; c++) {
        uint64_t c0 = first + c * chunk, c1 = c0 + chunk < last ? c0 + chunk : last;
        int owner = (int)(c % (uint64_t)size);
        if (owner == 0) {
            cs_sweep_part p = {c0, c1, part->block, part->data};
            rc = cs_sweep_run_part(ex, threads, &p, NULL, NULL, res, err);
        } else {
            head h;
            MPI_Recv(&h, (int)sizeof h, MPI_BYTE, owner, TAG_HEAD, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            if (h.rc) {
                *err = h.err;
                rc = h.rc;
                break;
            }
            MPI_Recv(buf, (int)((c1 - c0) * ncell * 6), MPI_DOUBLE, owner, TAG_DATA,
                     MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            cs_results tally = *res;
            for (uint64_t b = c0; !rc && b < c1; b++) {
                tally.cell = buf + (b - c0) * ncell;
                if (part->block)
                    rc = part->block(part->data, b, &tally, err);
                if (!rc)
                    cs_results_add(res, &tally);
            }
        }
        if (!rc && progress) {
            uint64_t done = c1 * CS_SWEEP_BLOCK;
            progress(pdata, (done < q1 ? done : q1) - q0, q1 - q0);
        }
    }
    free(buf);
    return rc;
}

int cs_engine_sweep(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                    cs_progress_fn progress, void *pdata, cs_results *res, cs_error *err)
{
    if (!agreed) {
        int low = agree(0);
        if (low < size) { /* a rank failed before its sweep: rank 0 says why */
            if (rank == 0)
                return receive_error_line(low, err);
            return cs_error_set(err, CS_ERR_INPUT, "", 0, "rank %d failed", low);
        }
    }
    uint64_t nb = cs_sweep_nblocks(ex);
    uint64_t last = part->last < nb ? part->last : nb, first = part->first < last ? part->first : last;
    size_t ncell = res->nstrat * res->nbudgets * (res->nbins + 1);
    uint64_t chunk = (last - first + (uint64_t)size * CHUNKS_PER_RANK - 1) /
                     ((uint64_t)size * CHUNKS_PER_RANK);
    uint64_t most = CHUNK_BYTES / (ncell * sizeof(cs_cell));
    chunk = chunk < most ? chunk : most;
    chunk = chunk ? chunk : 1;
    if (rank == 0)
        return sweep_root(ex, threads, part, first, last, chunk, ncell, progress, pdata, res, err);
    return sweep_worker(ex, threads, first, last, chunk, ncell, err);
}
