# bench/irqfd: eventfd-write-to-IRR latency of the fast path (MSI, injected
# in the wakeup) and the slow path (IOAPIC pin, injected by a worker) beside
# a real eventfd write(2) (targets: fast >= 5x lower than slow, and cheaper
# than the write(2)); and the throughput of back-to-back writes.
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("irqfd")
f = csv("irqfd")

set multiplot layout 1,2 title "bench/irqfd: irqfd fast vs slow path (threads backend, checkers off)\n" . run_note
set size 0.5, 0.88
set origin 0, 0

slot(p) = (p eq "fast" ? 0 : p eq "slow" ? 1 : p eq "host-eventfd-write" ? 2 : NaN)
set title "latency: eventfd write until the vector is in IRR"
set ylabel "latency (log scale)"
set logscale y
set xrange [-0.6:2.6]
set yrange [10:1e7]	# the top decade holds the verdicts
set ytics ("10 ns" 10, "100 ns" 100, "1 µs" 1e3, "10 µs" 1e4, "100 µs" 1e5, "1 ms" 1e6, "10 ms" 1e7)
set xtics ("fast path\n(MSI, in the wakeup)" 0, "slow path\n(IOAPIC pin, worker)" 1, "host eventfd\nwrite(2) alone" 2) scale 0
set boxwidth 0.6
set bmargin 4
set key top left
stats f using (strcol("path") eq "fast" ? column("latency_ns") : NaN) nooutput
fast = (exists("STATS_max") ? STATS_max : NaN)
stats f using (strcol("path") eq "slow" ? column("latency_ns") : NaN) nooutput
slow = (exists("STATS_max") ? STATS_max : NaN)
stats f using (strcol("path") eq "host-eventfd-write" ? column("latency_ns") : NaN) nooutput
host = (exists("STATS_max") ? STATS_max : NaN)
stats f using (strcol("path") eq "fast" ? 1e9 / column("writes_per_s") : NaN) nooutput
fast_w = (exists("STATS_max") ? STATS_max : NaN)
if (fast == fast && slow == slow) {
	set label 1 sprintf("slow / fast = %.0fx\n(target >= 5x: %s)", slow / fast, \
		slow >= 5 * fast ? "met" : "not met") at graph 0.72, graph 0.94 center \
		tc rgb (slow >= 5 * fast ? c_host : c_target)
}
if (fast_w == fast_w && host == host) {
	set label 2 sprintf("fast path: %.0f ns per write, back to back\n(target below write(2) %.0f ns: %s)", \
		fast_w, host, fast_w < host ? "met" : "not met") at graph 0.72, graph 0.82 center \
		tc rgb (fast_w < host ? c_host : c_target)
}
col(p) = (p eq "host-eventfd-write" ? c_host : p eq "fast" ? c_sim : c_alt)
plot f using (strcol("path") eq "fast" ? 0 : NaN):"latency_ns" with boxes lc rgb c_sim title "simulator", \
	f using (strcol("path") eq "slow" ? 1 : NaN):"latency_ns" with boxes lc rgb c_sim notitle, \
	f using (strcol("path") eq "host-eventfd-write" ? 2 : NaN):"latency_ns" with boxes lc rgb c_host \
		title "host", \
	f using (slot(strcol("path"))):"latency_ns":(ns(column("latency_ns"))) with labels offset 0, 0.7 notitle

unset label
set size 0.5, 0.88
set origin 0.5, 0
set title "throughput: back-to-back eventfd writes"
set ylabel "per second (log scale)"
set xrange [-0.6:1.6]
set yrange [1e4:1e9]
set ytics ("10 k" 1e4, "100 k" 1e5, "1 M" 1e6, "10 M" 1e7, "100 M" 1e8, "1 G" 1e9)
set xtics ("fast path" 0, "slow path\n(writes coalesce while the work is queued)" 1)
set boxwidth 0.35
set key top right
ok(x) = (slot(strcol("path")) <= 1 ? x : NaN)
plot f using (ok(slot(strcol("path")) - 0.18)):"writes_per_s" with boxes lc rgb c_sim title "eventfd writes", \
	f using (ok(slot(strcol("path")) + 0.18)):"injections_per_s" with boxes lc rgb c_kvm title "injections", \
	f using (ok(slot(strcol("path")) - 0.18)):"writes_per_s":(si(column("writes_per_s")) . "/s") \
		with labels offset 0, 0.7 font ",9" notitle, \
	f using (ok(slot(strcol("path")) + 0.18)):"injections_per_s":(si(column("injections_per_s")) . "/s") \
		with labels offset 0, 0.7 font ",9" notitle
unset multiplot
