/*
 * kvmreal: every host-side and guest-side operation of the scenario
 * language, performed on the real kernel through /dev/kvm.
 *
 * It is the oracle the simulator is compared against (`irqsim run
 * --backend kvm`, `irqsim diff`). One struct kvmreal_vm per VM; every
 * call returns 0 (or a documented non-negative value) or a negative errno,
 * and never exits the process. Host-side calls return the kernel's errno
 * unchanged. When an operation cannot be done faithfully on this host the
 * call returns -EOPNOTSUPP and kvmreal_reason() says why.
 *
 * The guest: every vCPU runs a tiny 64-bit long-mode program (guest.S)
 * that waits for a command from the host (an IN from port 0x510, which
 * always exits), performs one PIO or MMIO write (or takes interrupts), and
 * comes back. Guest RAM lives at KVMREAL_RAM_GPA, so that every address
 * below 4 GiB is free for MMIO. See docs/kvm-backend.md.
 */
#ifndef IRQSIM_KVMREAL_H
#define IRQSIM_KVMREAL_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/kvm.h>

struct kvmreal_vm;

enum kvmreal_irqchip {
	KVMREAL_IRQCHIP_KERNEL,		/* KVM_CREATE_IRQCHIP: PIC, IOAPIC, LAPICs */
	KVMREAL_IRQCHIP_SPLIT,		/* KVM_ENABLE_CAP(KVM_CAP_SPLIT_IRQCHIP, 24) */
	KVMREAL_IRQCHIP_NONE,		/* no in-kernel irqchip at all */
};

/* How `vcpu N ack` is performed (see kvmreal_ack_mode()). */
enum kvmreal_ack_mode {
	/* The guest opens an interrupt window (sti; nop; cli) and the kernel injects. */
	KVMREAL_ACK_GUEST_WINDOW,
	/* The guest halts with interrupts enabled (sti; hlt) and the kernel injects. */
	KVMREAL_ACK_GUEST_HLT,
	/*
	 * The kernel EOIs on injection (kvm_pvm), so the ISR is never seen: the
	 * host moves the highest deliverable IRR vector above PPR to the ISR
	 * with KVM_GET_LAPIC/KVM_SET_LAPIC.
	 */
	KVMREAL_ACK_HOST,
};

#define KVMREAL_MAX_VCPUS	64
#define KVMREAL_RAM_GPA		0xf00000000ULL	/* 60 GiB: below a 36-bit MAXPHYADDR */
#define KVMREAL_RAM_SIZE	0x200000ULL
#define KVMREAL_MMIO_LIMIT	0x100000000ULL	/* guest MMIO writes reach [0, 4 GiB) */
#define KVMREAL_DONE_PORT	0x510		/* guest IN: "command done" (never a write) */
#define KVMREAL_EXC_PORT	0x511		/* guest IN: "exception taken" */

/* ---- /dev/kvm and the VM ---------------------------------------------- */

/* 0 when /dev/kvm opens and KVM_GET_API_VERSION is 12; else -errno (-ENODEV...). */
int kvmreal_available(void);

/*
 * KVM_CREATE_VM, the irqchip, guest RAM, nvcpus vCPUs (0..KVMREAL_MAX_VCPUS),
 * each started in the guest program and its LAPIC (if in kernel) left as
 * the scenario contract says: enabled (APIC base MSR and SVR), xAPIC, id =
 * vCPU index, LDR 0, flat DFR, TPR 0, every LVT masked.
 */
int kvmreal_vm_create(struct kvmreal_vm **out, int nvcpus, enum kvmreal_irqchip irqchip);
void kvmreal_vm_destroy(struct kvmreal_vm *vm);

int kvmreal_vm_fd(const struct kvmreal_vm *vm);
int kvmreal_vcpu_fd(const struct kvmreal_vm *vm, int vcpu);	/* -EINVAL if out of range */
int kvmreal_nr_vcpus(const struct kvmreal_vm *vm);
enum kvmreal_irqchip kvmreal_irqchip_mode(const struct kvmreal_vm *vm);

/* Why the last -EOPNOTSUPP (or guest failure) of this VM happened; never NULL. */
const char *kvmreal_reason(const struct kvmreal_vm *vm);

/* ---- eventfds (real eventfd(2)) ----------------------------------------- */

/* A new non-blocking eventfd with the given count: fd >= 0, or -errno. */
int kvmreal_eventfd_create(uint64_t count);
int kvmreal_eventfd_write(int fd, uint64_t n);
/* Non-blocking read: 0 and *val, -EAGAIN when the count is 0, -EBADF... */
int kvmreal_eventfd_read(int fd, uint64_t *val);
int kvmreal_eventfd_close(int fd);
/*
 * The count without consuming it: parsed from /proc/self/fdinfo/FD
 * ("eventfd-count:"); if procfs is unavailable, a read followed by a
 * write-back (not atomic: an irqfd bound to the eventfd would see the
 * write-back as a new signal).
 */
int kvmreal_eventfd_peek(int fd, uint64_t *count);

/* ---- host side: routing and injection ------------------------------------ */

enum kvmreal_route_type {
	KVMREAL_ROUTE_PIC_MASTER,
	KVMREAL_ROUTE_PIC_SLAVE,
	KVMREAL_ROUTE_IOAPIC,
	KVMREAL_ROUTE_MSI,
};

struct kvmreal_route {
	uint32_t gsi;
	enum kvmreal_route_type type;
	uint32_t pin;			/* irqchip routes */
	uint32_t addr_lo, addr_hi, data;	/* MSI routes */
};

/* KVM_SET_GSI_ROUTING with exactly these entries (n may be 0). */
int kvmreal_set_routing(struct kvmreal_vm *vm, const struct kvmreal_route *r, unsigned int n);
/* KVM_SET_GSI_ROUTING as KVM_CREATE_IRQCHIP leaves it: GSI 0-15 IOAPIC+PIC, 16-23 IOAPIC. */
int kvmreal_set_routing_default(struct kvmreal_vm *vm);

/* KVM_IRQ_LINE_STATUS: 0 and *status (-1 / 0 / >0, see kernel-notes 4.3), or -errno. */
int kvmreal_irq_line(struct kvmreal_vm *vm, uint32_t gsi, int level, int *status);

/*
 * KVM_SIGNAL_MSI: the ioctl's raw result. >= 0 is the number of LAPICs that
 * accepted; the kernel's "no destination" -1 arrives as errno EPERM, which
 * is returned as -EPERM == -1, so the value equals the kernel's own.
 */
int kvmreal_signal_msi(struct kvmreal_vm *vm, uint32_t addr_lo, uint32_t addr_hi, uint32_t data);

/*
 * KVM_IRQFD. resamplefd < 0: a plain irqfd, else RESAMPLE with that fd.
 * extra_flags are ORed in raw. fd may be -1 (a closed name). Kernel errno.
 */
int kvmreal_irqfd_assign(struct kvmreal_vm *vm, int fd, uint32_t gsi, int resamplefd,
			 uint32_t extra_flags);
int kvmreal_irqfd_deassign(struct kvmreal_vm *vm, int fd, uint32_t gsi, uint32_t extra_flags);

struct kvmreal_ioeventfd {
	int fd;
	bool pio;			/* KVM_IOEVENTFD_FLAG_PIO */
	uint64_t addr;
	uint32_t len;
	bool datamatch;			/* KVM_IOEVENTFD_FLAG_DATAMATCH */
	uint64_t value;			/* the datamatch value */
	uint32_t extra_flags;		/* raw bits ORed into flags */
};
int kvmreal_ioeventfd_assign(struct kvmreal_vm *vm, const struct kvmreal_ioeventfd *io);
int kvmreal_ioeventfd_deassign(struct kvmreal_vm *vm, const struct kvmreal_ioeventfd *io);

/* ---- guest side ---------------------------------------------------------- */

enum kvmreal_access {
	KVMREAL_ACCESS_KERNEL = 0,	/* an in-kernel device or an ioeventfd took it */
	KVMREAL_ACCESS_EXIT = 1,	/* KVM_EXIT_IO / KVM_EXIT_MMIO to userspace */
};

/*
 * The guest on vCPU n writes value (len 1/2/4/8) to addr: KVMREAL_ACCESS_*
 * or -errno. An exit is "handled" by userspace (nothing) and the guest
 * resumes. PIO len 8 and MMIO at or above KVMREAL_MMIO_LIMIT give
 * -EOPNOTSUPP (x86 has no 8-byte OUT; only 4 GiB are mapped).
 */
int kvmreal_guest_pio_write(struct kvmreal_vm *vm, int n, uint16_t port, int len, uint64_t value);
int kvmreal_guest_mmio_write(struct kvmreal_vm *vm, int n, uint64_t addr, int len, uint64_t value);

/* Guest writes that exited to userspace so far. */
struct kvmreal_exits {
	uint64_t pio, mmio;
	uint64_t ioapic_eoi;		/* KVM_EXIT_IOAPIC_EOI (split irqchip) */
};
void kvmreal_exits(const struct kvmreal_vm *vm, struct kvmreal_exits *out);

/* The guest writes a LAPIC register (xAPIC offset, e.g. 0x80 TPR) by a 4-byte MMIO write. */
int kvmreal_guest_lapic_write(struct kvmreal_vm *vm, int n, uint32_t reg, uint32_t value);

/* `vcpu N lapic ...`: only the fields whose has_* flag is set are written. */
struct kvmreal_lapic_prog {
	bool has_id, has_ldr, has_dfr, has_tpr, has_enable;
	uint8_t id;			/* APIC ID register = id << 24 */
	uint8_t ldr;			/* logical APIC id: LDR = ldr << 24 */
	bool dfr_cluster;		/* DFR 0x0fffffff, else flat 0xffffffff */
	uint8_t tpr;			/* TPR register value */
	bool enable;			/* SVR bit 8 (spurious vector kept) */
};
int kvmreal_guest_lapic(struct kvmreal_vm *vm, int n, const struct kvmreal_lapic_prog *p);

/* `ioapic pin P ...`: the guest (vCPU 0) writes entry P through IOREGSEL/IOWIN. */
struct kvmreal_ioapic_prog {
	uint8_t vector;
	uint8_t dest;
	bool logical;
	uint8_t delivery;		/* 0 fixed, 1 lowest, 2 smi, 4 nmi, 5 init, 7 extint */
	bool level;
	bool active_low;
	bool masked;
};
uint64_t kvmreal_ioapic_entry(const struct kvmreal_ioapic_prog *p);
int kvmreal_guest_ioapic_write_entry(struct kvmreal_vm *vm, unsigned int pin, uint64_t entry);
/* Read-modify-write of the mask bit (the current entry read with KVM_GET_IRQCHIP). */
int kvmreal_guest_ioapic_mask(struct kvmreal_vm *vm, unsigned int pin, bool masked);

/* `vcpu N eoi`: a guest write of 0 to the EOI register (0xfee000b0). */
int kvmreal_guest_eoi(struct kvmreal_vm *vm, int n);

/*
 * `vcpu N ack`: 0 and *vector (0-255), or *vector = -1 when nothing is
 * deliverable (IRR empty or not above PPR, or LAPIC hardware-disabled).
 */
int kvmreal_guest_ack(struct kvmreal_vm *vm, int n, int *vector);

/*
 * The acknowledge mode of this host, detected once per process with a
 * probe VM (an MSI, then the guest takes it: is the ISR bit set?).
 * KVMREAL_ACK=host|guest in the environment forces it. Negative errno if
 * the probe itself failed.
 */
int kvmreal_ack_mode(void);
const char *kvmreal_ack_mode_name(int mode);

/* ---- readers --------------------------------------------------------------- */

struct kvmreal_apic_bits {
	uint32_t irr[8], isr[8], tmr[8];	/* bit v of word v/32 = vector v */
	uint32_t id, ldr, dfr, tpr, ppr, svr;
};
int kvmreal_lapic_get(struct kvmreal_vm *vm, int n, struct kvmreal_apic_bits *out);
static inline bool kvmreal_bit(const uint32_t *map, unsigned int v)
{
	return v < 256 && (map[v / 32] >> (v % 32)) & 1;
}

struct kvmreal_ioapic_pin {
	bool irr;			/* as KVM_GET_IRQCHIP reports it */
	bool remote_irr;
	uint64_t entry;
};
int kvmreal_ioapic_pin_get(struct kvmreal_vm *vm, unsigned int pin, struct kvmreal_ioapic_pin *out);

/* KVM_GET_IRQCHIP chip 0 (master) or 1 (slave). */
int kvmreal_pic_get(struct kvmreal_vm *vm, int chip, struct kvm_pic_state *out);

/* ---- bench helpers ----------------------------------------------------------- */

/*
 * The guest writes n times in a row (same address/len/value); every exit is
 * handled and resumed. Returns 0 and counts them in kvmreal_exits().
 */
int kvmreal_guest_pio_loop(struct kvmreal_vm *vm, int n, uint16_t port, int len,
			   uint64_t value, uint64_t count);
int kvmreal_guest_mmio_loop(struct kvmreal_vm *vm, int n, uint64_t addr, int len,
			    uint64_t value, uint64_t count);

/*
 * The guest takes interrupts (sti; hlt) until kvmreal_guest_irq_stop();
 * returns how many its handler counted. The handler EOIs unless the ack
 * mode is KVMREAL_ACK_HOST (the kernel already did). Blocks: call stop
 * from another thread, then inject one more interrupt to wake the guest.
 */
int kvmreal_guest_irq_loop(struct kvmreal_vm *vm, int n, uint64_t *taken);
void kvmreal_guest_irq_stop(struct kvmreal_vm *vm, int n);
/* Interrupts the guest's handler on vCPU n has counted so far (readable while it runs). */
uint64_t kvmreal_guest_irqs_taken(struct kvmreal_vm *vm, int n);

#endif
