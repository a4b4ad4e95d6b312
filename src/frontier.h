/*
** Frontiers (callscale.h's cs_frontier): what the planner found, copied out of the experiment
** so that they outlive the study that made them.
*/
#ifndef CALLSCALE_FRONTIER_H
#define CALLSCALE_FRONTIER_H

#include "callscale/experiment.h"
#include "callscale/optimize.h"

/* A frontier holding o's points with ex's names; NULL when out of memory. */
cs_frontier *cs_frontier_new(const cs_experiment *ex, const cs_optimize *o);

#endif
