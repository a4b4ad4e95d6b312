# Accuracy against cost: the mean tokens a query spends at each budget (generator, judge and
# reward-model calls; calls when some budget spends no tokens), on a log axis (costcol = 7 and a
# new costlabel put FLOPs there). callscale draws it when strategies spend differently per
# unit of budget, so that a budget axis would compare them unfairly.
idx(s, b) = (s - 1) * (nbins + 1) + b
set title name . ": accuracy vs cost\n" . note
set xlabel costlabel
set ylabel 'accuracy (fraction correct)'
set logscale x 10
set format x '%.0s%c'
# Log ticks at 1 and 3 in each decade: a cost axis often spans only a decade or two.
stats curves using costcol nooutput
do for [e=floor(log10(STATS_min)):ceil(log10(STATS_max))] {
    set xtics add (gprintf('%.0s%c', 3 * 10**e) 3 * 10**e)
}
set format y '%g'
set autoscale xfix
set autoscale yfix
eval flat_y
set offsets 0, 0, graph 0.06, graph 0.06
keyfont = sprintf('Sans,%.2f', 0.8 * fontsize)
keycols = nstrat > 8 ? 3 : 2  # many settings: three columns, so the key does not eat the plot
if (nstrat > 4) { set key outside below center horizontal Left reverse maxcols keycols width -1 font keyfont } else { set key outside below center horizontal Left reverse }

if (mode == 0) {
    plot for [s=1:nstrat] curves index idx(s, 0) using costcol:2 with linespoints lt s title strat_name[s]
}
if (mode == 1) {
    plot for [s=1:nstrat] curves index idx(s, 0) using costcol:3:4 with filledcurves lt s notitle, \
         for [s=1:nstrat] curves index idx(s, 0) using costcol:2 with linespoints lt s title strat_name[s]
}
if (mode == 2) {
    plot for [s=1:nstrat] curves index idx(s, 0) using costcol:3:4 with filledcurves lt s notitle, \
         for [s=1:nstrat] curves index idx(s, 0) using costcol:2 with points lt s ps 0.7 notitle, \
         for [s=1:nstrat] exact index idx(s, 0) using costcol:2 with lines lt s title strat_name[s]
}
