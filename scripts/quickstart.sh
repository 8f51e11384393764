#!/bin/sh
# The README's first command: set up, record ~10 s of this machine (default
# sources: disk, proc, sched, profile, cpufreq) while the built-in disk workload
# runs, then show the capture and its headline reports.
set -eu
cd "$(dirname "$0")/.."
./scripts/setup.sh
[ -x "$HOME/.cargo/bin/cargo" ] && PATH="$HOME/.cargo/bin:$PATH"
bin="${CARGO_TARGET_DIR:-$PWD/target}/debug"
cap="${1:-captures/quickstart}"

"$bin/retrace-record" --duration 10s --workload disk --output "$cap" --force
echo
"$bin/retrace" info "$cap"
echo
"$bin/retrace" biolatency "$cap"
echo
"$bin/retrace" runqlat "$cap"
echo
"$bin/retrace" execsnoop "$cap"
echo
"$bin/retrace" flamegraph "$cap" --tool profile -o "$cap.profile.svg"
echo "CPU flame graph of the recording: $cap.profile.svg"
echo "The capture is in $cap; try: $bin/retrace tools $cap"
