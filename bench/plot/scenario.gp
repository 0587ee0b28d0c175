# bench/scenario: interpreter throughput, statements per second end to end
# (parse + run + teardown), tracing off and on (target: >= 1,000,000 simple
# statements per second without tracing).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("scenario")
f = csv("scenario")

set title "bench/scenario: scenario interpreter throughput (100,000 simple statements, wall clock)\n" . run_note
set ylabel "statements per second"
set yrange [0:*]
set offsets 0, 0, graph 0.25, 0
set xrange [-0.6:*]
set ytics ("0" 0, "250 k" 2.5e5, "500 k" 5e5, "750 k" 7.5e5, "1 M" 1e6, "1.25 M" 1.25e6, \
	"1.5 M" 1.5e6, "1.75 M" 1.75e6, "2 M" 2e6, "2.5 M" 2.5e6, "3 M" 3e6, "4 M" 4e6, "5 M" 5e6)
nice(c) = (c eq "trace_off" ? "tracing off" : c eq "trace_off_settle_off" ? "tracing off,\nsettle off" : \
	c eq "trace_chrome" ? "Chrome trace\n(to /dev/null)" : c eq "trace_text" ? "text trace\n(to /dev/null)" : c)
set xtics scale 0
set boxwidth 0.6
set bmargin 4
set key top right
set arrow 1 from graph 0, first 1e6 to graph 1, first 1e6 nohead lc rgb c_target dt 2 lw 1.5 front
plot f using 0:"statements_per_second":xtic(nice(strcol("config"))) with boxes \
		lc rgb c_sim title "simulator", \
	f using 0:"statements_per_second":(si(column("statements_per_second")) . "/s") \
		with labels offset 0, 0.7 notitle, \
	NaN with lines lc rgb c_target dt 2 lw 1.5 title "target >= 1 M/s (tracing off)"
