/*
** The engine under `run`: this process's threads (build/callscale), or MPI ranks and the threads
** of each (build/callscale-mpi, engine_mpi.c), with rank 0 adding every block in block order.
*/
#ifndef CALLSCALE_CLI_ENGINE_H
#define CALLSCALE_CLI_ENGINE_H

#include "callscale/sweep.h"

#ifdef CALLSCALE_MPI

/* Start the program; non-zero when this process has no part in the command (with MPI, ranks
** other than 0 take part in `run` only). */
int cs_engine_start(int *argc, char ***argv);
/* End the program with exit status rc; with MPI, an error ends the whole job (MPI_Abort) once
** its one line has been printed, by one rank. */
int cs_engine_end(int rc);
/* cs_sweep_run_part spread over the ranks: on the writer, part->block sees every block of the
** part in block order and res gets them added (bins only); on the other ranks res is untouched.
** An error on any rank is returned on the writer (whose caller prints it). */
int cs_engine_sweep(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                    cs_progress_fn progress, void *pdata, cs_results *res, cs_error *err);
/* Whether this process writes the outputs and speaks: rank 0. */
int cs_engine_writer(void);

#else

static inline int cs_engine_start(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static inline int cs_engine_end(int rc)
{
    return rc;
}

static inline int cs_engine_sweep(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                                  cs_progress_fn progress, void *pdata, cs_results *res,
                                  cs_error *err)
{
    return cs_sweep_run_part(ex, threads, part, progress, pdata, res, err);
}

static inline int cs_engine_writer(void)
{
    return 1;
}

#endif

/* The whole sweep of ex, as cs_sweep_run, on the engine: res complete on the writer. */
static inline int cs_engine_run(const cs_experiment *ex, int threads, cs_progress_fn progress,
                                void *pdata, cs_results *res, cs_error *err)
{
    cs_sweep_part all = {0, UINT64_MAX, NULL, NULL};
    cs_results_clear(res);
    int rc = cs_engine_sweep(ex, threads, &all, progress, pdata, res, err);
    if (!rc)
        cs_sweep_total(res);
    return rc;
}

#endif
