# The accuracy-latency frontier (the clock, DESIGN.md section 6): each strategy setting's p99
# latency against its accuracy, one line through its budgets (labelled N), from latency.dat.
idx(s) = s - 1
set title name . ": accuracy vs p99 latency (the frontier)"
set xlabel 'p99 latency (seconds, arrival to answer)'
set ylabel 'accuracy (fraction correct)'
set logscale x 10
set format y '%g'
set offsets graph 0.04, graph 0.04, graph 0.06, graph 0.06
# one budget of one setting is a single point: give its axes a span of their own
stats 'latency.dat' using 5 nooutput
if (STATS_min == STATS_max) { set xrange [STATS_min / 1.5 : STATS_max * 1.5] }
stats 'latency.dat' using 2 nooutput
if (STATS_min == STATS_max) { set yrange [STATS_min - 0.05 : STATS_max + 0.05] }
keyfont = sprintf('Sans,%.2f', 0.8 * fontsize)
if (nstrat > 4) { set key outside below center horizontal Left reverse maxcols 3 width -1 font keyfont } else { set key outside below center horizontal Left reverse }
plot for [s=1:nstrat] 'latency.dat' index idx(s) using 5:2 with linespoints lt s title strat_name[s], \
     for [s=1:nstrat] 'latency.dat' index idx(s) using 5:2:(sprintf('%d', $1)) with labels offset char 0.9, char 0.6 font keyfont tc lt s notitle
