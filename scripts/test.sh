#!/bin/sh
# The README's second command: set up, then run every check CI runs: format,
# lints, the analyzer's dependency boundary, the whole test suite and a smoke run of
# the benchmark harness (the BPF
# end-to-end tests record for real when run as root; with RETRACE_REQUIRE_BPF=1
# they fail instead of skipping when BPF is unavailable).
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
[ -x "$HOME/.cargo/bin/cargo" ] && PATH="$HOME/.cargo/bin:$PATH"

echo "test: cargo fmt --check" >&2
cargo fmt --all --check

echo "test: the analyzer must not depend on libbpf" >&2
if cargo tree -p retrace -e normal,build --prefix none | grep -i libbpf; then
    echo "test: FAIL: the analyzer (package retrace) depends on libbpf" >&2
    exit 1
fi

echo "test: cargo clippy" >&2
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "test: cargo test" >&2
cargo test --workspace --all-targets

echo "test: smoke run of the benchmark harness (bench/smoke.sh)" >&2
bench/smoke.sh
