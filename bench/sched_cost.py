#!/usr/bin/env python3
"""Cost of recording the scheduler under a context-switch storm: a pipe ping-pong
pinned to CPU 0 (`taskset -c 0 perf bench sched pipe -l LOOPS`, ~2 context
switches per loop), run without and with `retrace-record -s sched` (or the
sources given), alternately, several times. Prints per run and as medians: the
workload's slowdown, sched events/s recorded, lost events, bytes on disk per
sched_switch row, the recorder's own CPU per event (user+sys of its process while
the workload ran), the BPF programs' in-kernel time (kernel.bpf_stats_enabled
run_time_ns / run_cnt) and the recorder's peak RSS. Root only. Pinned because
unpinned, this VM runs the ping-pong faster under tracing. Usage:

    bench/sched_cost.py [--loops 500000] [--runs 3] [--sources sched] [--bin DIR]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def workload(loops):
    t0 = time.monotonic()
    subprocess.run(["taskset", "-c", "0", "perf", "bench", "sched", "pipe", "-l", str(loops)],
                   check=True, capture_output=True)
    return time.monotonic() - t0


def proc_cpu_s(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bpf_prog_stats(names):
    out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True)
    ns = cnt = 0
    if out.returncode == 0:
        for p in json.loads(out.stdout):
            if any(p.get("name", "").startswith(n) for n in names):
                ns += p.get("run_time_ns", 0)
                cnt += p.get("run_cnt", 0)
    return ns, cnt


def recorded_run(rec, sources, loops, tmp, i):
    cap = os.path.join(tmp, f"cap{i}")
    r = subprocess.Popen([rec, "--quiet", "-s", sources, "-o", cap])
    time.sleep(1.0)  # attached
    cpu0 = proc_cpu_s(r.pid)
    ns0, cnt0 = bpf_prog_stats(["tp_btf_sched", "raw_tp_sched", "tp_btf_sys", "tp_btf_irq",
                                "tp_btf_softirq"])
    wall = workload(loops)
    ns1, cnt1 = bpf_prog_stats(["tp_btf_sched", "raw_tp_sched", "tp_btf_sys", "tp_btf_irq",
                                "tp_btf_softirq"])
    time.sleep(0.05)
    cpu = proc_cpu_s(r.pid) - cpu0
    with open(f"/proc/{r.pid}/status") as f:
        hwm = int(next(l for l in f if l.startswith("VmHWM:")).split()[1])
    r.send_signal(2)
    r.wait()
    with open(os.path.join(cap, "manifest.json")) as f:
        m = json.load(f)
    t = m["tables"]
    events = sum(v["rows"] for k, v in t.items())
    sw = t.get("sched_switch", {"rows": 0, "bytes": 0})
    res = {
        "wall": wall, "events": events, "switch_rows": sw["rows"],
        "bytes_per_switch": (sw["bytes"] + t.get("sched_wakeup", {"bytes": 0})["bytes"]) / max(sw["rows"], 1),
        "lost": sum(s["lost_events"] for s in m["sources"]),
        "cpu_ns_per_event": cpu * 1e9 / max(events, 1),
        "bpf_ns_per_run": (ns1 - ns0) / max(cnt1 - cnt0, 1),
        "bpf_runs": cnt1 - cnt0,
        "rss_mib": hwm / 1024,
    }
    shutil.rmtree(cap)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loops", type=int, default=500000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sources", default="sched")
    ap.add_argument("--no-bpf-stats", action="store_true",
                    help="leave kernel.bpf_stats_enabled off: the slowdown without the cost of "
                         "timing every program run (BPF ns/run then reads 0)")
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release"))
    a = ap.parse_args()
    rec = os.path.join(a.bin, "retrace-record")
    tmp = tempfile.mkdtemp(prefix="retrace-bench-", dir="/var/tmp")
    if not a.no_bpf_stats:
        subprocess.run(["sysctl", "-q", "kernel.bpf_stats_enabled=1"], check=True)
    base, runs = [], []
    try:
        for i in range(a.runs):
            base.append(workload(a.loops))
            runs.append(recorded_run(rec, a.sources, a.loops, tmp, i))
            r = runs[-1]
            print(f"run {i + 1}: base {base[-1]:.2f} s, recorded {r['wall']:.2f} s "
                  f"({100 * (r['wall'] / base[-1] - 1):+.0f}%), {r['events']} rows, lost {r['lost']}, "
                  f"{r['bytes_per_switch']:.2f} B/switch (switch+wakeup bytes), "
                  f"recorder {r['cpu_ns_per_event']:.0f} ns/event, BPF {r['bpf_ns_per_run']:.0f} ns/run, "
                  f"RSS {r['rss_mib']:.1f} MiB", flush=True)
    finally:
        subprocess.run(["sysctl", "-q", "kernel.bpf_stats_enabled=0"], check=True)
        shutil.rmtree(tmp)
    med = statistics.median
    slow = [100 * (r["wall"] / b - 1) for r, b in zip(runs, base)]
    print(f"\nsources {a.sources}, taskset -c 0 perf bench sched pipe -l {a.loops}, {a.runs} runs (median [min..max])")
    print(f"  slowdown:              {med(slow):+.1f}% [{min(slow):+.1f}..{max(slow):+.1f}]")
    rate = [r["events"] / r["wall"] for r in runs]
    print(f"  events recorded/s:     {med(rate):.0f} [{min(rate):.0f}..{max(rate):.0f}]")
    print(f"  lost events:           {[r['lost'] for r in runs]}")
    for key, label in [("bytes_per_switch", "bytes/context switch"),
                       ("cpu_ns_per_event", "recorder ns/event"),
                       ("bpf_ns_per_run", "BPF ns/program run"), ("rss_mib", "peak RSS MiB")]:
        v = [r[key] for r in runs]
        print(f"  {label + ':':22} {med(v):.1f} [{min(v):.1f}..{max(v):.1f}]")


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("sched_cost.py: run as root")
    main()
