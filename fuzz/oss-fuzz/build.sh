#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build of irqsim's libFuzzer targets.
#
# Uses the environment OSS-Fuzz provides: $CC, $CFLAGS (sanitizer and
# coverage flags of the build flavour), $LIB_FUZZING_ENGINE (-fsanitize=fuzzer
# or an engine library), $SRC, $OUT. Builds the model and the runtime from
# source with those flags (no meson needed), links each target, and puts
# beside it in $OUT its seed corpus (<target>_seed_corpus.zip), dictionary
# (<target>.dict) and options (<target>.options).
#
# Needs liburcu-dev, libck-dev and pkg-config in the build image
# (.clusterfuzzlite/Dockerfile installs them).

SRCDIR=${SRCDIR:-$SRC/irqsim}
WORK=${WORK:-$(mktemp -d)}
cd "$SRCDIR"

DEPS_CFLAGS=$(pkg-config --cflags liburcu-memb ck)
DEPS_LIBS=$(pkg-config --libs liburcu-memb ck)
COMMON="-std=gnu11 -D_GNU_SOURCE -Iinclude -Isim/kernel/include -I. $DEPS_CFLAGS"

# The runtime: sanitized (from $CFLAGS) but without coverage instrumentation,
# which its scheduler loops would dominate (see docs/fuzzing.md).
RUNTIME_CFLAGS=$(echo "$CFLAGS" | sed -e 's/-fsanitize=fuzzer-no-link//g' \
	-e 's/-fsanitize-coverage=[^ ]*//g')

objs=()
for f in sim/kernel/*.c sim/kernel/threads/*.c sim/kernel/sched/*.c; do
	o="$WORK/$(echo "$f" | tr / _).o"
	$CC $RUNTIME_CFLAGS $COMMON -c "$f" -o "$o"
	objs+=("$o")
done
for f in model/*.c; do
	o="$WORK/$(echo "$f" | tr / _).o"
	$CC $CFLAGS $COMMON -c "$f" -o "$o"
	objs+=("$o")
done
for f in fuzz/targets/fuzz_common.c fuzz/targets/fuzz_api_prog.c; do
	o="$WORK/$(echo "$f" | tr / _).o"
	$CC $CFLAGS $COMMON -c "$f" -o "$o"
	objs+=("$o")
done

for t in fuzz_routing fuzz_iobus fuzz_msi fuzz_api fuzz_chips; do
	$CC $CFLAGS $COMMON -c "fuzz/targets/$t.c" -o "$WORK/$t.o"
	$CC $CFLAGS "$WORK/$t.o" "${objs[@]}" $LIB_FUZZING_ENGINE $DEPS_LIBS -lpthread -lm \
		-o "$OUT/$t"
	(cd "fuzz/targets/corpus/$t" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
	cp "fuzz/targets/$t.dict" "$OUT/$t.dict"
	cp "fuzz/targets/$t.options" "$OUT/$t.options"
done
