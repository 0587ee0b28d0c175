/*
 * Host statements: what a VMM does through the KVM API, issued with the
 * real <linux/kvm.h> structures through the backend's vm_ioctl (the
 * simulator's irqsim_vm_ioctl(), or the real ioctl), and the host's own
 * eventfd calls.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "interp.h"

int interp_need_vm(struct interp *in, const struct scn_stmt *s)
{
	if (in->ops->has_vm(in))
		return INTERP_CONTINUE;
	return interp_script_error(in, s, "no VM: the 'vm' statement did not create one");
}

int interp_vm(struct interp *in, const struct scn_stmt *s)
{
	struct interp_outcome o;

	if (in->ops->has_vm(in))
		return interp_script_error(in, s, "the VM already exists (one 'vm' per scenario)");
	o = interp_outcome_ret(IV_CALL, in->ops->vm_create(in, &s->u.vm));
	return interp_check(in, s, s->line, &o);
}

int interp_eventfd(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_eventfd *e = &s->u.eventfd;
	struct interp_outcome o;
	int fd;

	if (interp_efd_get(in, e->efd) >= 0)
		return interp_script_error(in, s, "eventfd '%s' already exists",
					   in->prog->eventfds[e->efd].name);
	fd = in->ops->efd_create(in, e->count);
	if (fd >= 0)
		interp_efd_set(in, e->efd, fd);
	o = interp_outcome_ret(IV_CALL, fd < 0 ? fd : 0);
	return interp_check(in, s, s->line, &o);
}

int interp_write(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_write *w = &s->u.write;
	struct interp_outcome o;

	o = interp_outcome_ret(IV_CALL,
			       in->ops->efd_write(in, interp_efd_get(in, w->efd), w->value));
	return interp_check(in, s, s->line, &o);
}

int interp_read(struct interp *in, const struct scn_stmt *s)
{
	struct interp_outcome o = { .vocab = IV_VALUE };
	uint64_t v = 0;
	int r;

	r = in->ops->efd_read(in, interp_efd_get(in, s->u.read.efd), &v);
	if (r < 0) {
		o.err = -r;
	} else {
		o.has_val = true;
		o.val = (int64_t)v;
	}
	return interp_check(in, s, s->line, &o);
}

/* The name keeps naming the closed descriptor: later uses pass fd -1 (EBADF). */
int interp_close(struct interp *in, const struct scn_stmt *s)
{
	uint32_t idx = s->u.close.efd;
	int fd = interp_efd_get(in, idx);
	struct interp_outcome o;
	int r;

	r = in->ops->efd_close(in, fd);
	if (r == 0)
		interp_efd_set(in, idx, -1);
	o = interp_outcome_ret(IV_CALL, r);
	return interp_check(in, s, s->line, &o);
}

/*
 * The table KVM_CREATE_IRQCHIP installs, in the kernel's order: GSI 0-15
 * to IOAPIC pin N and PIC master/slave pin, GSI 16-23 to the IOAPIC only.
 */
static unsigned int default_routes(struct kvm_irq_routing_entry *e)
{
	unsigned int n = 0;

	for (uint32_t gsi = 0; gsi < 24; gsi++) {
		e[n].gsi = gsi;
		e[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		e[n].u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
		e[n].u.irqchip.pin = gsi;
		n++;
		if (gsi >= 16)
			continue;
		e[n].gsi = gsi;
		e[n].type = KVM_IRQ_ROUTING_IRQCHIP;
		e[n].u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
		e[n].u.irqchip.pin = gsi % 8;
		n++;
	}
	return n;
}

#define DEFAULT_ROUTES	40

int interp_routing(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_routing *rt = &s->u.routing;
	size_t n = rt->is_default ? DEFAULT_ROUTES : rt->n_entries;
	struct kvm_irq_routing *tbl;
	struct interp_outcome o;
	int rc;
	long r;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	tbl = calloc(1, sizeof(*tbl) + n * sizeof(tbl->entries[0]));
	if (!tbl)
		return interp_fail(in, s->line, "out of memory building the routing table");
	if (rt->is_default) {
		tbl->nr = default_routes(tbl->entries);
	} else {
		for (size_t i = 0; i < n; i++) {
			const struct scn_route_entry *se = &rt->entries[i];
			struct kvm_irq_routing_entry *e = &tbl->entries[i];

			e->gsi = se->gsi;
			if (se->type == SCN_ROUTE_MSI) {
				e->type = KVM_IRQ_ROUTING_MSI;
				e->u.msi.address_lo = se->addr;
				e->u.msi.address_hi = se->has_addr_hi ? se->addr_hi : 0;
				e->u.msi.data = se->data;
			} else {
				e->type = KVM_IRQ_ROUTING_IRQCHIP;
				e->u.irqchip.irqchip = (uint32_t)se->chip;
				e->u.irqchip.pin = se->pin;
			}
		}
		tbl->nr = (uint32_t)n;
	}
	r = in->ops->vm_ioctl(in, KVM_SET_GSI_ROUTING, tbl);
	free(tbl);
	o = interp_outcome_ret(IV_CALL, r);
	/* the `=>` of a block is written on its `end` line */
	return interp_check(in, s, rt->is_default ? s->line : rt->end_line, &o);
}

int interp_irq_line(struct interp *in, const struct scn_stmt *s)
{
	struct kvm_irq_level lvl;
	struct interp_outcome o = { .vocab = IV_VALUE };
	int rc;
	long r;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	memset(&lvl, 0, sizeof(lvl));
	lvl.irq = s->u.irq_line.gsi;
	lvl.level = s->u.irq_line.level;
	r = in->ops->vm_ioctl(in, KVM_IRQ_LINE_STATUS, &lvl);
	if (r < 0) {
		o.err = (int)-r;
	} else {
		o.has_val = true;
		o.val = lvl.status;
	}
	return interp_check(in, s, s->line, &o);
}

/*
 * KVM_SIGNAL_MSI passes the kernel's -1 ("no destination") straight to
 * ioctl(2), where it reads as errno EPERM: -1 is both.
 */
int interp_msi(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_msi *m = &s->u.msi;
	struct interp_outcome o;
	struct kvm_msi msi;
	int rc;
	long r;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	memset(&msi, 0, sizeof(msi));
	msi.address_lo = m->addr;
	msi.address_hi = m->has_addr_hi ? m->addr_hi : 0;
	msi.data = m->data;
	msi.flags = m->has_flags ? m->flags : 0;
	r = in->ops->vm_ioctl(in, KVM_SIGNAL_MSI, &msi);
	o = interp_outcome_ret(IV_VALUE, r);
	if (r == -1) {
		o.has_val = true;
		o.val = -1;
		o.minus1_is_eperm = true;
	}
	return interp_check(in, s, s->line, &o);
}

int interp_irqfd(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_irqfd *f = &s->u.irqfd;
	struct kvm_irqfd irqfd;
	struct interp_outcome o;
	int rc;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	memset(&irqfd, 0, sizeof(irqfd));
	irqfd.fd = (uint32_t)interp_efd_get(in, f->efd);
	irqfd.gsi = f->gsi;
	if (f->deassign)
		irqfd.flags |= KVM_IRQFD_FLAG_DEASSIGN;
	if (f->has_resample) {
		irqfd.flags |= KVM_IRQFD_FLAG_RESAMPLE;
		irqfd.resamplefd = (uint32_t)interp_efd_get(in, f->resample_efd);
	}
	if (f->has_flags)
		irqfd.flags |= f->flags;
	o = interp_outcome_ret(IV_CALL, in->ops->vm_ioctl(in, KVM_IRQFD, &irqfd));
	return interp_check(in, s, s->line, &o);
}

int interp_ioeventfd(struct interp *in, const struct scn_stmt *s)
{
	const struct scn_ioeventfd *e = &s->u.ioeventfd;
	struct kvm_ioeventfd io;
	struct interp_outcome o;
	int rc;

	rc = interp_need_vm(in, s);
	if (rc)
		return rc;
	memset(&io, 0, sizeof(io));
	io.fd = interp_efd_get(in, e->efd);
	io.addr = e->addr;
	io.len = e->len;
	if (e->space == SCN_SPACE_PIO)
		io.flags |= KVM_IOEVENTFD_FLAG_PIO;
	if (e->has_datamatch) {
		io.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
		io.datamatch = e->datamatch;
	}
	if (e->deassign)
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (e->has_flags)
		io.flags |= e->flags;
	o = interp_outcome_ret(IV_CALL, in->ops->vm_ioctl(in, KVM_IOEVENTFD, &io));
	return interp_check(in, s, s->line, &o);
}
