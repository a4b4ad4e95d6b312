# Accuracy against budget over the whole population (bin 'all'): one line per strategy setting,
# with its 95% band when the curves are Monte Carlo; exact curves, when given, are drawn as lines
# over the Monte Carlo points and bands.
idx(s, b) = (s - 1) * (nbins + 1) + b
set title name . ": accuracy vs budget\n" . note
set xlabel xlabel
set ylabel 'accuracy (fraction correct)'
set logscale x 2
set xrange [bmin:bmax]
set xtics tickstart, 2 ** tickexp
set format x '%.0f'
set format y '%g'
set autoscale yfix
eval flat_y
set offsets 0, 0, graph 0.06, graph 0.06
keyfont = sprintf('Sans,%.2f', 0.8 * fontsize)
keycols = nstrat > 8 ? 3 : 2  # many settings: three columns, so the key does not eat the plot
if (nstrat > 4) { set key outside below center horizontal Left reverse maxcols keycols width -1 font keyfont } else { set key outside below center horizontal Left reverse }

if (mode == 0) {
    plot for [s=1:nstrat] curves index idx(s, 0) using 1:2 with lines lt s title strat[s]
}
if (mode == 1) {
    plot for [s=1:nstrat] curves index idx(s, 0) using 1:3:4 with filledcurves lt s notitle, \
         for [s=1:nstrat] curves index idx(s, 0) using 1:2 with lines lt s title strat[s]
}
if (mode == 2) {
    plot for [s=1:nstrat] curves index idx(s, 0) using 1:3:4 with filledcurves lt s notitle, \
         for [s=1:nstrat] curves index idx(s, 0) using 1:2 with points lt s ps 0.7 notitle, \
         for [s=1:nstrat] exact index idx(s, 0) using 1:2 with lines lt s title strat[s]
}
