# The latency distribution (the clock, DESIGN.md section 6): for each strategy setting and budget,
# the median latency (point) and a bar to the 90th and on to the 99th percentile, from latency.dat.
idx(s) = s - 1
set title name . ": latency (median; bars to p90, thin to p99)"
set xlabel xlabel
set ylabel 'latency (seconds, arrival to answer)'
set logscale x 2
set logscale y 10
set format y '%g'
set format x '%g'
set xrange [bmin / 1.5 : bmax * 1.5]
stats 'latency.dat' using 3 nooutput
lo = STATS_min
stats 'latency.dat' using 5 nooutput
hi = STATS_max
if (lo == hi) { set yrange [lo / 1.5 : hi * 1.5] }
set offsets 0, 0, graph 0.06, graph 0.06
# the settings side by side at each budget
shift(s) = 2 ** ((s - (nstrat + 1) / 2.0) * 0.06)
keyfont = sprintf('Sans,%.2f', 0.8 * fontsize)
if (nstrat > 4) { set key outside below center horizontal Left reverse maxcols 3 width -1 font keyfont } else { set key outside below center horizontal Left reverse }
set bars 0
set autoscale yfix
plot for [s=1:nstrat] 'latency.dat' index idx(s) using ($1 * shift(s)):3:3:5 with yerrorbars lt s lw 1.2 ps 0 notitle, \
     for [s=1:nstrat] 'latency.dat' index idx(s) using ($1 * shift(s)):3:3:4 with yerrorbars lt s lw 5 ps 0 notitle, \
     for [s=1:nstrat] 'latency.dat' index idx(s) using ($1 * shift(s)):3 with points lt s ps 1.4 title strat_name[s]
