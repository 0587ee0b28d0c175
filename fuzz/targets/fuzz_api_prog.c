/* Decoding fuzz_api inputs into programs: see fuzz_api_prog.h. */
#include <string.h>
#include "fuzz_common.h"
#include "fuzz_api_prog.h"

#define IRQCHIP_PIC_MASTER	0
#define IRQCHIP_PIC_SLAVE	1
#define IRQCHIP_IOAPIC		2

static uint32_t small_gsi(struct fz *f)
{
	uint8_t b = fz_u8(f);

	return b < 0xf0 ? b % 32u : (b & 1 ? 100000u : 4096u + (b & 6));
}

static void decode_route(struct fz *f, struct fa_route *r)
{
	uint8_t t = fz_u8(f);

	memset(r, 0, sizeof(*r));
	r->gsi = fz_u8(f) % 32u;
	r->msi = t & 1;
	if (r->msi) {
		r->addr = 0xfee00000u | (uint32_t)fz_pick(f, 4) << 12 | (t & 4);
		r->data = (0x20u + fz_pick(f, 0xe0)) | (t & 2 ? 0x8000u : 0);
	} else {
		r->chip = (t >> 1) % 3;
		r->pin = fz_pick(f, 26);
	}
}

/* The eventfds the op may name: those declared earlier in program order. */
static uint8_t pick_ev(struct fz *f, int nr_eventfds)
{
	return (uint8_t)fz_pick(f, (unsigned int)nr_eventfds);
}

static bool decode_op(struct fz *f, struct fa_prog *p, struct fa_op *op)
{
	static const uint32_t ioe_lens[] = { 0, 1, 2, 4, 8, 4, 2, 3 };
	static const uint32_t write_lens[] = { 1, 2, 4, 8 };
	uint8_t k = fz_u8(f), b;
	int i;

	memset(op, 0, sizeof(*op));
	op->kind = (enum fa_kind)((k & 15) % FA_NR_KINDS);
	op->thread = (uint8_t)((k >> 4) % p->nr_threads);
	switch (op->kind) {
	case FA_EVENTFD:
		if (p->nr_eventfds == FA_MAX_EVENTFDS)
			return false;
		op->thread = 0;		/* declared before any other thread's use */
		op->ev = (uint8_t)p->nr_eventfds++;
		op->value = fz_u8(f) & 1;
		break;
	case FA_WRITE:
		op->ev = pick_ev(f, p->nr_eventfds);
		op->value = 1 + fz_pick(f, 3);
		break;
	case FA_CLOSE:
		op->ev = pick_ev(f, p->nr_eventfds);
		break;
	case FA_IRQFD:
		op->ev = pick_ev(f, p->nr_eventfds);
		op->gsi = small_gsi(f);
		b = fz_u8(f);
		op->deassign = (b & 3) == 3;
		op->resample = !op->deassign && (b & 4);
		if (op->resample)
			op->ev2 = pick_ev(f, p->nr_eventfds);
		if (b >= 0xf8)
			op->flags = fz_u8(f) & 0xfc;	/* bits the kernel rejects */
		break;
	case FA_ROUTING:
		op->nr_routes = (uint8_t)fz_pick(f, FA_MAX_ROUTES + 1);
		for (i = 0; i < op->nr_routes; i++)
			decode_route(f, &op->routes[i]);
		break;
	case FA_IRQ_LINE:
		op->gsi = small_gsi(f);
		op->level = fz_u8(f) & 1;
		break;
	case FA_MSI:
		b = fz_u8(f);
		op->msi_addr = 0xfee00000u | (uint32_t)fz_pick(f, 5) << 12 | (b & 0xc);
		op->msi_data = (0x20u + fz_pick(f, 0xe0)) | (b & 1 ? 0x8000u : 0) |
			       (b & 2 ? 0x100u : 0);
		break;
	case FA_IOEVENTFD:
		op->ev = pick_ev(f, p->nr_eventfds);
		b = fz_u8(f);
		op->pio = b & 1;
		op->deassign = (b & 6) == 6;
		op->len = ioe_lens[(b >> 3) & 7];
		op->has_datamatch = b & 0x40;
		op->addr = (op->pio ? FA_PIO_POOL : FA_MMIO_POOL) + fz_pick(f, 16);
		op->datamatch = fz_pick(f, 4);
		if (b & 0x80)
			op->flags = ((uint32_t)fz_u8(f) << 3) & 0x38;	/* CCW, FAST_MMIO, bit 5 */
		break;
	case FA_MMIO_WRITE:
	case FA_PIO_WRITE:
		op->vcpu = (uint8_t)fz_pick(f, (unsigned int)p->nr_vcpus);
		op->addr = (op->kind == FA_PIO_WRITE ? FA_PIO_POOL : FA_MMIO_POOL) + fz_pick(f, 16);
		op->len = write_lens[fz_pick(f, op->kind == FA_PIO_WRITE ? 3 : 4)];
		op->value = fz_pick(f, 4);
		break;
	case FA_ACK:
	case FA_EOI:
		op->vcpu = (uint8_t)fz_pick(f, (unsigned int)p->nr_vcpus);
		break;
	case FA_IOAPIC_PIN:
		if (p->irqchip != FA_IRQCHIP_KERNEL)
			return false;
		op->pin = (uint8_t)fz_pick(f, 24);
		op->vector = (uint8_t)(0x20 + fz_pick(f, 0xe0));
		b = fz_u8(f);
		op->level_trig = b & 1;
		op->masked = (b & 0xe) == 0xe;
		op->dest = (uint8_t)((b >> 4) % p->nr_vcpus);
		break;
	default:
		return false;
	}
	return true;
}

void fa_decode(const uint8_t *data, size_t size, struct fa_prog *p)
{
	struct fz f;
	uint8_t b0, b1;

	memset(p, 0, sizeof(*p));
	fz_init(&f, data, size);
	b0 = fz_u8(&f);
	b1 = fz_u8(&f);
	p->irqchip = (b0 & 3) == 3 ? FA_IRQCHIP_NONE :
		     (b0 & 3) == 2 ? FA_IRQCHIP_SPLIT : FA_IRQCHIP_KERNEL;
	p->nr_vcpus = 1 + ((b0 >> 2) & 3);
	p->nr_threads = 1 + ((b0 >> 4) & 3);
	p->fault = b1 % 8 == 6 ? FA_FAULT_ALLOC : b1 % 8 == 7 ? FA_FAULT_FDGET : FA_FAULT_NONE;
	if (p->fault != FA_FAULT_NONE)
		p->fault_nth = 1 + fz_u8(&f);
	p->seed = fz_u16(&f);
	p->schedule_len = fz_u8(&f);
	p->schedule = fz_take_tail(&f, &p->schedule_len);
	p->nr_eventfds = FA_INIT_EVENTFDS;
	while (fz_more(&f) && p->nr_ops < FA_MAX_OPS)
		if (decode_op(&f, p, &p->ops[p->nr_ops]))
			p->nr_ops++;
}
