#!/bin/sh
# Smoke run of the benchmark harness, for CI: checks that bench/analyzer.py and
# bench/recorder.py still work end to end, not how fast anything is. A ~100 k row
# synthetic capture and one tool in retrace and DuckDB; as root, one short round of each
# recorder source under retrace-record, perf record and perf record -z. Uses the debug
# binaries of $CARGO_TARGET_DIR (default: target), brought up to date first (a no-op
# after the test suite's build).
# Exits non-zero when the harness itself breaks. About 30-60 s.
#
#   bench/smoke.sh
set -eu
cd "$(dirname "$0")/.."
BIN="${CARGO_TARGET_DIR:-target}/debug"
cargo build -q -p retrace --bin retrace -p retrace-tests --bin gen-synthetic
DATA=$(mktemp -d /var/tmp/retrace-bench-smoke.XXXXXX)
trap 'rm -rf "$DATA"' EXIT INT TERM

echo "== bench/analyzer.py --smoke"
python3 bench/analyzer.py --smoke --retrace "$BIN/retrace" --gen "$BIN/gen-synthetic" \
    --data "$DATA"

if [ "$(id -u)" != 0 ]; then
    if [ "${RETRACE_REQUIRE_BPF:-0}" = 1 ]; then
        echo "bench/smoke.sh: the recorder smoke needs root (RETRACE_REQUIRE_BPF=1)" >&2
        exit 1
    fi
    echo "== bench/recorder.py --smoke: skipped (needs root)"
    exit 0
fi
cargo build -q -p retrace-record
echo "== bench/recorder.py --smoke"
python3 bench/recorder.py --smoke --bin "$BIN"
