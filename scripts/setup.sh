#!/bin/sh
# Installs what building and testing retrace needs on Debian/Ubuntu, then builds
# every binary (debug profile, shared with the tests). Idempotent: packages
# already present are not reinstalled. Run as root.
set -eu
cd "$(dirname "$0")/.."

need=""
# e2fsprogs and xfsprogs: the file-system tests make ext4 and xfs on loop devices.
# linux-perf, bpftool and python3-pip: the benchmark harness (bench/), whose smoke run is
# part of the tests. iproute2 and nftables: the network tests make namespaces and drop
# packets in them.
for pkg in clang llvm libelf-dev zlib1g-dev pkg-config make gcc libc6-dev fio bpftrace python3 util-linux \
    e2fsprogs xfsprogs iproute2 nftables \
    linux-perf bpftool python3-pip; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || need="$need $pkg"
done
if [ -n "$need" ]; then
    echo "setup: installing$need" >&2
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: run as root to install packages (or install:$need)" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $need >/dev/null
fi

# DuckDB (Python), the engine bench/analyzer.py compares retrace with: a dev-only tool,
# never a dependency of retrace.
if ! python3 -c "import duckdb" 2>/dev/null; then
    echo "setup: installing the duckdb Python package (for bench/)" >&2
    python3 -m pip install -q duckdb 2>/dev/null ||
        python3 -m pip install -q --break-system-packages duckdb
fi

if ! command -v cargo >/dev/null 2>&1; then
    [ -x "$HOME/.cargo/bin/cargo" ] && PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v cargo >/dev/null 2>&1; then
    echo "setup: installing Rust with rustup" >&2
    curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal >/dev/null
    PATH="$HOME/.cargo/bin:$PATH"
fi

echo "setup: building retrace (debug profile; the first build compiles DataFusion and takes a while)" >&2
cargo build --workspace --bins --quiet
