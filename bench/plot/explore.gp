# bench/explore: explorer throughput, schedules per CPU second per strategy,
# for a 3-thread, 34-statement scenario, in the optimised build and under
# ASan+UBSan (target: >= 10,000 schedules/s for the random strategy).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("explore")
f = csv("explore")
fa = csv("explore-asan")

set title "bench/explore: interleaving explorer throughput (3 threads, 34 statements, fresh simulation per schedule)\n" . run_note
set ylabel "schedules per CPU second (log scale)"
set logscale y
set yrange [100:2e5]
set ytics ("100" 100, "300" 300, "1 k" 1e3, "3 k" 3e3, "10 k" 1e4, "30 k" 3e4, "100 k" 1e5)
set xrange [-0.6:4.6]
slot(c) = (c eq "run_schedules" ? 0 : c eq "random" ? 1 : c eq "pct_d3" ? 2 : \
	c eq "exhaustive_b2" ? 3 : c eq "random_fine" ? 4 : NaN)
set xtics ("run schedules=N\n(interpreter loop)" 0, "random" 1, "PCT, depth 3" 2, \
	"exhaustive,\n<= 2 preemptions" 3, "random, --fine" 4) scale 0
set boxwidth 0.38
set bmargin 4
set key top right
set arrow 1 from graph 0, first 1e4 to graph 1, first 1e4 nohead lc rgb c_target dt 2 lw 1.5 front
plot f using (slot(strcol("config")) - 0.2):"schedules_per_s_cpu" with boxes lc rgb c_sim \
		title "gcc -O2 (build/)", \
	fa using (slot(strcol("config")) + 0.2):"schedules_per_s_cpu" with boxes lc rgb c_kvm \
		title "clang ASan+UBSan (build-asan/)", \
	f using (slot(strcol("config")) - 0.2):"schedules_per_s_cpu":(si(column("schedules_per_s_cpu"))) \
		with labels offset 0, 0.7 notitle, \
	fa using (slot(strcol("config")) + 0.2):"schedules_per_s_cpu":(si(column("schedules_per_s_cpu"))) \
		with labels offset 0, 0.7 notitle, \
	NaN with lines lc rgb c_target dt 2 lw 1.5 title "target >= 10 k/s (random)"
