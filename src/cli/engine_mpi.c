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

enum { TAG_ERROR = 1, TAG_HEAD, TAG_DATA }; /* an error line, an error record, tallies */

static int rank, size;
static int in_run; /* the command is `run`: every rank takes part */
static int agreed; /* this rank has been through the agreement that starts a run */
static int known;  /* every rank knows that the run failed */

/* A rank's error, sent to rank 0 to be printed there. */
typedef struct rank_error {
    int rc;
    cs_error err;
} rank_error;

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

/* Every rank of a run comes here at the same points (the start of its sweep, or its end when it
** stops before; after each round of the sweep), failed or not: the lowest rank that failed, or
** size when none did. */
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
        } else if (low < size && low != 0 && rank == 0) {
            cs_error err; /* rank 0 did not fail: it prints the line of the one that did */
            receive_error_line(low, &err);
            fprintf(stderr, "callscale: %s\n", err.msg);
        }
        if (low < size) {
            known = 1;
            rc = rc ? rc : 1;
        }
    }
    /* Every rank ends by itself with its exit status, mpirun passing on the first non-zero one:
    ** an error is agreed on before any rank stops (here, and at every round of a sweep), so no
    ** rank is left waiting. MPI_Abort would do without the agreement, but Open MPI 4.1's mpirun
    ** crashed or hung after it in 7 of 60 runs on a loaded machine. */
    MPI_Finalize();
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

/* After a round (each rank's sweep of its chunk of the round, or rank 0's adding of the last
** round's): whether every rank could do its part. If not, the lowest rank that failed sends its
** error to rank 0, every rank returns an error, and each knows that all the others know. */
static int round_ok(int rc, const cs_error *mine, cs_error *err)
{
    int low = agree(rc != 0);
    if (low == size)
        return 0;
    known = 1;
    if (rank == 0 && low != 0) {
        rank_error h;
        MPI_Recv(&h, (int)sizeof h, MPI_BYTE, low, TAG_HEAD, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        *err = h.err;
        return h.rc ? h.rc : CS_ERR_INPUT;
    }
    if (rank == low && rank != 0) {
        rank_error h = {rc, *mine};
        MPI_Send(&h, (int)sizeof h, MPI_BYTE, 0, TAG_HEAD, MPI_COMM_WORLD);
    }
    if (rank == low)
        *err = *mine;
    else
        cs_error_set(err, CS_ERR_INPUT, "", 0, "MPI rank %d failed", low);
    return rc ? rc : CS_ERR_INPUT;
}

/* The blocks [c0, c1) of chunk c, of `chunk` blocks from `first`. */
static void chunk_blocks(uint64_t first, uint64_t last, uint64_t chunk, uint64_t c, uint64_t *c0,
                         uint64_t *c1)
{
    *c0 = first + c * chunk;
    *c1 = *c0 + chunk < last ? *c0 + chunk : last;
}

/* On a rank other than 0: its chunk of each round swept, then sent to rank 0 while the next is
** swept into the other of two buffers. */
static int sweep_worker(const cs_experiment *ex, int threads, uint64_t first, uint64_t last,
                        uint64_t chunk, size_t ncell, cs_error *err)
{
    uint64_t nchunks = (last - first + chunk - 1) / chunk;
    uint64_t rounds = (nchunks + (uint64_t)size - 1) / (uint64_t)size;
    size_t bytes = chunk * ncell * sizeof(cs_cell);
    cs_cell *buf[2] = {malloc(bytes), malloc(bytes)};
    MPI_Request req[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    cs_results scratch;
    cs_error mine;
    memset(&mine, 0, sizeof mine);
    int rc = 0, inited = 0;
    if (!buf[0] || !buf[1] || !(inited = !cs_results_init(&scratch, ex)))
        rc = cs_error_set(&mine, CS_ERR_NOMEM, ex->file, 0, "out of memory (on MPI rank %d)",
                          rank);
    for (uint64_t k = 0; k < rounds; k++) {
        uint64_t c = k * (uint64_t)size + (uint64_t)rank, c0 = 0, c1 = 0;
        int b = (int)(k % 2);
        if (c < nchunks && !rc) {
            chunk_blocks(first, last, chunk, c, &c0, &c1);
            MPI_Wait(&req[b], MPI_STATUS_IGNORE); /* the chunk of two rounds ago has left */
            collect col = {buf[b], c0, ncell};
            cs_sweep_part p = {c0, c1, collect_block, &col};
            rc = cs_sweep_run_part(ex, threads, &p, NULL, NULL, &scratch, &mine);
        }
        if ((rc = round_ok(rc, &mine, err)))
            break;
        if (c < nchunks)
            MPI_Isend(buf[b], (int)((c1 - c0) * ncell * 6), MPI_DOUBLE, 0, TAG_DATA,
                      MPI_COMM_WORLD, &req[b]);
    }
    if (!rc)
        rc = round_ok(0, &mine, err); /* rank 0 added the last round */
    MPI_Waitall(2, req, MPI_STATUSES_IGNORE); /* rank 0 has received every chunk sent */
    if (inited)
        cs_results_free(&scratch);
    free(buf[0]);
    free(buf[1]);
    return rc;
}

/* On rank 0: each round, its own chunk swept here, then the other ranks' received, every block
** handed to the part's function and added into res in block order. */
static int sweep_root(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                      uint64_t first, uint64_t last, uint64_t chunk, size_t ncell,
                      cs_progress_fn progress, void *pdata, cs_results *res, cs_error *err)
{
    uint64_t nchunks = (last - first + chunk - 1) / chunk;
    uint64_t rounds = (nchunks + (uint64_t)size - 1) / (uint64_t)size;
    cs_cell *buf = malloc(chunk * ncell * sizeof *buf);
    cs_error mine;
    memset(&mine, 0, sizeof mine);
    int rc = 0;
    if (!buf)
        rc = cs_error_set(&mine, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    if (!rc && !nchunks) { /* an empty shard: no blocks, but the checks of one */
        cs_sweep_part none = {first, first, NULL, NULL};
        rc = cs_sweep_run_part(ex, threads, &none, NULL, NULL, res, &mine);
    }
    uint64_t q0 = first * CS_SWEEP_BLOCK, q1 = last * CS_SWEEP_BLOCK;
    q1 = q1 < ex->queries ? q1 : ex->queries;
    for (uint64_t k = 0; k < rounds; k++) {
        uint64_t c = k * (uint64_t)size, c0, c1;
        if (!rc) {
            chunk_blocks(first, last, chunk, c, &c0, &c1);
            cs_sweep_part p = {c0, c1, part->block, part->data};
            rc = cs_sweep_run_part(ex, threads, &p, NULL, NULL, res, &mine);
        }
        if ((rc = round_ok(rc, &mine, err)))
            break;
        for (int r = 1; r < size && c + (uint64_t)r < nchunks; r++) {
            chunk_blocks(first, last, chunk, c + (uint64_t)r, &c0, &c1);
            /* received even after a failure here, so that no rank is left sending */
            MPI_Recv(buf, (int)((c1 - c0) * ncell * 6), MPI_DOUBLE, r, TAG_DATA, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE);
            cs_results tally = *res;
            for (uint64_t b = c0; !rc && b < c1; b++) {
                tally.cell = buf + (b - c0) * ncell;
                if (part->block)
                    rc = part->block(part->data, b, &tally, &mine);
                if (!rc)
                    cs_results_add(res, &tally);
            }
        }
        if (!rc && progress) {
            uint64_t done = (first + (k + 1) * (uint64_t)size * chunk) * CS_SWEEP_BLOCK;
            progress(pdata, (done < q1 ? done : q1) - q0, q1 - q0);
        }
    }
    if (!rc || !known)
        rc = round_ok(rc, &mine, err);
    free(buf);
    return rc;
}

int cs_engine_sweep(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                    cs_progress_fn progress, void *pdata, cs_results *res, cs_error *err)
{
    if (!agreed) {
        int low = agree(0);
        known = low < size;
        if (known) { /* a rank failed before its sweep: rank 0 says why */
            if (rank == 0)
                return receive_error_line(low, err);
            return cs_error_set(err, CS_ERR_INPUT, "", 0, "rank %d failed", low);
        }
    }
    uint64_t nb = cs_sweep_nblocks(ex);
    uint64_t last = part->last < nb ? part->last : nb;
    uint64_t first = part->first < last ? part->first : last;
    size_t ncell = res->nstrat * res->nbudgets * (res->nbins + 1);
    uint64_t chunk = (last - first + (uint64_t)size * CHUNKS_PER_RANK - 1) /
                     ((uint64_t)size * CHUNKS_PER_RANK);
    uint64_t most = CHUNK_BYTES / (ncell * sizeof(cs_cell));
    chunk = chunk < most ? chunk : most;
    chunk = chunk ? chunk : 1;
    if (rank != 0)
        return sweep_worker(ex, threads, first, last, chunk, ncell, err);
    return sweep_root(ex, threads, part, first, last, chunk, ncell, progress, pdata, res, err);
}
