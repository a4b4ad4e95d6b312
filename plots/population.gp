# The population: how the per-call accuracy p is spread over queries, one colour per component
# (bars: the percentage of all queries in each bin of p; a fixed p is one bar). A query is easy when its
# correct answer is its single most likely answer, p > p*: more votes push easy queries toward
# accuracy 1 and hard ones toward 0. The shaded side of p* is hard. Quantile bins, when the
# experiment uses them, are marked q1 (easiest) .. qN.
set title name . ': per-call accuracy p'
set xlabel 'p, the per-call probability of the correct answer'
set ylabel ylabel
set xrange [0:1]
set xtics 0.1
set format x '%g'
set format y '%g'
set yrange [0:*]
set offsets 0, 0, graph 0.24, 0
set boxwidth binw absolute
set style fill transparent solid 0.75 noborder
# two columns of the key when its titles are short enough to stand side by side, else one
keylen = 0
do for [k=1:ncomp] { keylen = strlen(comp[k]) > keylen ? strlen(comp[k]) : keylen }
if (ncomp < 2 || keylen > 36) { set key outside below center vertical Left reverse } else { set key outside below center horizontal Left reverse maxcols 2 }

if (pstar > 0) {
    set object 1 rect from graph 0, graph 0 to first pstar, graph 1 behind \
        fc rgb '#e6e6e6' fs solid 1.0 noborder
    set arrow 1 from first pstar, graph 0 to first pstar, graph 1 nohead lc rgb '#505050' dt 2 lw 1
    set label 1 hard_label at first pstar, graph 0.95 right offset -0.6, 0 textcolor rgb '#303030'
    set label 2 easy_label at first pstar, graph 0.95 left offset 0.6, 0 textcolor rgb '#303030'
} else {
    set label 2 easy_label at graph 0.02, graph 0.95 left textcolor rgb '#303030'
}
do for [k=1:ncomp] {
    if (comp_pstar[k] > 0 && pstar < 0) {
        set arrow from first comp_pstar[k], graph 0 to first comp_pstar[k], graph 1 nohead lt k dt 2 lw 1.2
    }
}
if (nq > 1) {
    do for [i=1:nq-1] {
        set arrow from first qcut[i], graph 0 to first qcut[i], graph 0.86 nohead front lc rgb '#505050' dt 3 lw 1.2
    }
    do for [i=1:nq] {
        set label qname[i] at first qmid[i], graph 0.86 center textcolor rgb '#505050'
    }
}
plot for [k=1:ncomp] population index (k - 1) using 1:(100 * $2) with boxes lt k fc lt k title comp[k]
