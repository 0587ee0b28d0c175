# bench/runtime: the kernel-named primitives through the runtime against the
# raw liburcu / ck / pthread calls (ratios; targets 1.5x checkers off, 5x
# checkers on), and the sched backend's task switch (target < 100 ns).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("runtime")

prims = "< grep -v '^sched task switch' " . csv("runtime")
sched = "< grep -E '^(operation|sched task switch)' " . csv("runtime")

set multiplot layout 1,2 columns title "bench/runtime: runtime overhead vs raw liburcu / ck / pthread\n" . run_note
set size 0.70, 0.90
set origin 0, 0

set title "cost relative to the raw call (median of per-repetition ratios)"
set ylabel "runtime / raw (x)"
set logscale y
stats prims using "on_ratio" nooutput
hi = (STATS_max > 10 ? 2.5 * STATS_max : 20)
stats prims using "off_ratio" nooutput
lo = (STATS_min < 0.3 ? 0.6 * STATS_min : 0.25)
set yrange [lo:hi]
set ytics (0.02, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 50, 100)
set style data histogram
set style histogram clustered gap 1.5
set boxwidth 0.9
set xtics scale 0 font ",9"
set key top right
set arrow 1 from graph 0, first 1.5 to graph 1, first 1.5 nohead lc rgb c_target dt 2 lw 1.5 front
set arrow 2 from graph 0, first 5 to graph 1, first 5 nohead lc rgb c_target dt 2 lw 1.5 front
# "spin_lock+unlock" -> "spin_lock\n+unlock\n(raw 5.1 ns)"
brk(s) = (strstrt(s, "+") ? s[1:strstrt(s, "+") - 1] . "\n" . s[strstrt(s, "+"):*] : s)
tic(s, raw) = sprintf("%s\n(raw %s)", brk(s), raw < 10 ? sprintf("%.1f ns", raw) : ns(raw))
set bmargin 5
plot prims using "off_ratio":xtic(tic(strcol(1), column("raw_ns"))) title "checkers off" lc rgb c_sim, \
	'' using "on_ratio" title "checkers on" lc rgb c_kvm, \
	'' using ($0 - 0.15):(column("off_ratio")):(sprintf("%.2fx", column("off_ratio"))) \
		with labels offset 0, 0.6 font ",9" notitle, \
	'' using ($0 + 0.15):(column("on_ratio")):(sprintf("%.2fx", column("on_ratio"))) \
		with labels offset 0, 0.6 font ",9" notitle, \
	NaN with lines lc rgb c_target dt 2 lw 1.5 title "targets: off <= 1.5x, on <= 5x"

unset arrow
unset label
unset logscale y
set size 0.30, 0.90
set origin 0.70, 0
set title "sched backend task switch"
set ylabel "ns per switch"
set ytics auto
set xtics ("scheduler switch" 0, "bare coroutine" 1) font ",11"
set boxwidth 0.6
set style data boxes
set key off
set arrow 1 from graph 0, first 100 to graph 1, first 100 nohead lc rgb c_target dt 2 lw 1.5 front
set label 1 "target < 100 ns" at graph 0.5, first 100 center offset 0, 0.7 tc rgb c_target front
set yrange [*:*]
stats sched using "checkers_off_ns" nooutput
set yrange [0:(STATS_max > 100 ? 1.4 * STATS_max : 140)]
plot sched using (0):"checkers_off_ns" with boxes lc rgb c_sim, \
	'' using (1):"raw_ns" with boxes lc rgb c_2009, \
	'' using (0):"checkers_off_ns":(ns(column("checkers_off_ns"))) with labels offset 0, 0.7, \
	'' using (1):"raw_ns":(ns(column("raw_ns"))) with labels offset 0, 0.7
unset multiplot
