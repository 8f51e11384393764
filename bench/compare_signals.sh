#!/bin/sh
# bench/compare_signals.sh: the live sigsnoop (libbpf-tools) and
# `retrace-record --sources signal` side by side, over the same workload at the
# same time, then both outputs for the workload's time window: the live tool's
# lines, `retrace sigsnoop CAPTURE --since HH:MM:SS --until HH:MM:SS`, and per
# tool the number of lines of the workload's two processes per signal.
#
# The workload is tests/workloads/signals.c (the BPF end-to-end tests use it
# too): rtsig-sender sends rtsig-target KILLS x SIGUSR2 by kill(), TGKILLS x
# SIGWINCH by tgkill(), QUEUED x SIGUSR1 by sigqueue() and IGNORED x SIGURG that
# the target ignores, one at a time. Expected difference: the live tool's
# RESULT is the siginfo's errno field (0 for all of these), retrace's is the
# kernel's generation result (0 delivered, 1 ignored: the SIGURGs).
#
# Root only. Usage:
#   bench/compare_signals.sh [--bin DIR] [--sigsnoop PATH] [KILLS TGKILLS QUEUED IGNORED]
# DIR holds retrace-record and retrace (default: $CARGO_TARGET_DIR/debug, else
# target/debug); sigsnoop defaults to the one on PATH, else /usr/sbin/sigsnoop.
set -eu
cd "$(dirname "$0")/.."

bin="${CARGO_TARGET_DIR:-target}/debug"
snoop=""
while [ $# -gt 0 ]; do
    case "$1" in
    --bin) bin="$2"; shift 2 ;;
    --sigsnoop) snoop="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
    esac
done
kills="${1:-37}" tgkills="${2:-11}" queued="${3:-5}" ignored="${4:-3}"

die() { echo "compare_signals.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run as root (BPF)"
[ -n "$snoop" ] || snoop="$(command -v sigsnoop || echo /usr/sbin/sigsnoop)"
[ -x "$snoop" ] || die "no sigsnoop (Debian: apt-get install libbpf-tools), or pass --sigsnoop"
for b in retrace-record retrace; do
    [ -x "$bin/$b" ] || die "no $b in $bin (cargo build --workspace --bins, or pass --bin)"
done
command -v cc >/dev/null || die "no C compiler (cc)"
# libbpf-tools attach tracepoints through tracefs; retrace-record mounts it itself.
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing

tmp="$(mktemp -d /var/tmp/retrace-compare-signals-XXXXXX)"
rec="" live=""
cleanup() {
    # Only the two recorders this script started, by their pids.
    [ -z "$rec" ] || kill -INT "$rec" 2>/dev/null || true
    [ -z "$live" ] || kill -INT "$live" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

cc -O1 -Wall -o "$tmp/signals" tests/workloads/signals.c

"$bin/retrace-record" --quiet -s signal -o "$tmp/cap" 2>"$tmp/record.err" &
rec=$!
# The live tool's stdout is a file: it flushes when it exits on SIGINT.
"$snoop" >"$tmp/live.txt" 2>"$tmp/live.err" &
live=$!
sleep 2 # both attached
kill -0 "$rec" 2>/dev/null || die "retrace-record exited early: $(cat "$tmp/record.err")"
kill -0 "$live" 2>/dev/null || die "sigsnoop exited early: $(cat "$tmp/live.err")"

since="$(date +%H:%M:%S)"
"$tmp/signals" "$kills" "$tgkills" "$queued" "$ignored" >"$tmp/work.txt"
sleep 1 # the window's end is a whole second after the workload's
until="$(date +%H:%M:%S)"
sleep 0.2

kill -INT "$live"; wait "$live" || true; live=""
kill -INT "$rec"; wait "$rec" || die "retrace-record failed: $(cat "$tmp/record.err")"; rec=""

sender="$(sed -n 's/^sender //p' "$tmp/work.txt")"
target="$(sed -n 's/^target //p' "$tmp/work.txt")"
"$bin/retrace" sigsnoop "$tmp/cap" --since "$since" --until "$until" >"$tmp/retrace.txt"

echo "workload: $kills kill(SIGUSR2) + $tgkills tgkill(SIGWINCH) + $queued sigqueue(SIGUSR1) +" \
    "$ignored ignored kill(SIGURG); rtsig-sender pid $sender, rtsig-target pid $target"
echo "window: $since .. $until"
echo
echo "== live: $snoop (lines of the window)"
# The header, then the lines whose TIME falls in the window (HH:MM:SS sorts as text).
awk -v s="$since" -v u="$until" 'NR == 1 || ($1 >= s && $1 <= u)' "$tmp/live.txt"
echo
echo "== retrace sigsnoop CAPTURE --since $since --until $until"
cat "$tmp/retrace.txt"
echo
# Both layouts are TIME PID COMM SIG TPID RESULT: count the workload's lines by
# sender, signal and target.
summary() {
    awk -v s="$since" -v u="$until" -v a="$sender" -v b="$target" \
        'NR > 1 && $1 >= s && $1 <= u && ($2 == a || $2 == b) { n[$3 " sig " $4 " -> " $5]++ }
         END { for (k in n) printf "  %5d  %s\n", n[k], k }' "$1" | sort -k2
}
echo "== lines of the workload (pids $sender, $target): count, sender, signal, target"
echo "live sigsnoop:"
summary "$tmp/live.txt"
echo "retrace sigsnoop:"
summary "$tmp/retrace.txt"
