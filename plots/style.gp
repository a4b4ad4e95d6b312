# callscale figure style: callscale pastes this into every figure script, after the variables
# it writes (format, width, height, outname, span, tall; see the head of each script).
# Colours: Okabe & Ito's palette, told apart under the common colour-vision deficiencies (yellow,
# weak on white, comes last). Fonts and lines are proportional to the width of one panel, so a
# figure reads the same at any size once scaled to a paper column: the width is in points for PDF
# (252 pt = 3.5 in, a 6 pt font) and in pixels otherwise (cairo draws 1 pt as 1 px).
reset
set encoding utf8
# tall: the height the figure is designed for, as a share of its width (0.7 for one panel, 1 for
# the two rows of the bins figure); a squatter canvas gets a smaller font, so that nothing crowds.
fontsize = width / (42.0 * span)
fontsize = height / (42.0 * tall) < fontsize ? height / (42.0 * tall) : fontsize
# pdfcairo draws linewidth 1 as 0.5 pt where the other terminals draw 1 px (or 1 pt).
linescale = fontsize / 9.5 * (format eq 'pdf' ? 2 : 1)
font = sprintf("Sans,%.2f", fontsize)
# pdfcairo takes inches and rounds the points down: a hair more keeps the size in points exact.
term = format eq 'pdf' ? sprintf("pdfcairo size %.6fin,%.6fin", (width + 1e-3) / 72.0, \
                                 (height + 1e-3) / 72.0) : \
       format eq 'svg' ? sprintf("svg size %d,%d background '#ffffff'", width, height) : \
                      sprintf("pngcairo size %d,%d background '#ffffff'", width, height)
term = term . sprintf(" font '%s' linewidth %.3f noenhanced", font, linescale)
set terminal @term
set output outname

set linetype 1 lc rgb '#0072B2' lw 1.6 pt 7 ps 0.9 dt 1   # blue
set linetype 2 lc rgb '#D55E00' lw 1.6 pt 5 ps 0.9 dt 1   # vermillion
set linetype 3 lc rgb '#009E73' lw 1.6 pt 9 ps 1.0 dt 1   # bluish green
set linetype 4 lc rgb '#CC79A7' lw 1.6 pt 13 ps 1.0 dt 1  # reddish purple
set linetype 5 lc rgb '#E69F00' lw 1.6 pt 11 ps 1.0 dt 1  # orange
set linetype 6 lc rgb '#56B4E9' lw 1.6 pt 15 ps 0.9 dt 1  # sky blue
set linetype 7 lc rgb '#000000' lw 1.6 pt 3 ps 0.9 dt 1   # black
set linetype 8 lc rgb '#F0E442' lw 1.6 pt 1 ps 0.9 dt 1   # yellow
# settings 9 to 16: the same colours, dashed, with open points
set linetype 9 lc rgb '#0072B2' lw 1.6 pt 6 ps 0.9 dt (6, 3)
set linetype 10 lc rgb '#D55E00' lw 1.6 pt 4 ps 0.9 dt (6, 3)
set linetype 11 lc rgb '#009E73' lw 1.6 pt 8 ps 1.0 dt (6, 3)
set linetype 12 lc rgb '#CC79A7' lw 1.6 pt 12 ps 1.0 dt (6, 3)
set linetype 13 lc rgb '#E69F00' lw 1.6 pt 10 ps 1.0 dt (6, 3)
set linetype 14 lc rgb '#56B4E9' lw 1.6 pt 14 ps 0.9 dt (6, 3)
set linetype 15 lc rgb '#000000' lw 1.6 pt 2 ps 0.9 dt (6, 3)
set linetype 16 lc rgb '#F0E442' lw 1.6 pt 1 ps 0.9 dt (6, 3)
set linetype cycle 16
set pointsize linescale / 1.5

band_alpha = 0.22          # 95% bands: light enough that the lines over them stay readable
set style fill transparent solid band_alpha noborder
set border 3 lw 1 lc rgb '#404040'
set tics nomirror out scale 0.6 textcolor rgb '#202020'
set grid xtics ytics lw 0.6 lc rgb '#e4e4e4' dt 1
set key noautotitle textcolor rgb '#202020' spacing 1.1 samplen 2.5
set key nobox

# Budgets: a log2 axis with ticks at powers of two, thinned to at most about eight labels.
log2(x) = log(x) / log(2)
if (exists("bmin") && exists("bmax")) {
    tickexp = ceil(log2(bmax / bmin) / 8.0 - 1e-9)
    tickexp = tickexp < 1 ? 1 : tickexp
    tickstart = 2 ** floor(log2(bmin) + 1e-9)
}

# Curves: how they are drawn, said once under the title rather than in every legend. mode 0:
# exact curves (lines); 1: Monte Carlo (lines and 95% bands); 2: Monte Carlo points and bands
# under exact lines.
if (exists("mc")) {
    mode = !mc ? 0 : (exact eq '' ? 1 : 2)
    note = mode == 0 ? 'exact curves (no sampling)' : \
           mode == 1 ? sprintf('Monte Carlo, %d queries; bands: 95%% intervals', queries) : \
                       'Monte Carlo (points, 95% bands) and exact (lines)'
}

# A flat accuracy range (every curve at 0, say) leaves gnuplot an empty y range, which it widens
# to [-1:1] with a warning: give it some height inside [0,1] instead (eval flat_y after autoscale).
flat_y_range = "set yrange [(ylo > 0.05 ? ylo - 0.05 : 0):(yhi < 0.95 ? yhi + 0.05 : 1)]"
flat_y = "ylo = 1; yhi = 0; do for [s=1:nstrat] { stats curves index idx(s, 0) using 2 nooutput; " . \
         "ylo = STATS_min < ylo ? STATS_min : ylo; yhi = STATS_max > yhi ? STATS_max : yhi }; " . \
         "if (yhi - ylo < 1e-9) { eval flat_y_range }"
