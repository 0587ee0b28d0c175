#!/usr/bin/env python3
"""Write the seed corpora of fuzz/targets (deterministic; run from any cwd).

Hand-built seeds reach the interesting states at once (valid routing
tables, level-triggered pins with resamplers, overlapping ioeventfds,
logical/cluster/x2APIC destinations); a few pseudo-random ones add spread.
The byte layouts are those documented at the top of each target.
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(bytes(data))


def rand_seeds(target, n, rng, sizes=(32, 96, 256, 700)):
    for i in range(n):
        size = rng.choice(sizes)
        write(target, 'rand-%02d' % i, [rng.randrange(256) for _ in range(size)])


# ---- fuzz_routing: h, seed, [ioapic pins], ops (vcpu byte, op, args) ----
def routing_seeds(rng):
    def irqchip_entry(gsi, chip, pin):
        return [0, gsi, 0, chip, pin]

    def msi_entry(gsi, dest, vec, level=False):
        return [3, gsi, 0, 0x00, dest, 0x00, 0x00, vec | 0x80, 0x80 if level else 0, 0]

    def set_routing(entries):
        out = [0, 0, len(entries), 0]
        for e in entries:
            out += e
        return out
    # kernel irqchip, 2 vCPUs, 3 pins: level pin 5 -> vCPU 0, edge pin 3, level pin 9 lowest
    setup = [0x10, 1, 3, 0x05, 0x04, 0x25, 0x00, 0x49, 0x05]
    line = lambda g, l: [0, 3, g, l]
    ops = (set_routing([irqchip_entry(5, 2, 5), irqchip_entry(5, 0, 5), msi_entry(24, 1, 0x41)])
           + line(5, 1) + [0, 5] + [0, 6] + line(5, 0) + line(24, 1)
           + set_routing([irqchip_entry(3, 2, 3), irqchip_entry(3, 2, 4)])   # conflict
           + set_routing([msi_entry(0xf1, 0, 0x30), msi_entry(0xf3, 0, 0x31)]) + line(3, 1) + [0, 5, 0, 6])
    write('fuzz_routing', 'kernel-level-msi', setup + ops)
    write('fuzz_routing', 'split-msi', [0x0a, 2] + set_routing([msi_entry(1, 0, 0x50, True)])
          + line(1, 1) + [0, 4, 0, 0x00, 0x00, 0x00, 0x00, 0x55, 0x80, 0]
          + set_routing([irqchip_entry(2, 2, 2)]))
    write('fuzz_routing', 'no-irqchip', [0x03, 3] + set_routing([msi_entry(1, 0, 0x50)])
          + line(1, 1) + [0, 0, 0xff, 0, 5])
    write('fuzz_routing', 'oversized-nr', [0x08, 4, 0] + [0, 0, 0xff, 0, 7] + [0, 0, 0xfe, 0]
          + [0, 8, 3] + set_routing([irqchip_entry(0, 1, 7)]))
    write('fuzz_routing', 'x2apic-format', [0x0c, 5] + set_routing(
        [[3, 7, 0, 0x00, 0x01, 0xf0, 0x01, 0x00, 0x00, 0x01, 0x00, 0x80, 0x00, 0]]))
    rand_seeds('fuzz_routing', 8, rng)


# ---- fuzz_iobus: seed, irqchip, then ops ----
def iobus_seeds(rng):
    def assign(flags, addr, lenidx, dm, slot):
        return [rng.choice([0, 1, 2]), flags, addr, lenidx, dm, slot]

    def deassign(flags, addr, lenidx, dm, slot):
        return [3, flags, addr, lenidx, dm, slot]

    def mmio(addr, val, lenidx):
        return [4, addr, val, lenidx]

    def pio(addr, val, lenidx):
        return [6, addr, val, lenidx]
    # the overlapping-ranges order of the kvm_io_bus bsearch miss: 5+0, 1+8, 13+2, 14+0
    write('fuzz_iobus', 'bsearch-overlap', [1, 0] + assign(0, 5, 0, 0, 0) + assign(0, 1, 4, 0, 1)
          + assign(0, 13, 2, 0, 2) + assign(0, 14, 0, 0, 3) + mmio(5, 0, 3) + mmio(5, 1, 0)
          + mmio(1, 0, 3) + mmio(13, 0, 1))
    write('fuzz_iobus', 'datamatch', [2, 1] + assign(1, 8, 3, 1, 0) + assign(1, 8, 3, 2, 1)
          + assign(0, 8, 3, 0, 2) + mmio(8, 1, 2) + mmio(8, 2, 2) + mmio(8, 3, 2)
          + deassign(1, 8, 3, 1, 0) + deassign(1, 8, 3, 1, 0) + mmio(8, 1, 2) + [7, 1]
          + deassign(1, 8, 3, 2, 1))
    write('fuzz_iobus', 'pio-len0', [3, 0] + assign(2, 4, 0, 0, 0) + assign(3, 4, 2, 0, 1)
          + pio(4, 0, 0) + pio(4, 0, 2) + assign(2, 6, 1, 0, 2) + pio(6, 9, 0)
          + deassign(2, 4, 0, 0, 0) + pio(4, 0, 1))
    write('fuzz_iobus', 'invalid', [4, 1] + assign(0, 0xfd, 1, 0, 0) + assign(0, 3, 10, 0, 0)
          + assign(1, 3, 0, 0, 0) + assign(0xf8, 3, 1, 0, 0, ) + [0x20] + assign(0, 3, 1, 0, 0xf9)
          + assign(0, 3, 1, 0, 0xf8) + assign(8, 3, 2, 0, 1) + assign(0x10, 3, 2, 0, 1)
          + mmio(3, 0, 1))
    rand_seeds('fuzz_iobus', 8, rng)


# ---- fuzz_msi: h, x, seed, [ids], ops ----
def msi_seeds(rng):
    def msi(db, mb, hb, vec, dm):
        return [1, db, mb, hb, vec, dm]

    def lapic(vcpu, op, b, extra=()):
        return [0, vcpu, b, op] + list(extra)
    ops = (lapic(0, 1, 0x01, [0]) + lapic(1, 1, 0x02, [0]) + lapic(2, 1, 0x04, [0])
           + msi(0xa0, 0x04, 0, 0x41, 0) + msi(0xa1, 0x04, 0, 0x42, 1) + msi(0xc0, 0, 0, 0x43, 0)
           + lapic(1, 3, 0) + msi(0xc0, 0x00, 0, 0x44, 1) + msi(0x01, 0x08, 0, 0x45, 4)
           + lapic(0, 5, 0))
    write('fuzz_msi', 'flat-logical', [0x03, 0x00, 1] + ops)
    write('fuzz_msi', 'cluster', [0x07, 0x40, 2, 1, 2, 0, 1, 1, 2, 0] + lapic(0, 2, 0x80)
          + lapic(1, 2, 0x80) + lapic(0, 1, 0x11, [0]) + lapic(1, 1, 0x12, [0])
          + msi(0xd0, 0x04, 0, 0x13, 0x51) + msi(0xd0, 0x0c, 0, 0x13, 0x52))
    write('fuzz_msi', 'x2apic', [0x05, 0x81, 3] + lapic(0, 4, 0) + lapic(1, 4, 0)
          + msi(0xc0, 0, 0, 0x60, 0) + msi(0x01, 0, 0, 0x61, 0) + msi(0x00, 0x04, 0, 0x62, 1)
          + [1, 0xd1, 0x00, 0xe1, 0x00, 0x01, 0x00, 0x00, 0x63, 0])
    write('fuzz_msi', 'x2apic-nobcast-quirk', [0x12, 0x83, 4] + lapic(2, 4, 0) + msi(0xc0, 0, 0, 0x70, 0)
          + msi(0xc0, 0, 0, 0x71, 4) + lapic(3, 3, 0) + msi(0xa3, 0, 0, 0x72, 1))
    rand_seeds('fuzz_msi', 8, rng)


# ---- fuzz_api: b0, b1, [nth], seed16, schedlen, ops..., schedule ----
def api_seeds(rng):
    def hdr(irqchip, vcpus, threads, fault=0, nth=None, seed=1, sched=()):
        b0 = irqchip | (vcpus - 1) << 2 | (threads - 1) << 4
        out = [b0, fault] + ([nth] if nth is not None else []) + [seed & 0xff, seed >> 8, len(sched)]
        return out, list(sched)

    def op(kind, thread, *args):
        return [kind | thread << 4] + list(args)
    ROUTING, IRQFD, WRITE, CLOSE, EVENTFD = 4, 3, 1, 2, 0
    IRQ_LINE, MSI, IOE, MMIO, PIO, ACK, EOI, PIN = 5, 6, 7, 8, 9, 10, 11, 12
    # irqfd on an MSI route: fast path, then close under it (EPOLLHUP)
    h, s = hdr(0, 2, 2, seed=3, sched=[1, 0, 1, 1, 0, 2])
    body = (op(ROUTING, 0, 1, 1, 24, 1, 0x21) + op(IRQFD, 0, 0, 24, 0) + op(WRITE, 1, 0, 0)
            + op(CLOSE, 1, 0) + op(WRITE, 0, 0, 1) + op(ACK, 1, 1) + op(EOI, 1, 1))
    write('fuzz_api', 'irqfd-msi-close', h + body + s)
    # resampling irqfd on a level IOAPIC pin; ack/EOI signals the resamplefd
    h, s = hdr(0, 1, 2, seed=4, sched=[0, 1, 1, 0, 1])
    body = (op(PIN, 0, 5, 0x11, 0x01) + op(IRQFD, 0, 1, 5, 4, 2) + op(WRITE, 0, 1, 0)
            + op(ACK, 1, 0) + op(EOI, 1, 0) + op(IRQFD, 1, 1, 5, 3) + op(WRITE, 0, 1, 0)
            + op(ROUTING, 1, 2, 0, 5, 4, 5, 1, 9, 2, 0x40))
    write('fuzz_api', 'resample-level', h + body + s)
    # ioeventfds and guest writes from 3 threads
    h, s = hdr(3, 1, 3, seed=5, sched=[2, 1, 0] * 4)
    body = (op(IOE, 0, 0, 0x20 | 0x40, 3, 1) + op(IOE, 1, 1, 0x20, 3, 0) + op(MMIO, 2, 0, 3, 2, 1)
            + op(MMIO, 0, 0, 3, 2, 2) + op(IOE, 1, 0, 0x26 | 0x40, 3, 1) + op(PIO, 2, 0, 1, 0, 0)
            + op(IOE, 2, 2, 0x01, 1, 0) + op(PIO, 0, 0, 1, 0, 0) + op(CLOSE, 1, 1) + op(MMIO, 2, 0, 3, 2, 0))
    write('fuzz_api', 'ioeventfd-threads', h + body + s)
    # 4 threads racing routing updates against irqfds and KVM_IRQ_LINE, allocation failure #9
    h, s = hdr(0, 4, 4, fault=6, nth=8, seed=6, sched=[3, 2, 1, 0, 0, 1, 2, 3] * 3)
    body = (op(EVENTFD, 0, 1) + op(IRQFD, 1, 4, 10, 0) + op(ROUTING, 2, 2, 1, 10, 0, 0x10, 0, 10, 5, 4)
            + op(IRQ_LINE, 3, 10, 1) + op(WRITE, 1, 4, 1) + op(IRQFD, 2, 4, 10, 3)
            + op(MSI, 3, 0x01, 2, 0x10) + op(ROUTING, 0, 0) + op(IRQFD, 3, 2, 3, 4, 3)
            + op(EOI, 0, 1) + op(ACK, 2, 2))
    write('fuzz_api', 'routing-race-fault', h + body + s)
    # split irqchip, fd lookup failure, resample refused
    h, s = hdr(2, 2, 2, fault=7, nth=1, seed=8)
    body = (op(IRQFD, 0, 0, 2, 4, 1) + op(IRQFD, 1, 0, 2, 0) + op(ROUTING, 0, 1, 1, 2, 1, 0)
            + op(MSI, 1, 0, 0, 0) + op(IRQFD, 1, 0, 2, 3))
    write('fuzz_api', 'split-fdget', h + body + s)
    rand_seeds('fuzz_api', 8, rng, sizes=(48, 128, 300))


# ---- fuzz_chips: b0 (vCPUs - 1), seed, steps (vCPU byte, op % 12, args) ----
def chips_seeds():
    rng = random.Random(7)     # its own generator: the other targets' seeds stay as they were
    # both PICs initialised (ICW1-4), a line raised and acked, state read back
    write('fuzz_chips', 'pic-init-lines', [0, 1, 0, 3, 0, 0x00, 0x20, 0x04, 0x01, 0, 3, 1, 0x00, 0x28,
                                           0x02, 0x01, 0, 2, 1, 0x00, 0, 7, 0, 1, 0, 8, 1, 0, 7, 0, 0,
                                           0, 9, 0, 0, 9, 1])
    # IOAPIC pin 0 level-triggered, line 5 raised, ack, EOI register, state round trip
    write('fuzz_chips', 'ioapic-level-eoi', [1, 2, 0, 0, 0x10, 0x31, 0x80, 0, 0, 0, 0, 0x11, 0, 0, 0, 0,
                                             0, 7, 5, 1, 0, 8, 1, 0, 1, 1, 0x31, 0, 1, 0, 0x10, 0, 9, 2])
    # IA32_APIC_BASE to x2APIC, x2APIC MSRs, KVM_SET_LAPIC with changed words
    write('fuzz_chips', 'x2apic-msrs', [3, 3, 1, 6, 0x18, 1, 6, 0x42, 0x08, 0, 0, 0, 0, 1, 6, 0x80, 0x30,
                                        0x41, 0, 0, 0, 0, 0, 0, 0, 1, 5, 0x05, 1, 10, 2, 3, 0x41, 0, 0,
                                        0, 1, 4, 0x02, 0, 0, 1, 0])
    write('fuzz_chips', 'lapic-state', [1, 4, 0, 10, 3, 0x08, 0x20, 0, 0, 0, 0, 4, 0x04, 0xff, 1, 0, 0,
                                        1, 5, 0x02, 0, 11])
    for i in range(8):
        write('fuzz_chips', 'rand-%02d' % i,
              [rng.randrange(256) for _ in range(rng.choice((48, 160, 400)))])


if __name__ == '__main__':
    rng = random.Random(20261122)
    routing_seeds(rng)
    iobus_seeds(rng)
    msi_seeds(rng)
    api_seeds(rng)
    chips_seeds()
