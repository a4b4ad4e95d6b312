/*
** libFuzzer harness: any bytes as an experiment file, loaded from memory (cs_experiment_load_text)
** and, when they load, written back as config.ini and loaded again.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "callscale/experiment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_experiment ex;
    cs_error err;
    if (cs_experiment_load_text(&ex, "fuzz.ini", (const char *)data, size, NULL, 0, &err))
        return 0;
    /* what loads must write out as a file that loads again (config.ini round trip) */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f) {
        int rc = cs_experiment_write(&ex, f);
        fclose(f);
        cs_experiment again;
        if (!rc) {
            if (cs_experiment_load_text(&again, "config.ini", buf, len, NULL, 0, &err)) {
                fprintf(stderr, "config.ini does not load again: %d: %s\n%s", err.line, err.msg, buf);
                abort();
            }
            cs_experiment_free(&again);
        }
        free(buf);
    }
    cs_experiment_free(&ex);
    return 0;
}
