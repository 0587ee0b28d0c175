# bench/doorbell: the 2009 ioeventfd doorbell in the simulator, iops per
# mode with the 2009 table beside; and one simulated ioeventfd ring against
# a real eventfd write(2) (target: the ring is cheaper).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("doorbell")
f = csv("doorbell")

set multiplot layout 1,2 title "bench/doorbell: the 2009 ioeventfd doorbell in the simulator (threads backend, checkers off)\n" . run_note
set size 0.62, 0.88
set origin 0, 0

# a mode's slot; the 2009 qemu-mmio row (its exit path) sits beside exit-mmio
slot(m) = (m eq "exit-mmio" || m eq "qemu-mmio" ? 0 : m eq "exit-pio" ? 1 : \
	m eq "ioeventfd-mmio" ? 2 : m eq "ioeventfd-pio" ? 3 : NaN)
row(src) = (strcol("source") eq src ? slot(strcol("mode")) : NaN)

set title "doorbell rings per second, by mode"
set ylabel "iops (log scale)"
set logscale y
set xrange [-0.6:3.6]
set yrange [1e3:1e9]
set ytics ("1 k" 1e3, "10 k" 1e4, "100 k" 1e5, "1 M" 1e6, "10 M" 1e7, "100 M" 1e8, "1 G" 1e9)
set xtics ("exit-mmio\n(2009: qemu-mmio)" 0, "exit-pio" 1, "ioeventfd-mmio" 2, "ioeventfd-pio" 3) scale 0
set boxwidth 0.38
set key top left
set bmargin 4
plot f using (row("sim") - 0.2):"iops" with boxes lc rgb c_sim title "simulator", \
	f using (row("2009") + 0.2):"iops" with boxes lc rgb c_2009 title "2009 table (VMX, qemu)", \
	f using (row("sim") - 0.2):"iops":(si(column("iops"))) with labels offset 0, 0.7 font ",9" notitle, \
	f using (row("2009") + 0.2):"iops":(si(column("iops"))) with labels offset 0, 0.7 font ",9" notitle

set size 0.38, 0.88
set origin 0.62, 0
set title "one ring on its own vs a real eventfd write(2)"
set ylabel "ns per operation"
unset logscale y
set xrange [-0.6:2.6]
set yrange [0:*]
set ytics auto
one(m) = (strcol("mode") eq "ring-only-mmio" ? 0 : strcol("mode") eq "ring-only-pio" ? 1 : \
	strcol("mode") eq "eventfd-write" ? 2 : NaN)
set xtics ("simulated ring\nMMIO" 0, "simulated ring\nPIO" 1, "host eventfd\nwrite(2)" 2)
set boxwidth 0.6
set key top left
# the target line: the real eventfd write(2)
stats f using (one(0) >= 0 ? column("ns_per_op") : NaN) nooutput
top = (exists("STATS_max") ? STATS_max : 1)
stats f using (strcol("mode") eq "eventfd-write" ? column("ns_per_op") : NaN) nooutput
if (exists("STATS_max")) {
	set arrow 1 from graph 0, first STATS_max to graph 1, first STATS_max nohead \
		lc rgb c_target dt 2 lw 1.5 front
	set yrange [0:1.6 * top]	# room for the key above the bars
}
plot f using (strcol("source") eq "sim" ? one(0) : NaN):"ns_per_op" with boxes lc rgb c_sim \
		title "simulator", \
	f using (strcol("source") eq "host" ? one(0) : NaN):"ns_per_op" with boxes lc rgb c_host \
		title "host", \
	f using (one(0)):"ns_per_op":(ns(column("ns_per_op"))) with labels offset 0, 0.7 notitle, \
	NaN with lines lc rgb c_target dt 2 lw 1.5 title "target: below write(2)"
unset multiplot
