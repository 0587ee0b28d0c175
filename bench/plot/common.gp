# Shared by every bench plot. Each script is run as
#   gnuplot -c bench/plot/NAME.gp [RESULTS_DIR]
# reads RESULTS_DIR/NAME.csv, writes RESULTS_DIR/NAME.png, and starts with
#   results = (ARGC >= 1 ? ARG1 : "bench/results")
#   load system("dirname " . ARG0) . "/common.gp"
# (`load` clears ARG1, hence the copy made before it).

if (!exists("results")) results = "bench/results"
csv(name) = results . "/" . name . ".csv"
png(name) = results . "/" . name . ".png"

# The run the figures come from (bench/results/run-machine.csv, written by
# bench/plot/run-all.sh), for the subtitle: date, cores, load.
info(key) = system(sprintf("awk -F, '$1 == \"%s\" { print $2 }' %s 2>/dev/null", \
	key, results . "/run-machine.csv"))
run_date = info("date")
run_note = (run_date eq "" ? "" : sprintf("run %s, %s cores, load avg %s at start", \
	run_date, info("cores"), info("load_start")))

set terminal pngcairo size 1280,600 font "DejaVu Sans,11" noenhanced linewidth 1.5
set datafile separator comma
# a row a filter rejects (NaN) is skipped and lines join across it
set datafile missing NaN
set grid ytics lc rgb "#d8d8d8" lw 0.5
set style fill solid 0.85 border rgb "#404040"
set key opaque box lc rgb "#a0a0a0"
set tics nomirror
set border 3

# colours: simulator, real kernel, 2009, host baseline, target lines
c_sim = "#1f77b4"
c_kvm = "#ff7f0e"
c_2009 = "#7f7f7f"
c_host = "#2ca02c"
c_alt = "#9467bd"
c_target = "#d62728"

# Human readable values for bar labels.
si(v) = (v >= 1e6 ? sprintf("%.2f M", v / 1e6) : v >= 1e5 ? sprintf("%.0f k", v / 1e3) : \
	v >= 1e3 ? sprintf("%.1f k", v / 1e3) : sprintf("%.0f", v))
ns(v) = (v >= 1e6 ? sprintf("%.1f ms", v / 1e6) : v >= 1e3 ? sprintf("%.1f µs", v / 1e3) : \
	sprintf("%.0f ns", v))
