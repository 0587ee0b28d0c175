#!/bin/bash -eu
# ClusterFuzzLite entry point: the same build as OSS-Fuzz.
exec "$SRC/irqsim/fuzz/oss-fuzz/build.sh"
