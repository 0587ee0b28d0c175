/* eventfd.c: placeholder until its owner lands it. */
