# bench/iobus: kvm_io_bus dispatch cost against the number of registered
# devices, on a log x axis (target: a guest access with 1000 devices at most
# 2x the cost with 10).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("iobus")
# the last row (unregister cost) has no dispatch figures
f = "< grep -v ^unregister " . csv("iobus")

set multiplot layout 1,2 title "bench/iobus: kvm_io_bus dispatch vs devices on the bus (threads backend, checkers off)\n" . run_note
set size 0.5, 0.88
set origin 0, 0

set title "cost of one access"
set xlabel "devices on the MMIO bus (log scale)"
set ylabel "ns per access"
set logscale x
set xrange [0.8:1300]
set yrange [0:*]
set xtics (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
set key top left
set offsets 0, 0, graph 0.45, 0	# room for the key above the lines
plot f using "devices":"guest_ns" with linespoints pt 7 lc rgb c_sim \
		title "full guest MMIO write (irqsim_guest_mmio_write)", \
	f using "devices":"per_exit_ns" with linespoints pt 5 lc rgb c_kvm \
		title "io-bus layer per exit (srcu lock, bsearch, callback)", \
	f using "devices":"search_ns" with linespoints pt 9 lc rgb c_2009 \
		title "bus search and callback alone"

set size 0.5, 0.88
set origin 0.5, 0
set title "relative to the cost with 10 devices"
set ylabel "cost / cost at 10 devices (x)"
set offsets 0, 0, 0, 0
set yrange [0:3.2<*]
set ytics 0.5
set arrow 1 from graph 0, first 2 to graph 1, first 2 nohead lc rgb c_target dt 2 lw 1.5 front
set key top left
plot f using "devices":"guest_vs_10" with linespoints pt 7 lc rgb c_sim title "full guest MMIO write", \
	f using "devices":"per_exit_vs_10" with linespoints pt 5 lc rgb c_kvm title "io-bus layer per exit", \
	f using "devices":"search_vs_10" with linespoints pt 9 lc rgb c_2009 title "bus search alone", \
	f using "devices":"guest_vs_10":(column("devices") == 1000 ? sprintf("%.2fx", column("guest_vs_10")) : "") \
		with labels offset 0, -1 tc rgb c_sim notitle, \
	NaN with lines lc rgb c_target dt 2 lw 1.5 title "target: guest write at 1000 devices <= 2x"
unset multiplot
