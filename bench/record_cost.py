#!/usr/bin/env python3
"""Cost of recording block I/O: run a fio job of direct 4 KiB random reads for a
fixed time while retrace-record records `disk`, then print events/s, lost events,
bytes on disk per block_io row, the recorder's own CPU time per event (user+sys,
from rusage), its peak RSS, and the BPF programs' in-kernel time per event
(kernel.bpf_stats_enabled run_time_ns / run_cnt). Also runs the same job without
recording, for the workload's slowdown. Root only. Usage:

    bench/record_cost.py [--seconds 10] [--bin target/debug]
"""
import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time


def fio_cmd(data, seconds, out):
    return ["fio", "--name=bench", f"--filename={data}", "--rw=randread", "--bs=4k",
            "--direct=1", "--ioengine=psync", "--size=64M", "--time_based",
            f"--runtime={seconds}", "--thread", "--output-format=json", f"--output={out}"]


def fio_iops(path):
    with open(path) as f:
        return json.load(f)["jobs"][0]["read"]["iops"]


def proc_cpu_s(pid):
    """utime + stime of a live process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bpf_prog_stats(prefix):
    out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True, text=True)
    if out.returncode != 0:
        return 0, 0
    ns = cnt = 0
    for p in json.loads(out.stdout):
        if p.get("name", "").startswith(prefix):
            ns += p.get("run_time_ns", 0)
            cnt += p.get("run_cnt", 0)
    return ns, cnt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--bin", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "debug"))
    a = ap.parse_args()
    rec = os.path.join(a.bin, "retrace-record")
    tmp = tempfile.mkdtemp(prefix="retrace-bench-", dir="/var/tmp")
    data = os.path.join(tmp, "data")
    with open(data, "wb") as f:
        for _ in range(64):
            f.write(os.urandom(1 << 20))
        os.fsync(f.fileno())

    base_json = os.path.join(tmp, "base.json")
    subprocess.run(fio_cmd(data, a.seconds, base_json), check=True)
    base_iops = fio_iops(base_json)

    subprocess.run(["sysctl", "-q", "kernel.bpf_stats_enabled=1"], check=True)
    cap = os.path.join(tmp, "cap")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    recorder = subprocess.Popen([rec, "--quiet", "-s", "disk", "-o", cap])
    time.sleep(1.0)  # attached
    cpu0 = proc_cpu_s(recorder.pid)
    rec_json = os.path.join(tmp, "rec.json")
    subprocess.run(fio_cmd(data, a.seconds, rec_json), check=True)
    bpf_ns, bpf_cnt = bpf_prog_stats("tp_btf_block_")
    time.sleep(0.2)  # one more drain
    steady_cpu = proc_cpu_s(recorder.pid) - cpu0
    with open(f"/proc/{recorder.pid}/status") as f:
        hwm = next(l for l in f if l.startswith("VmHWM:")).split()[1]
    recorder.send_signal(2)
    recorder.wait()
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(["sysctl", "-q", "kernel.bpf_stats_enabled=0"], check=True)
    rec_iops = fio_iops(rec_json)

    # rusage of children includes the fio runs; subtract fio's own via its report.
    with open(rec_json) as f:
        job = json.load(f)["jobs"][0]
    fio_cpu = (job["usr_cpu"] + job["sys_cpu"]) / 100.0 * a.seconds
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime) - fio_cpu
    with open(os.path.join(cap, "manifest.json")) as f:
        m = json.load(f)
    rows = m["tables"]["block_io"]["rows"]
    nbytes = m["tables"]["block_io"]["bytes"]
    lost = sum(s["lost_events"] for s in m["sources"])
    print(f"fio randread 4k direct, {a.seconds} s; recorded over {wall:.1f} s")
    print(f"  workload IOPS without / with recording: {base_iops:.0f} / {rec_iops:.0f} "
          f"(slowdown {100 * (base_iops - rec_iops) / base_iops:+.1f}%)")
    print(f"  block_io rows: {rows} ({rows / wall:.0f}/s), lost events: {lost}")
    print(f"  bytes on disk per block_io row: {nbytes / max(rows, 1):.2f} ({nbytes} bytes)")
    print(f"  recorder CPU while recording (user+sys): {steady_cpu:.3f} s = "
          f"{steady_cpu * 1e9 / max(rows, 1):.0f} ns per event")
    print(f"  recorder CPU in all, with BPF load and finalize (approx.): {cpu:.3f} s")
    print(f"  recorder peak RSS: {int(hwm) / 1024:.1f} MiB")
    if bpf_cnt:
        print(f"  BPF programs: {bpf_cnt} runs, {bpf_ns / bpf_cnt:.0f} ns per run, "
              f"{bpf_ns / max(rows, 1):.0f} ns per recorded request (all block probes)")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    if os.geteuid() != 0:
        sys.exit("record_cost.py: run as root")
    main()
