/*
 * The in-kernel dual 8259 PIC, after arch/x86/kvm/i8259.c (Linux 6.18),
 * itself a port of QEMU's.
 *
 * Sections: lock and wake-up; line state and priority; INTA; the port
 * registers (ICW1-4, OCW1-3, poll, ELCR); create / destroy; GET/SET state.
 *
 * pic->lock is a plain spinlock covering both chips. It is dropped around
 * kvm_notify_acked_irq() (ack notifiers re-enter kvm_set_irq, which takes
 * it again) and before the vCPU kick.
 *
 * The kick: with no vCPU run loop in the simulator, "waking" a vCPU means
 * only that the LAPIC's pending state (kvm_cpu_has_interrupt) now sees the
 * PIC output; pic_unlock still makes the request, calls kvm_vcpu_kick and
 * counts the kick (stat pic.kick) so scenarios can assert on it.
 */
#include <kshim/kernel.h>
#include <kshim/mutex.h>
#include <kshim/slab.h>
#include <kshim/spinlock.h>

#include "kvm_host.h"
#include "iodev.h"
#include "irq.h"
#include "lapic.h"
#include "ioapic.h"
#include "i8259.h"

#define pr_pic_unimpl(fmt, ...) \
	pr_warn_ratelimited("kvm: pic: " fmt, ##__VA_ARGS__)

static void pic_irq_request(struct kvm *kvm, int level);

/* ---- lock and wake-up ----------------------------------------------------- */

/* pic_lock */
static void pic_lock(struct kvm_pic *s)
{
	spin_lock(&s->lock);
}

/* pic_unlock: a rising output kicks the first vCPU that takes PIC interrupts. */
static void pic_unlock(struct kvm_pic *s)
{
	bool wakeup = s->wakeup_needed;
	struct kvm_vcpu *vcpu;
	int i;

	s->wakeup_needed = false;
	spin_unlock(&s->lock);

	if (!wakeup)
		return;
	kvm_for_each_vcpu(i, vcpu, s->kvm) {
		if (kvm_apic_accept_pic_intr(vcpu)) {
			kvm_make_request(KVM_REQ_EVENT, vcpu);
			kvm_vcpu_kick(vcpu);
			kvm_stat_inc(s->kvm, pic_kick);
			return;
		}
	}
}

/*
 * pic_clear_isr: retire irq (0-7 on chip s) and tell the ack notifiers,
 * with the lock dropped; the chip state is already consistent, so an
 * interrupt arriving meanwhile is harmless.
 */
static void pic_clear_isr(struct kvm_kpic_state *s, int irq)
{
	s->isr &= ~(1 << irq);
	if (s != &s->pics_state->pics[0])
		irq += 8;
	pic_unlock(s->pics_state);
	kvm_notify_acked_irq(s->pics_state->kvm, SELECT_PIC(irq), irq);
	pic_lock(s->pics_state);
}

/* ---- line state and priority ---------------------------------------------- */

/*
 * pic_set_irq1: level mode, IRR follows the line; edge mode, IRR latches a
 * rising edge. 0 = the IRR bit was already set (coalesced); 1 otherwise,
 * *including* an edge pin whose line was already high (no new edge: a
 * kernel quirk visible in KVM_IRQ_LINE_STATUS); -1 when masked.
 */
static int pic_set_irq1(struct kvm_kpic_state *s, int irq, int level)
{
	int mask = 1 << irq, ret = 1;

	if (s->elcr & mask) {
		if (level) {
			ret = !(s->irr & mask);
			s->irr |= mask;
			s->last_irr |= mask;
		} else {
			s->irr &= ~mask;
			s->last_irr &= ~mask;
		}
	} else {
		if (level) {
			if (!(s->last_irr & mask)) {
				ret = !(s->irr & mask);
				s->irr |= mask;
			}
			s->last_irr |= mask;
		} else {
			s->last_irr &= ~mask;
		}
	}

	return (s->imr & mask) ? -1 : ret;
}

/* get_priority: 0 is the highest (rotated by priority_add); 8 if mask is empty. */
static int get_priority(struct kvm_kpic_state *s, int mask)
{
	int priority = 0;

	if (mask == 0)
		return 8;
	while (!(mask & (1 << ((priority + s->priority_add) & 7))))
		priority++;
	return priority;
}

/* pic_get_irq: the pin the chip would raise now, or -1. */
static int pic_get_irq(struct kvm_kpic_state *s)
{
	int mask, cur_priority, priority;

	mask = s->irr & ~s->imr;
	priority = get_priority(s, mask);
	if (priority == 8)
		return -1;

	/*
	 * In special fully nested mode the master ignores the slave's own
	 * in-service bit, so a higher-priority slave pin can nest.
	 */
	mask = s->isr;
	if (s->special_fully_nested_mode && s == &s->pics_state->pics[0])
		mask &= ~(1 << 2);
	cur_priority = get_priority(s, mask);
	if (priority < cur_priority)
		return (priority + s->priority_add) & 7;
	return -1;
}

/* pic_update_irq: the slave's request pulses master pin 2; recompute the output. */
static void pic_update_irq(struct kvm_pic *s)
{
	int irq2, irq;

	irq2 = pic_get_irq(&s->pics[1]);
	if (irq2 >= 0) {
		pic_set_irq1(&s->pics[0], 2, 1);
		pic_set_irq1(&s->pics[0], 2, 0);
	}
	irq = pic_get_irq(&s->pics[0]);
	pic_irq_request(s->kvm, irq >= 0);
}

/* kvm_pic_update_irq */
void kvm_pic_update_irq(struct kvm_pic *s)
{
	pic_lock(s);
	pic_update_irq(s);
	pic_unlock(s);
}

/* kvm_pic_set_irq (pre-6.17 signature; see i8259.h) */
int kvm_pic_set_irq(struct kvm_pic *s, int irq, int irq_source_id, int level)
{
	int ret, irq_level;

	if (WARN_ON_ONCE(irq < 0 || irq >= PIC_NUM_PINS))
		return -1;
	if (WARN_ON_ONCE(irq_source_id < 0 || irq_source_id >= BITS_PER_LONG))
		return -1;

	pic_lock(s);
	irq_level = __kvm_irq_line_state(&s->irq_states[irq], irq_source_id, level);
	ret = pic_set_irq1(&s->pics[irq >> 3], irq & 7, irq_level);
	pic_update_irq(s);
	if (ret == 0)
		kvm_stat_inc(s->kvm, pic_coalesced);
	sim_trace_instant("irq", "kvm_pic_set_irq", "chip=%d pin=%d elcr=0x%x imr=0x%x coalesced=%d",
			  irq >> 3, irq & 7, s->pics[irq >> 3].elcr,
			  s->pics[irq >> 3].imr, ret == 0);
	pic_unlock(s);

	return ret;
}

/* ---- INTA ------------------------------------------------------------------ */

/* pic_intack: level pins keep their IRR bit (the line is still up). */
static void pic_intack(struct kvm_kpic_state *s, int irq)
{
	s->isr |= 1 << irq;
	if (!(s->elcr & (1 << irq)))
		s->irr &= ~(1 << irq);

	if (s->auto_eoi) {
		if (s->rotate_on_auto_eoi)
			s->priority_add = (irq + 1) & 7;
		pic_clear_isr(s, irq);
	}
}

/* kvm_pic_read_irq: the vector of the INTA cycle; spurious IRQ 7 / 15 when nothing is there. */
int kvm_pic_read_irq(struct kvm *kvm)
{
	struct kvm_pic *s = kvm->arch.vpic;
	int irq, irq2, intno;

	/* Cleared before locking, as the kernel does. */
	s->output = 0;

	pic_lock(s);
	irq = pic_get_irq(&s->pics[0]);
	if (irq >= 0) {
		pic_intack(&s->pics[0], irq);
		if (irq == 2) {
			irq2 = pic_get_irq(&s->pics[1]);
			if (irq2 >= 0)
				pic_intack(&s->pics[1], irq2);
			else
				irq2 = 7;	/* spurious on the slave */
			intno = s->pics[1].irq_base + irq2;
		} else {
			intno = s->pics[0].irq_base + irq;
		}
	} else {
		irq = 7;		/* spurious on the master */
		intno = s->pics[0].irq_base + irq;
	}
	pic_update_irq(s);
	pic_unlock(s);

	return intno;
}

/* ---- the port registers ---------------------------------------------------- */

/*
 * kvm_pic_reset: ICW1. Edge requests latched in IRR are dropped; if some
 * vCPU takes PIC interrupts, those pins' ISR bits are retired with acks so
 * ack notifiers (PIT reinjection) do not wait forever.
 */
static void kvm_pic_reset(struct kvm_kpic_state *s)
{
	struct kvm_vcpu *vcpu;
	u8 edge_irr = s->irr & ~s->elcr;
	bool found = false;
	int irq, i;

	s->last_irr = 0;
	s->irr &= s->elcr;
	s->imr = 0;
	s->priority_add = 0;
	s->special_mask = 0;
	s->read_reg_select = 0;
	if (!s->init4) {
		s->special_fully_nested_mode = 0;
		s->auto_eoi = 0;
	}
	s->init_state = 1;

	kvm_for_each_vcpu(i, vcpu, s->pics_state->kvm) {
		if (kvm_apic_accept_pic_intr(vcpu)) {
			found = true;
			break;
		}
	}
	if (!found)
		return;

	for (irq = 0; irq < PIC_NUM_PINS / 2; irq++)
		if (edge_irr & (1 << irq))
			pic_clear_isr(s, irq);
}

/* pic_ioport_write: even port = ICW1 / OCW2 / OCW3, odd port = OCW1 or ICW2-4. */
static void pic_ioport_write(struct kvm_kpic_state *s, u32 addr, u32 val)
{
	int priority, cmd, irq;

	if (!(addr & 1)) {
		if (val & 0x10) {
			/* ICW1 */
			s->init4 = val & 1;
			if (val & 0x02)
				pr_pic_unimpl("single mode not supported\n");
			if (val & 0x08)
				pr_pic_unimpl("level sensitive irq not supported\n");
			kvm_pic_reset(s);
		} else if (val & 0x08) {
			/* OCW3 */
			if (val & 0x04)
				s->poll = 1;
			if (val & 0x02)
				s->read_reg_select = val & 1;
			if (val & 0x40)
				s->special_mask = (val >> 5) & 1;
		} else {
			/* OCW2 */
			cmd = val >> 5;
			switch (cmd) {
			case 0:
			case 4:
				s->rotate_on_auto_eoi = cmd >> 2;
				break;
			case 1:		/* non-specific EOI */
			case 5:		/* ... and rotate */
				priority = get_priority(s, s->isr);
				if (priority != 8) {
					irq = (priority + s->priority_add) & 7;
					if (cmd == 5)
						s->priority_add = (irq + 1) & 7;
					pic_clear_isr(s, irq);
					pic_update_irq(s->pics_state);
				}
				break;
			case 3:		/* specific EOI */
				irq = val & 7;
				pic_clear_isr(s, irq);
				pic_update_irq(s->pics_state);
				break;
			case 6:		/* set priority */
				s->priority_add = (val + 1) & 7;
				pic_update_irq(s->pics_state);
				break;
			case 7:		/* specific EOI and rotate */
				irq = val & 7;
				s->priority_add = (irq + 1) & 7;
				pic_clear_isr(s, irq);
				pic_update_irq(s->pics_state);
				break;
			default:
				break;	/* no operation */
			}
		}
		return;
	}

	switch (s->init_state) {
	case 0: {	/* OCW1: the mask */
		u8 imr_diff = s->imr ^ val;
		int off = (s == &s->pics_state->pics[0]) ? 0 : 8;

		s->imr = val;
		for (irq = 0; irq < PIC_NUM_PINS / 2; irq++)
			if (imr_diff & (1 << irq))
				kvm_fire_mask_notifiers(s->pics_state->kvm,
							SELECT_PIC(irq + off), irq + off,
							!!(s->imr & (1 << irq)));
		pic_update_irq(s->pics_state);
		break;
	}
	case 1:		/* ICW2 */
		s->irq_base = val & 0xf8;
		s->init_state = 2;
		break;
	case 2:		/* ICW3: the cascade wiring is fixed */
		s->init_state = s->init4 ? 3 : 0;
		break;
	case 3:		/* ICW4 */
		s->special_fully_nested_mode = (val >> 4) & 1;
		s->auto_eoi = (val >> 1) & 1;
		s->init_state = 0;
		break;
	}
}

/*
 * pic_poll_read: OCW3 poll acts as an INTA; bit 7 reports that an
 * interrupt was pending. Reading it on the slave also retires the
 * cascade pin on the master.
 */
static u32 pic_poll_read(struct kvm_kpic_state *s, u32 addr1)
{
	int ret;

	ret = pic_get_irq(s);
	if (ret >= 0) {
		if (addr1 >> 7) {
			s->pics_state->pics[0].isr &= ~(1 << 2);
			s->pics_state->pics[0].irr &= ~(1 << 2);
		}
		s->irr &= ~(1 << ret);
		pic_clear_isr(s, ret);
		if (addr1 >> 7 || ret != 2)
			pic_update_irq(s->pics_state);
		ret |= 0x80;
	} else {
		ret = 0x07;
		pic_update_irq(s->pics_state);
	}
	return ret;
}

/* pic_ioport_read: even port IRR or ISR (OCW3 RR/RIS), odd port IMR. */
static u32 pic_ioport_read(struct kvm_kpic_state *s, u32 addr)
{
	u32 ret;

	if (s->poll) {
		ret = pic_poll_read(s, addr);
		s->poll = 0;
	} else if (!(addr & 1)) {
		ret = s->read_reg_select ? s->isr : s->irr;
	} else {
		ret = s->imr;
	}
	return ret;
}

/* elcr_ioport_write: pins 0, 1, 2 (master) and 8, 13 (slave) can never be level. */
static void elcr_ioport_write(struct kvm_kpic_state *s, u32 val)
{
	s->elcr = val & s->elcr_mask;
}

/* picdev_write: byte accesses only; others are logged and swallowed. */
static int picdev_write(struct kvm_pic *s, gpa_t addr, int len, const void *val)
{
	unsigned char data = *(const unsigned char *)val;

	if (len != 1) {
		pr_pic_unimpl("non byte write\n");
		return 0;
	}
	switch (addr) {
	case 0x20:
	case 0x21:
		pic_lock(s);
		pic_ioport_write(&s->pics[0], addr, data);
		pic_unlock(s);
		break;
	case 0xa0:
	case 0xa1:
		pic_lock(s);
		pic_ioport_write(&s->pics[1], addr, data);
		pic_unlock(s);
		break;
	case 0x4d0:
	case 0x4d1:
		pic_lock(s);
		elcr_ioport_write(&s->pics[addr & 1], data);
		pic_unlock(s);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

/* picdev_read: a non-byte read returns zeroes. */
static int picdev_read(struct kvm_pic *s, gpa_t addr, int len, void *val)
{
	unsigned char *data = val;

	if (len != 1) {
		memset(val, 0, len);
		pr_pic_unimpl("non byte read\n");
		return 0;
	}
	switch (addr) {
	case 0x20:
	case 0x21:
	case 0xa0:
	case 0xa1:
		pic_lock(s);
		*data = pic_ioport_read(&s->pics[addr >> 7], addr);
		pic_unlock(s);
		break;
	case 0x4d0:
	case 0x4d1:
		pic_lock(s);
		*data = s->pics[addr & 1].elcr;
		pic_unlock(s);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

/* picdev_master_write() */
static int picdev_master_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			       gpa_t addr, int len, const void *val)
{
	return picdev_write(container_of(dev, struct kvm_pic, dev_master), addr, len, val);
}

/* picdev_master_read() */
static int picdev_master_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			      gpa_t addr, int len, void *val)
{
	return picdev_read(container_of(dev, struct kvm_pic, dev_master), addr, len, val);
}

/* picdev_slave_write() */
static int picdev_slave_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			      gpa_t addr, int len, const void *val)
{
	return picdev_write(container_of(dev, struct kvm_pic, dev_slave), addr, len, val);
}

/* picdev_slave_read() */
static int picdev_slave_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			     gpa_t addr, int len, void *val)
{
	return picdev_read(container_of(dev, struct kvm_pic, dev_slave), addr, len, val);
}

/* picdev_elcr_write() */
static int picdev_elcr_write(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			     gpa_t addr, int len, const void *val)
{
	return picdev_write(container_of(dev, struct kvm_pic, dev_elcr), addr, len, val);
}

/* picdev_elcr_read() */
static int picdev_elcr_read(struct kvm_vcpu *vcpu, struct kvm_io_device *dev,
			    gpa_t addr, int len, void *val)
{
	return picdev_read(container_of(dev, struct kvm_pic, dev_elcr), addr, len, val);
}

/* pic_irq_request: the master's INTR line; a rising edge asks pic_unlock to kick. */
static void pic_irq_request(struct kvm *kvm, int level)
{
	struct kvm_pic *s = kvm->arch.vpic;

	if (!s->output && level)
		s->wakeup_needed = true;
	s->output = level;
}

static const struct kvm_io_device_ops picdev_master_ops = {
	.read	= picdev_master_read,
	.write	= picdev_master_write,
};

static const struct kvm_io_device_ops picdev_slave_ops = {
	.read	= picdev_slave_read,
	.write	= picdev_slave_write,
};

static const struct kvm_io_device_ops picdev_elcr_ops = {
	.read	= picdev_elcr_read,
	.write	= picdev_elcr_write,
};

/* ---- create / destroy ------------------------------------------------------ */

/*
 * kvm_pic_init: KVM_CREATE_IRQCHIP, under kvm->lock. A zeroed PIC: IMR 0
 * (all unmasked), every pin edge-triggered, ICW state "ready".
 */
int kvm_pic_init(struct kvm *kvm)
{
	struct kvm_pic *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	spin_lock_init(&s->lock);
	s->kvm = kvm;
	s->pics[0].elcr_mask = 0xf8;
	s->pics[1].elcr_mask = 0xde;
	s->pics[0].pics_state = s;
	s->pics[1].pics_state = s;

	kvm_iodevice_init(&s->dev_master, &picdev_master_ops);
	kvm_iodevice_init(&s->dev_slave, &picdev_slave_ops);
	kvm_iodevice_init(&s->dev_elcr, &picdev_elcr_ops);
	mutex_lock(&kvm->slots_lock);
	ret = kvm_io_bus_register_dev(kvm, KVM_PIO_BUS, 0x20, 2, &s->dev_master);
	if (ret < 0)
		goto fail_unlock;
	ret = kvm_io_bus_register_dev(kvm, KVM_PIO_BUS, 0xa0, 2, &s->dev_slave);
	if (ret < 0)
		goto fail_unreg_master;
	ret = kvm_io_bus_register_dev(kvm, KVM_PIO_BUS, 0x4d0, 2, &s->dev_elcr);
	if (ret < 0)
		goto fail_unreg_slave;
	mutex_unlock(&kvm->slots_lock);

	kvm->arch.vpic = s;
	return 0;

fail_unreg_slave:
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &s->dev_slave);
fail_unreg_master:
	kvm_io_bus_unregister_dev(kvm, KVM_PIO_BUS, &s->dev_master);
fail_unlock:
	mutex_unlock(&kvm->slots_lock);
	kfree(s);
	return ret;
}

/* kvm_pic_destroy */
void kvm_pic_destroy(struct kvm *kvm)
{
	struct kvm_pic *vpic = kvm->arch.vpic;

	if (!vpic)
		return;

	mutex_lock(&kvm->slots_lock);
	kvm_io_bus_unregister_dev(vpic->kvm, KVM_PIO_BUS, &vpic->dev_master);
	kvm_io_bus_unregister_dev(vpic->kvm, KVM_PIO_BUS, &vpic->dev_slave);
	kvm_io_bus_unregister_dev(vpic->kvm, KVM_PIO_BUS, &vpic->dev_elcr);
	mutex_unlock(&kvm->slots_lock);

	kvm->arch.vpic = NULL;
	kfree(vpic);
}

/* ---- KVM_GET_IRQCHIP / KVM_SET_IRQCHIP ------------------------------------- */

/* kvm_pic_get_state()'s memcpy() of the kvm_pic_state prefix of kvm_kpic_state, by field. */
static void kpic_to_state(const struct kvm_kpic_state *k, struct kvm_pic_state *st)
{
	st->last_irr = k->last_irr;
	st->irr = k->irr;
	st->imr = k->imr;
	st->isr = k->isr;
	st->priority_add = k->priority_add;
	st->irq_base = k->irq_base;
	st->read_reg_select = k->read_reg_select;
	st->poll = k->poll;
	st->special_mask = k->special_mask;
	st->init_state = k->init_state;
	st->auto_eoi = k->auto_eoi;
	st->rotate_on_auto_eoi = k->rotate_on_auto_eoi;
	st->special_fully_nested_mode = k->special_fully_nested_mode;
	st->init4 = k->init4;
	st->elcr = k->elcr;
	st->elcr_mask = k->elcr_mask;
}

/* kvm_pic_set_state()'s memcpy(), verbatim: even elcr_mask and out-of-range states are taken. */
static void state_to_kpic(const struct kvm_pic_state *st, struct kvm_kpic_state *k)
{
	k->last_irr = st->last_irr;
	k->irr = st->irr;
	k->imr = st->imr;
	k->isr = st->isr;
	k->priority_add = st->priority_add;
	k->irq_base = st->irq_base;
	k->read_reg_select = st->read_reg_select;
	k->poll = st->poll;
	k->special_mask = st->special_mask;
	k->init_state = st->init_state;
	k->auto_eoi = st->auto_eoi;
	k->rotate_on_auto_eoi = st->rotate_on_auto_eoi;
	k->special_fully_nested_mode = st->special_fully_nested_mode;
	k->init4 = st->init4;
	k->elcr = st->elcr;
	k->elcr_mask = st->elcr_mask;
}

/*
 * kvm_pic_get_state: the PIC half of kvm_vm_ioctl_get_irqchip. The kernel
 * copies without pic->lock; we take it so the copy is consistent.
 */
int kvm_pic_get_state(struct kvm_pic *pic, int chip_id, struct kvm_pic_state *state)
{
	if (chip_id != KVM_IRQCHIP_PIC_MASTER && chip_id != KVM_IRQCHIP_PIC_SLAVE)
		return -EINVAL;
	spin_lock(&pic->lock);
	kpic_to_state(&pic->pics[chip_id], state);
	spin_unlock(&pic->lock);
	return 0;
}

/* kvm_pic_set_state: the PIC half of kvm_vm_ioctl_set_irqchip (then kvm_pic_update_irq). */
int kvm_pic_set_state(struct kvm_pic *pic, int chip_id, const struct kvm_pic_state *state)
{
	if (chip_id != KVM_IRQCHIP_PIC_MASTER && chip_id != KVM_IRQCHIP_PIC_SLAVE)
		return -EINVAL;
	spin_lock(&pic->lock);
	state_to_kpic(state, &pic->pics[chip_id]);
	spin_unlock(&pic->lock);
	return 0;
}
