# bench/doorbell-kvm (+ compare.py): the doorbell three ways, per mode: the
# real kernel, the simulator and the 2009 table (doorbell-compare.csv); and
# the real kernel's irqfd MSI injection rates (doorbell-kvm.csv).
results = (ARGC >= 1 ? ARG1 : "bench/results")
load system("dirname " . ARG0) . "/common.gp"
set output png("doorbell-kvm")
cmp = csv("doorbell-compare")
kvm = csv("doorbell-kvm")

set multiplot layout 1,2 title "bench/doorbell-kvm: the doorbell on the real kernel, the simulator and 2009\n" . run_note
set size 0.64, 0.88
set origin 0, 0

slot(m) = (m eq "exit-mmio" ? 0 : m eq "exit-pio" ? 1 : m eq "ioeventfd-mmio" ? 2 : \
	m eq "ioeventfd-pio" ? 3 : NaN)
set title "doorbell rings per second, by mode"
set ylabel "iops (log scale)"
set logscale y
set xrange [-0.6:3.6]
set yrange [1e3:1e9]
set ytics ("1 k" 1e3, "10 k" 1e4, "100 k" 1e5, "1 M" 1e6, "10 M" 1e7, "100 M" 1e8, "1 G" 1e9)
set xtics ("exit-mmio\n(2009: qemu-mmio)" 0, "exit-pio" 1, "ioeventfd-mmio" 2, "ioeventfd-pio" 3) scale 0
set boxwidth 0.27
set key top left
set bmargin 4
lab(c) = (column(c) > 0 ? si(column(c)) : "")
plot cmp using (slot(strcol("mode")) - 0.28):"kernel_iops" with boxes lc rgb c_kvm title "real kernel (/dev/kvm)", \
	cmp using (slot(strcol("mode"))):"sim_iops" with boxes lc rgb c_sim title "simulator", \
	cmp using (slot(strcol("mode")) + 0.28):"y2009_iops" with boxes lc rgb c_2009 title "2009 table (VMX, qemu)", \
	cmp using (slot(strcol("mode")) - 0.28):"kernel_iops":(lab("kernel_iops")) with labels offset 0, 0.7 font ",8" notitle, \
	cmp using (slot(strcol("mode"))):"sim_iops":(lab("sim_iops")) with labels offset 0, 0.7 font ",8" notitle, \
	cmp using (slot(strcol("mode")) + 0.28):"y2009_iops":(lab("y2009_iops")) with labels offset 0, 0.7 font ",8" notitle

set size 0.36, 0.88
set origin 0.64, 0
set title "real kernel: MSI irqfd injection"
set ylabel "per second (log scale)"
set xrange [-0.6:2.6]
set xtics ("burst:\nhost writes" 0, "burst:\ninterrupts taken" 1, "paced:\nround trips" 2)
set boxwidth 0.6
set key off
meas(m) = (strcol("source") eq "measured" && strcol("mode") eq m)
# burst: the host writes as fast as it can and the guest takes what it can
burst_w(x) = (meas("irqfd-msi-burst") ? x : NaN)
plot kvm using (burst_w(0)):"iops" with boxes lc rgb c_host, \
	kvm using (burst_w(1)):(column("consumed") / column("seconds")) with boxes lc rgb c_kvm, \
	kvm using (meas("irqfd-msi-paced") ? 2 : NaN):"iops" with boxes lc rgb c_kvm, \
	kvm using (burst_w(0)):"iops":(si(column("iops")) . "/s") with labels offset 0, 0.7 font ",9", \
	kvm using (burst_w(1)):(column("consumed") / column("seconds")):(si(column("consumed") / column("seconds")) . "/s") \
		with labels offset 0, 0.7 font ",9", \
	kvm using (meas("irqfd-msi-paced") ? 2 : NaN):"iops":(si(column("iops")) . "/s") with labels offset 0, 0.7 font ",9"
unset multiplot
