# The difficulty confounder. A pair of panels per strategy setting: the whole population on top
# (on its own scale, to show its shape) and each difficulty bin below (on 0..1), with the whole
# population again in black, dashed. Every bin's curve can be monotone while their weighted sum,
# the whole population, rises and then falls: easy bins climb toward 1, hard ones sink toward 0.
# The pairs stand side by side, bincols to a row (callscale wraps more than four settings).
idx(s, b) = (s - 1) * (nbins + 1) + b
all_lc = "rgb '#000000'"

# The legend is drawn by hand below the panels (gnuplot's key cannot lay out columns across a
# multiplot): each bin in its colour, then all queries, black and dashed.
nkey = nbins + 1
array key_text[nkey]
do for [b=1:nbins] {
    key_text[b] = bin[b]
}
key_text[nkey] = 'all queries'
keylen = 0
do for [i=1:nkey] {
    keylen = strlen(key_text[i]) > keylen ? strlen(key_text[i]) : keylen
}
# Room around the panels, as fractions of the canvas, from the font size (a character of DejaVu
# Sans is up to 0.72 of it wide): tick labels and the y label on the left; two lines of title
# and the strategies' names above; tick labels, the x label and the legend's rows below.
em_x = fontsize / width
em_y = fontsize / height
key_colw = (keylen * 0.72 + 4.6) * em_x
keycols = floor(0.99 / key_colw)
keycols = keycols < 1 ? 1 : (keycols > nkey ? nkey : keycols)
keyrows = ceil(nkey / (keycols * 1.0))
key_rowh = 1.35 * em_y
lm = 6.5 * em_x
rm = 1 - 2.0 * em_x
tm = 1 - (nstrat > 1 ? 6.6 : 4.4) * em_y
bm = 6.6 * em_y + keyrows * key_rowh
maintitle = (nstrat > 1 ? name : name . ', ' . strat[1]) . ": accuracy by difficulty bin\n" . note
# The panels' places: columns 5.5 characters apart; the two panels of a setting 1 line apart;
# rows of settings 6.2 lines apart (tick labels below, the next names above).
bincols = exists("bincols") ? bincols : nstrat
binrows = ceil(nstrat / (bincols * 1.0))
col_gap = 5.5 * em_x
pair_gap = 1.0 * em_y
row_gap = 6.2 * em_y
panel_w = (rm - lm - (bincols - 1) * col_gap) / bincols
panel_h = ((tm - bm - (binrows - 1) * row_gap) / binrows - pair_gap) / 2
# place(s, lower): setting s's upper panel (lower = 0) or lower one (lower = 1)
place(s, lower) = sprintf("set lmargin at screen %.6f; set rmargin at screen %.6f; " . \
    "set tmargin at screen %.6f; set bmargin at screen %.6f", \
    lm + ((s - 1) % bincols) * (panel_w + col_gap), \
    lm + ((s - 1) % bincols) * (panel_w + col_gap) + panel_w, \
    tm - int((s - 1) / bincols) * (2 * panel_h + pair_gap + row_gap) - lower * (panel_h + pair_gap), \
    tm - int((s - 1) / bincols) * (2 * panel_h + pair_gap + row_gap) - lower * (panel_h + pair_gap) - panel_h)
set multiplot title maintitle
set logscale x 2
set xrange [bmin:bmax]
# narrower panels, fewer budget labels
tickexp = bincols > 1 ? ceil(log2(bmax / bmin) / 5.0 - 1e-9) : tickexp
tickexp = tickexp < 1 ? 1 : tickexp
set xtics tickstart, 2 ** tickexp
set format y '%g'
unset key
unset title

do for [s=1:nstrat] {
    eval place(s, 0)
    if (nstrat > 1) {
        set label 1 strat[s] at graph 0.5, graph 1 center offset 0, 1.0
    }
    unset xlabel
    set format x ''
    set ylabel ((s - 1) % bincols == 0 ? 'all queries' : '')
    # The whole population's turning point, when it has one: its highest (lowest) value, above
    # (below) both ends by more than 2% of its range, so that noise on a plateau is not one.
    src = mode == 2 ? exact : curves
    # (one column at a time: stats on two columns fits a line, and warns on two points; stats
    # of one column keeps only values inside the current ranges: none fixed while it runs)
    unset logscale x
    set autoscale y
    stats src index idx(s, 0) using 2 nooutput
    npts = STATS_records
    ymax = STATS_max
    imax = STATS_index_max
    ymin = STATS_min
    imin = STATS_index_min
    margin = 0.02 * (ymax - ymin)
    stats src index idx(s, 0) every ::imax::imax using 1 nooutput
    xmax = STATS_min
    stats src index idx(s, 0) every ::imin::imin using 1 nooutput
    xmin = STATS_min
    stats src index idx(s, 0) every ::0::0 using 2 nooutput
    yfirst = STATS_min
    stats src index idx(s, 0) every ::(npts - 1)::(npts - 1) using 2 nooutput
    ylast = STATS_min
    set logscale x 2
    peak = ymax > yfirst + margin && ymax > ylast + margin
    dip = ymin < yfirst - margin && ymin < ylast - margin
    unset label 3
    if (peak) {
        set label 3 sprintf('peak at N = %g', xmax) at xmax, ymax center offset 0, 1.2 front
    }
    if (dip) {
        set label 3 sprintf('dip at N = %g', xmin) at xmin, ymin center offset 0, -1.2 front
    }
    set autoscale y
    set autoscale yfix
    ylo = ymin
    yhi = ymax
    if (yhi - ylo < 1e-9) { eval flat_y_range }
    set offsets 0, 0, graph (peak ? 0.3 : 0.08), graph (dip ? 0.3 : 0.08)
    if (mode == 0) {
        plot curves index idx(s, 0) using 1:2 with lines lw 1.8 lc @all_lc
    }
    if (mode == 1) {
        plot curves index idx(s, 0) using 1:3:4 with filledcurves lc @all_lc, \
             curves index idx(s, 0) using 1:2 with lines lw 1.8 lc @all_lc
    }
    if (mode == 2) {
        plot curves index idx(s, 0) using 1:3:4 with filledcurves lc @all_lc, \
             curves index idx(s, 0) using 1:2 with points pt 7 ps 0.7 lc @all_lc, \
             exact index idx(s, 0) using 1:2 with lines lw 1.8 lc @all_lc
    }
}
unset label 1
unset label 3

do for [s=1:nstrat] {
    eval place(s, 1)
    set format x '%.0f'
    set ylabel ((s - 1) % bincols == 0 ? 'each bin' : '')
    set yrange [0:1]
    set offsets 0, 0, 0, 0
    if (s == nstrat) {
        # one x label under all the columns, then the legend under it
        set label 2 xlabel at screen (lm + rm) / 2, screen bm - 3.9 * em_y center
        key_x0 = 0.5 - keycols * key_colw / 2 + 0.5 * em_x
        key_y0 = 0.5 * em_y + (keyrows - 0.5) * key_rowh
        do for [i=1:nkey] {
            x = key_x0 + int((i - 1) / keyrows) * key_colw
            y = key_y0 - ((i - 1) % keyrows) * key_rowh
            if (i < nkey) {
                set arrow from screen x, screen y to screen x + 2.5 * em_x, screen y nohead lt i lw 1.6
            } else {
                set arrow from screen x, screen y to screen x + 2.5 * em_x, screen y nohead \
                    lc @all_lc lw 1.8 dt (10, 6)
            }
            set label key_text[i] at screen x + 3.1 * em_x, screen y left
        }
    }
    if (mode == 0) {
        plot for [b=1:nbins] curves index idx(s, b) using 1:2 with lines lt b, \
             curves index idx(s, 0) using 1:2 with lines lw 1.8 dt (10, 6) lc @all_lc
    }
    if (mode == 1) {
        plot for [b=1:nbins] curves index idx(s, b) using 1:3:4 with filledcurves lt b, \
             for [b=1:nbins] curves index idx(s, b) using 1:2 with lines lt b, \
             curves index idx(s, 0) using 1:2 with lines lw 1.8 dt (10, 6) lc @all_lc
    }
    if (mode == 2) {
        plot for [b=1:nbins] curves index idx(s, b) using 1:3:4 with filledcurves lt b, \
             for [b=1:nbins] curves index idx(s, b) using 1:2 with points lt b ps 0.7, \
             for [b=1:nbins] exact index idx(s, b) using 1:2 with lines lt b, \
             exact index idx(s, 0) using 1:2 with lines lw 1.8 dt (10, 6) lc @all_lc
    }
}
unset multiplot
