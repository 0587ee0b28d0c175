# bench/delivery: MSI delivery cost against the number of vCPUs (the
# single-destination cases must stay flat), and the simulator's
# KVM_IRQ_LINE / KVM_SIGNAL_MSI rates beside the real /dev/kvm (target:
# the simulator at least 10x the real rate).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("delivery")
f = csv("delivery")

set multiplot layout 1,2 title "bench/delivery: interrupt delivery (threads backend, checkers off)\n" . run_note
set size 0.62, 0.88
set origin 0, 0

stats f using "ns_per_op" nooutput
top = STATS_max
set title "MSI delivery cost vs vCPUs"
set xlabel "vCPUs in the VM (log scale)"
set ylabel "time per KVM_SIGNAL_MSI (log scale)"
set logscale xy
set xrange [0.8:350]
set yrange [8:(top * 30)]	# a decade and a half above the highest point for the key
set ytics ("10 ns" 10, "100 ns" 100, "1 µs" 1e3, "10 µs" 1e4, "100 µs" 1e5, "1 ms" 1e6, "10 ms" 1e7)
set xtics (1, 2, 4, 8, 16, 32, 64, 128, 255)
set key top left
sim(c) = (strcol("case") eq c && strcol("backend") ne "kvm")
plot f using (sim("physical") ? column("vcpus") : NaN):"ns_per_op" \
		with linespoints pt 7 lc rgb c_sim title "physical, one destination (fast path; target: flat)", \
	f using (sim("logical_fast") ? column("vcpus") : NaN):"ns_per_op" \
		with linespoints pt 5 lc rgb c_host title "logical, one destination, APIC map (fast path)", \
	f using (sim("logical_slow") ? column("vcpus") : NaN):"ns_per_op" \
		with linespoints pt 9 lc rgb c_alt title "logical, mixed DFR (slow path: every vCPU matched)", \
	f using (sim("broadcast") ? column("vcpus") : NaN):"ns_per_op" \
		with linespoints pt 11 lc rgb c_kvm title "broadcast 0xff (every vCPU receives)"

unset logscale x
unset xlabel
set size 0.38, 0.88
set origin 0.62, 0
set title "1 vCPU: rate of the ioctl, simulator vs real /dev/kvm"
set ylabel "operations per second (log scale)"
set xrange [-0.6:1.6]
set yrange [1e4:5e10]
set xtics ("KVM_IRQ_LINE\n(IOAPIC edge pin)" 0, "KVM_SIGNAL_MSI" 1)
set ytics auto
set ytics ("10 k" 1e4, "100 k" 1e5, "1 M" 1e6, "10 M" 1e7, "100 M" 1e8, "1 G" 1e9)
set bmargin 4
set boxwidth 0.38
set key top right
pos(c) = (c eq "irq_line" ? 0 : c eq "signal_msi" ? 1 : NaN)
one(b) = (strcol("backend") eq b || (b eq "sim" && strcol("backend") ne "kvm")) && column("vcpus") == 1
# sim / kvm per ioctl, printed above its pair against the 10x target
rate(c, b) = (strcol("case") eq c && one(b) ? column("ops_per_sec") : NaN)
do for [c in "irq_line signal_msi"] {
	# stats leaves STATS_max undefined when no row matches
	stats f using (rate(c, "sim")) nooutput
	s_rate = (exists("STATS_max") ? STATS_max : NaN)
	stats f using (rate(c, "kvm")) nooutput
	k_rate = (exists("STATS_max") ? STATS_max : NaN)
	if (k_rate == k_rate && s_rate == s_rate) {
		set label sprintf("sim / kvm = %.1fx\n(target >= 10x: %s)", s_rate / k_rate, \
			s_rate >= 10 * k_rate ? "met" : "not met") \
			at first pos(c), first 1.5e9 center font ",10" tc rgb (s_rate >= 10 * k_rate ? c_host : c_target)
	}
}
plot f using (one("sim") ? pos(strcol("case")) - 0.2 : NaN):"ops_per_sec" \
		with boxes lc rgb c_sim title "simulator", \
	f using (one("kvm") ? pos(strcol("case")) + 0.2 : NaN):"ops_per_sec" \
		with boxes lc rgb c_kvm title "real /dev/kvm", \
	f using (one("sim") ? pos(strcol("case")) - 0.2 : NaN):"ops_per_sec":(si(column("ops_per_sec")) . "/s") \
		with labels offset 0, 0.7 font ",9" notitle, \
	f using (one("kvm") ? pos(strcol("case")) + 0.2 : NaN):"ops_per_sec":(si(column("ops_per_sec")) . "/s") \
		with labels offset 0, 0.7 font ",9" notitle
unset multiplot
