/*
** The strategy table: every strategy callscale knows, one row each.
*/
#include <string.h>
#include "callscale/strategy.h"

extern const cs_strategy_type cs_strategy_vote, cs_strategy_filter_vote, cs_strategy_best_of_n,
    cs_strategy_weighted_vote, cs_strategy_coverage, cs_strategy_resample, cs_strategy_beam,
    cs_strategy_dvts, cs_strategy_rebase, cs_strategy_mcts, cs_strategy_revise,
    cs_strategy_knockout, cs_strategy_adaptive_vote;

const cs_strategy_type *const cs_strategy_types[] = {
    &cs_strategy_vote,      &cs_strategy_filter_vote, &cs_strategy_best_of_n,
    &cs_strategy_weighted_vote, &cs_strategy_coverage, &cs_strategy_resample,
    &cs_strategy_beam, &cs_strategy_dvts, &cs_strategy_rebase, &cs_strategy_mcts,
    &cs_strategy_revise, &cs_strategy_knockout, &cs_strategy_adaptive_vote,
};
const size_t cs_strategy_ntypes = sizeof cs_strategy_types / sizeof cs_strategy_types[0];

const cs_strategy_type *cs_strategy_find(const char *name)
{
    for (size_t i = 0; i < cs_strategy_ntypes; i++)
        if (strcmp(cs_strategy_types[i]->name, name) == 0)
            return cs_strategy_types[i];
    return NULL;
}
