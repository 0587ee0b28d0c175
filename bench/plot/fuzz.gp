# bench/fuzz: libFuzzer executions per second of each fuzz target under
# ASan+UBSan, with the old settings (baseline) and the current ones (tuned),
# per CPU second of the fuzzer (target: fuzz_api >= 2,000 execs/s).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("fuzz")
f = csv("fuzz")

set title "bench/fuzz: libFuzzer speed under clang ASan+UBSan (one process per target)\n" . run_note
# one slot per target, in the CSV's order (awk appends the slot number)
f = "< awk -F, 'NR == 1 { print $0 \",slot\"; next } !($1 in s) { s[$1] = n++ } { print $0 \",\" s[$1] }' " . csv("fuzz")
stats f using "slot" nooutput
last = STATS_max
stats f using (strcol("target") eq "fuzz_api" ? column("slot") : NaN) nooutput
api = (exists("STATS_max") ? STATS_max : NaN)
set xrange [-0.6:last + 0.6]
set ylabel "executions per CPU second (log scale)"
set logscale y
set yrange [100:3e4]
set ytics ("100" 100, "300" 300, "1 k" 1e3, "2 k" 2e3, "3 k" 3e3, "10 k" 1e4, "30 k" 3e4)
# baseline left, tuned middle, an older build's binaries (-B) right
off(c) = (c eq "baseline" ? -0.27 : c eq "tuned" ? 0 : c eq "old" ? 0.27 : NaN)
at(c) = (strcol("config") eq c ? column("slot") + off(c) : NaN)
# the tics: each target's name at its slot
tics = system("awk -F, 'NR > 1 && !($1 in s) { s[$1] = n; printf \"%s\\\"%s\\\" %d\", n++ ? \", \" : \"\", $1, s[$1] }' " . csv("fuzz"))
eval "set xtics (" . tics . ") scale 0"
set boxwidth 0.26
set bmargin 4
set key top right
set arrow 1 from api - 0.5, first 2000 to api + 0.5, first 2000 nohead lc rgb c_target dt 2 lw 2 front
plot f using (at("baseline")):"execs_per_cpu_s" with boxes lc rgb c_2009 \
		title "baseline (LSan after each input, fuzz_api invariants after every operation)", \
	f using (at("tuned")):"execs_per_cpu_s" with boxes lc rgb c_sim \
		title "tuned (current settings)", \
	f using (at("old")):"execs_per_cpu_s" with boxes lc rgb c_alt title "older build, tuned settings", \
	f using (at(strcol("config"))):"execs_per_cpu_s":(sprintf("%.0f", column("execs_per_cpu_s"))) \
		with labels offset 0, 0.7 font ",9" notitle, \
	NaN with lines lc rgb c_target dt 2 lw 2 title "target: fuzz_api >= 2,000 execs/s"
