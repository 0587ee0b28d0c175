/*
 * A VMM's view of libirqsim: the ioctl sequence that wires an MSI-X
 * virtio-style device to a guest, written exactly as against /dev/kvm,
 * except that the fd-based calls are irqsim_* functions and the file
 * descriptors come from the simulated process (sim_eventfd).
 *
 *   1. KVM_CREATE_VM, KVM_CREATE_IRQCHIP, KVM_CREATE_VCPU x2
 *   2. the guest enables its LAPICs (what its boot code would do)
 *   3. KVM_SET_GSI_ROUTING: one MSI route per vector
 *   4. KVM_IRQFD per vector, KVM_IOEVENTFD for the queue notify address
 *   5. the guest kicks the queue (an MMIO write caught by the ioeventfd),
 *      the "backend" answers by signalling the irqfd, the guest takes the
 *      interrupt
 *   6. teardown, and the checkers' verdict
 *
 * Build: cc vmm_example.c $(pkg-config --cflags --libs irqsim)
 * Exit status 0 when every step behaved as the kernel would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <irqsim/eventfd.h>
#include <irqsim/kvm.h>
#include <irqsim/sim.h>

#define NOTIFY_ADDR	0xfe003000ull
#define RX_VECTOR	0x31
#define GSI_RX		24

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "vmm_example: " __VA_ARGS__);	\
			fputc('\n', stderr);				\
			goto out;					\
		}							\
	} while (0)

/* The guest's LAPIC register page: SVR (0xf0) bit 8 software-enables it. */
static int guest_enable_lapic(struct kvm_vcpu *vcpu)
{
	return irqsim_guest_lapic_write(vcpu, 0xf0, 0x1ff);
}

static int set_msi_route(struct kvm *kvm, unsigned int gsi, unsigned int apic_id,
			 unsigned int vector)
{
	struct kvm_irq_routing *r;
	long ret;

	r = calloc(1, sizeof(*r) + sizeof(r->entries[0]));
	if (!r)
		return -ENOMEM;
	r->nr = 1;
	r->entries[0].gsi = gsi;
	r->entries[0].type = KVM_IRQ_ROUTING_MSI;
	r->entries[0].u.msi.address_lo = 0xfee00000u | apic_id << 12;
	r->entries[0].u.msi.data = vector;
	ret = irqsim_vm_ioctl(kvm, KVM_SET_GSI_ROUTING, (unsigned long)r);
	free(r);
	return (int)ret;
}

static int lapic_irr_has(struct kvm_vcpu *vcpu, unsigned int vector)
{
	struct kvm_lapic_state st;
	unsigned int word;

	if (irqsim_vcpu_ioctl(vcpu, KVM_GET_LAPIC, (unsigned long)&st) < 0)
		return -1;
	memcpy(&word, &st.regs[0x200 + 0x10 * (vector / 32)], sizeof(word));
	return (word >> (vector % 32)) & 1;
}

int main(void)
{
	struct sim_config cfg;
	struct kvm_irqfd irqfd;
	struct kvm_ioeventfd ioev;
	struct kvm *kvm = NULL;
	struct sim *sim;
	unsigned long long kicks = 0;
	unsigned int reports;
	int irq_fd = -1, kick_fd = -1, ok = 0;
	long r;

	sim_config_init(&cfg);		/* sched backend, seed 1, checkers on */
	sim = sim_create(&cfg);
	if (!sim) {
		fprintf(stderr, "vmm_example: cannot create the simulation\n");
		return 1;
	}

	/* 1. the VM, its in-kernel irqchip, two vCPUs */
	r = irqsim_create_vm(sim, 0, &kvm);
	CHECK(r == 0, "KVM_CREATE_VM: %ld", r);
	r = irqsim_vm_ioctl(kvm, KVM_CREATE_IRQCHIP, 0);
	CHECK(r == 0, "KVM_CREATE_IRQCHIP: %ld", r);
	for (int i = 0; i < 2; i++) {
		r = irqsim_vm_ioctl(kvm, KVM_CREATE_VCPU, (unsigned long)i);
		CHECK(r >= 0, "KVM_CREATE_VCPU %d: %ld", i, r);
		/* 2. the guest's boot code enables its LAPIC */
		r = guest_enable_lapic(irqsim_vcpu(kvm, i));
		CHECK(r == 0, "LAPIC enable on vCPU %d: %ld", i, r);
	}

	/* 3. the device's MSI-X vector: GSI 24 -> APIC id 1, vector 0x31 */
	r = set_msi_route(kvm, GSI_RX, 1, RX_VECTOR);
	CHECK(r == 0, "KVM_SET_GSI_ROUTING: %ld", r);

	/* 4. irqfd for the vector, ioeventfd for the queue's notify address */
	irq_fd = sim_eventfd(sim, 0);
	kick_fd = sim_eventfd(sim, 0);
	CHECK(irq_fd >= 0 && kick_fd >= 0, "eventfd: %d %d", irq_fd, kick_fd);
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = (unsigned int)irq_fd;
	irqfd.gsi = GSI_RX;
	r = irqsim_vm_ioctl(kvm, KVM_IRQFD, (unsigned long)&irqfd);
	CHECK(r == 0, "KVM_IRQFD: %ld", r);
	memset(&ioev, 0, sizeof(ioev));
	ioev.fd = kick_fd;
	ioev.addr = NOTIFY_ADDR;
	ioev.len = 2;
	r = irqsim_vm_ioctl(kvm, KVM_IOEVENTFD, (unsigned long)&ioev);
	CHECK(r == 0, "KVM_IOEVENTFD: %ld", r);

	/* 5. the guest kicks queue 0: handled in the kernel, no exit */
	r = irqsim_guest_mmio_write(irqsim_vcpu(kvm, 0), NOTIFY_ADDR, 2, 0);
	CHECK(r == IRQSIM_ACCESS_KERNEL, "the kick exited to userspace (%ld)", r);
	r = sim_fd_read(sim, kick_fd, &kicks);
	CHECK(r == 0 && kicks == 1, "kick eventfd: %ld, count %llu", r, kicks);
	/* the backend completes a request and interrupts the guest */
	r = sim_fd_write(sim, irq_fd, 1);
	CHECK(r == 0, "irqfd signal: %ld", r);
	sim_settle(sim);
	CHECK(lapic_irr_has(irqsim_vcpu(kvm, 1), RX_VECTOR) == 1, "vector 0x%x not pending on vCPU 1",
	      RX_VECTOR);
	r = irqsim_guest_ack(irqsim_vcpu(kvm, 1));
	CHECK(r == RX_VECTOR, "ack returned %ld", r);
	irqsim_guest_eoi(irqsim_vcpu(kvm, 1));
	CHECK(irqsim_exits(kvm, NULL, 0) == 0, "unexpected exits to userspace");
	printf("vmm_example: kick caught by the ioeventfd, interrupt 0x%x delivered to vCPU 1\n",
	       RX_VECTOR);
	ok = 1;

	/* 6. teardown, as the process exit would do it */
	irqfd.flags = KVM_IRQFD_FLAG_DEASSIGN;
	r = irqsim_vm_ioctl(kvm, KVM_IRQFD, (unsigned long)&irqfd);
	CHECK(r == 0, "KVM_IRQFD deassign: %ld", r);
out:
	if (kvm)
		irqsim_destroy_vm(kvm);
	if (irq_fd >= 0)
		sim_fd_close(sim, irq_fd);
	if (kick_fd >= 0)
		sim_fd_close(sim, kick_fd);
	reports = sim_destroy(sim);
	if (reports)
		fprintf(stderr, "vmm_example: %u checker reports\n", reports);
	return ok && !reports ? 0 : 1;
}
