# bench/dpci: the Xen 2014 dpci fairness question: latency of the highest
# source against the number of sources (8, 64, 512; log axes), per-VM scan
# vs per-source work items, under two loads; and bitmap entries scanned
# per delivery.
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("dpci")
f = csv("dpci")

set multiplot layout 1,2 title "bench/dpci: deferred delivery of N interrupt sources, per-VM scan vs per-source work (threads backend)\n" . run_note
set size 0.55, 0.88
set origin 0, 0

# y ranges that hold every point (computed before any range is set)
stats f using "latency_ns" nooutput
lat_lo = STATS_min / 2
lat_hi = STATS_max * 8	# a decade for the key above the lines
stats f using "scan_per_delivery" nooutput
scan_hi = (STATS_max > 600 ? 2.5 * STATS_max : 1500)
is(l, d) = (strcol("load") eq l && strcol("design") eq d)
set title "signal-to-delivery latency of source N-1"
set xlabel "interrupt sources N (log scale)"
set ylabel "mean latency (log scale)"
set logscale xy
set xrange [6:700]
set xtics (8, 16, 32, 64, 128, 256, 512)
set yrange [lat_lo:lat_hi]
set ytics ("100 ns" 100, "300 ns" 300, "1 µs" 1e3, "3 µs" 3e3, "10 µs" 1e4, "30 µs" 3e4, \
	"100 µs" 1e5, "300 µs" 3e5, "1 ms" 1e6, "3 ms" 3e6, "10 ms" 1e7, "30 ms" 3e7, "100 ms" 1e8)
set key top left
plot f using (is("highest-busy", "per-vm") ? column("sources") : NaN):"latency_ns" \
		with linespoints pt 7 lc rgb c_kvm title "only N-1 busy, per-VM scan", \
	f using (is("highest-busy", "per-source") ? column("sources") : NaN):"latency_ns" \
		with linespoints pt 5 lc rgb c_sim title "only N-1 busy, per-source work", \
	f using (is("all-busy", "per-vm") ? column("sources") : NaN):"latency_ns" \
		with linespoints pt 7 dt 2 lc rgb c_kvm title "all busy, per-VM scan", \
	f using (is("all-busy", "per-source") ? column("sources") : NaN):"latency_ns" \
		with linespoints pt 5 dt 2 lc rgb c_sim title "all busy, per-source work"

set size 0.45, 0.88
set origin 0.55, 0
set title "bitmap entries examined per delivery"
set ylabel "entries per delivery (log scale)"
set yrange [0.5:scan_hi]
set ytics (1, 2, 8, 64, 512)
plot f using (is("highest-busy", "per-vm") ? column("sources") : NaN):"scan_per_delivery" \
		with linespoints pt 7 lc rgb c_kvm title "only N-1 busy, per-VM scan", \
	f using (is("all-busy", "per-vm") ? column("sources") : NaN):"scan_per_delivery" \
		with linespoints pt 7 dt 2 lc rgb c_kvm title "all busy, per-VM scan", \
	f using (strcol("design") eq "per-source" ? column("sources") : NaN):"scan_per_delivery" \
		with linespoints pt 5 lc rgb c_sim title "per-source work (both loads)"
unset multiplot
