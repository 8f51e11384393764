#!/usr/bin/env python3
"""Recorder benchmark: what recording costs the host, retrace-record against perf.

For each source and its workload
  disk      fio, direct 4 KiB random reads (psync, one job) for a fixed time   unit: I/O
  sched     taskset -c 0 perf bench sched pipe -l LOOPS (context-switch storm)  unit: switch
  syscalls  taskset -c 0 perf bench syscall basic -l LOOPS (getppid storm)      unit: syscall
  proc      a posix_spawn + wait loop of /bin/true, pinned to CPU 0            unit: exec
the workload runs alone, under `retrace-record -s SOURCE` (twice: once more with BPF
statistics on), under `perf record -a -e <the same tracepoints>` and under `perf record
-a -z -e ...`, in a rotating order, RUNS times. Every recorder records the whole system, as it would in production. Printed per
source and tool, as median [min..max] over the runs:

  slow%     the workload's slowdown against its run alone in the same round (wall time,
            or IOPS for fio)
  ev/s      events recorded per second of workload (rows or perf samples / workload wall)
  lost      events lost (retrace: manifest lost_events; perf: LOST_SAMPLES + lost
            records from `perf report --stats`)
  B/unit    bytes on disk per unit (whole capture folder or perf.data / units recorded)
  ns/ev     the recorder process's own CPU (utime+stime from /proc/PID/stat) while the
            workload ran, per event recorded (row or perf sample)
  ns/unit   the same per unit (I/O, switch, syscall, exec): perf records 2-4 samples
            per I/O or syscall where retrace writes one row, so compare tools here
  all-in    CPU per unit over the recorder's whole life (start, drain, finalize,
            perf's build-id pass), from wait4() rusage
  bpf/ev    retrace+stats only: in-kernel BPF time per event (run_time_ns of all the
            recorder's programs over run_cnt of the programs that emit rows, read from
            /proc/PID/fdinfo; names from bpftool). Timing every program run costs time
            itself, so these statistics are on (BPF_ENABLE_STATS) only in that extra run
            of retrace-record, never in the `retrace` run whose slowdown is reported
  RSS       peak RSS of the recorder process (ru_maxrss: VmHWM over its whole life)

then ratios retrace/perf and retrace/perf -z, computed within each round (for slow%:
the ratio of the workload's time under each, (1 + slow_retrace) / (1 + slow_perf), since
a ratio of two small slowdowns means nothing). Root only.

    bench/recorder.py [--sources disk,sched,syscalls,proc,fileio,files,pagecache,biostacks,tcp,sockio] [--runs 3] [--bin DIR]
                      [--sched-loops 500000] [--syscall-loops 2000000] [--execs 3000]
                      [--opens 200000] [--fio-seconds 5] [--smoke] [--json FILE]

`--smoke`: one short round of each source (about 1 s of workload each) to check that the
harness works; exits non-zero when a measurement could not be made.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

PERF = "/usr/bin/perf"
TRACEFS = "/sys/kernel/tracing"

# Per source: perf tracepoints (the ones retrace attaches), retrace tables holding its
# events, the table whose rows are the unit, the perf event whose samples are the unit,
# and the BPF programs (name prefixes, before the kernel's 15-character cut) that emit
# one row per run.
SOURCES = {
    "disk": {
        "tracepoints": ["block:block_io_start", "block:block_rq_insert",
                        "block:block_rq_issue", "block:block_rq_complete"],
        "tables": ["block_io"],
        "unit_table": "block_io",
        # not block_rq_complete: on 6.18 perf records only a few percent of those
        # (raised in interrupt context), without counting them as lost
        "unit_event": "block:block_rq_issue",
        "emitters": ["block_rq_complete"],
        "unit": "I/O",
    },
    "sched": {
        "tracepoints": ["sched:sched_switch", "sched:sched_wakeup",
                        "sched:sched_wakeup_new"],
        "tables": ["sched_switch", "sched_wakeup"],
        "unit_table": "sched_switch",
        "unit_event": "sched:sched_switch",
        "emitters": ["sched_switch", "sched_wakeup"],
        "unit": "switch",
    },
    "syscalls": {
        "tracepoints": ["raw_syscalls:sys_enter", "raw_syscalls:sys_exit"],
        "tables": ["syscalls"],
        "unit_table": "syscalls",
        "unit_event": "raw_syscalls:sys_exit",
        "emitters": ["sys_exit"],
        "unit": "syscall",
    },
    "proc": {
        "tracepoints": ["syscalls:sys_enter_execve", "syscalls:sys_exit_execve",
                        "syscalls:sys_enter_execveat", "syscalls:sys_exit_execveat",
                        "sched:sched_process_fork", "sched:sched_process_exit"],
        "tables": ["process_exec", "process_fork", "process_exit"],
        "unit_table": "process_exec",
        # sys_enter: in the calling process, so it never depends on the new image
        "unit_event": "syscalls:sys_enter_execve",
        "emitters": ["sys_exit_execve", "sched_process_fork", "sched_process_exit"],
        "unit": "exec",
    },
    "fileio": {
        "tracepoints": ["syscalls:sys_enter_pread64", "syscalls:sys_exit_pread64",
                        "syscalls:sys_enter_read", "syscalls:sys_exit_read",
                        "syscalls:sys_enter_write", "syscalls:sys_exit_write"],
        "tables": ["file_io"],
        "unit_table": "file_io",
        "unit_event": "syscalls:sys_exit_pread64",
        "emitters": ["sys_exit_pread64", "sys_exit_read", "sys_exit_write"],
        "unit": "I/O",
    },
    "files": {
        "tracepoints": ["syscalls:sys_enter_openat", "syscalls:sys_exit_openat",
                        "syscalls:sys_enter_newfstatat", "syscalls:sys_exit_newfstatat"],
        "tables": ["file_open", "file_stat"],
        "unit_table": "file_open",
        "unit_event": "syscalls:sys_exit_openat",
        "emitters": ["sys_exit_openat", "sys_exit_newfstatat"],
        "unit": "open",
    },
    "biostacks": {
        "tracepoints": ["block:block_io_start", "block:block_rq_insert",
                        "block:block_rq_complete"],
        "tables": ["block_io_stack"],
        "unit_table": "block_io_stack",
        # as for disk: perf keeps only a few percent of block_rq_complete
        "unit_event": "block:block_io_start",
        "emitters": ["block_rq_complete"],
        "unit": "I/O",
        # a stack walk per request: perf records the same with -g
        "perf_callchain": True,
    },
    "tcp": {
        "tracepoints": ["sock:inet_sock_set_state", "tcp:tcp_retransmit_skb",
                        "tcp:tcp_retransmit_synack", "syscalls:sys_exit_accept",
                        "syscalls:sys_exit_accept4"],
        "tables": ["tcp_state", "tcp_retransmit", "tcp_accept"],
        "unit_table": "tcp_accept",
        "unit_event": "syscalls:sys_exit_accept4",
        # RT_TRACEPOINT programs: tp_btf__<tracepoint>
        "emitters": ["_inet_sock_set_state", "_tcp_retransmit_skb", "sys_exit_accept4",
                     "sys_exit_accept"],
        "unit": "connection",
    },
    "sockio": {
        "tracepoints": ["sock:sock_send_length", "sock:sock_recv_length"],
        "tables": ["sock_io"],
        "unit_table": "sock_io",
        # perf's unit is one of the two events: compare its B/unit and ns/unit halved
        "unit_event": "sock:sock_recv_length",
        "emitters": ["_sock_send_length", "_sock_recv_length"],
        "unit": "call",
    },
    "pagecache": {
        "tracepoints": ["filemap:mm_filemap_get_pages", "filemap:mm_filemap_add_to_page_cache",
                        "filemap:mm_filemap_delete_from_page_cache"],
        "tables": ["page_cache"],
        "unit_table": "page_cache",
        "unit_event": "filemap:mm_filemap_get_pages",
        "emitters": ["mm_filemap_get_pages", "mm_filemap_add_to_page_cache",
                     "mm_filemap_delete_from_page_cache"],
        "unit": "lookup",
    },
}
# retrace+stats: retrace-record again, with BPF run-time statistics on (they time every
# program run, which adds to the slowdown), for the bpf/ev column only.
TOOLS = ["retrace", "retrace+stats", "perf", "perf-z"]

# A fork/exec storm: spawn /bin/true and wait, N times (argv[1]).
EXEC_LOOP = """
import os, sys
for _ in range(int(sys.argv[1])):
    pid = os.posix_spawn("/bin/true", ["true"], {})
    os.waitpid(pid, 0)
"""


def die(msg):
    sys.exit(f"bench/recorder.py: {msg}")


def clk_tck():
    return os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid):
    """utime + stime of a live process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / clk_tck()


def du_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def tracepoint_exists(tp):
    sub, name = tp.split(":")
    return os.path.isdir(os.path.join(TRACEFS, "events", sub, name))


# ---------------------------------------------------------------------- BPF stats

def enable_bpf_stats():
    """Turn BPF run-time statistics on until the returned descriptor is closed
    (BPF_ENABLE_STATS; independent of kernel.bpf_stats_enabled, which other runs on a
    shared machine may flip)."""
    import ctypes
    if os.uname().machine != "x86_64":
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.c_uint32(0)  # BPF_STATS_RUN_TIME
    fd = libc.syscall(321, 32, ctypes.byref(attr), 4)  # SYS_bpf (x86_64), BPF_ENABLE_STATS
    return fd if fd >= 0 else None


def bpf_fdinfo(pid):
    """{prog_id: (run_time_ns, run_cnt)} of the BPF programs a process holds open, from
    /proc/PID/fdinfo (the counters run only while BPF statistics are on)."""
    progs = {}
    fd_dir = f"/proc/{pid}/fdinfo"
    try:
        fds = os.listdir(fd_dir)
    except OSError:
        return progs
    for fd in fds:
        try:
            with open(os.path.join(fd_dir, fd)) as f:
                text = f.read()
        except OSError:
            continue
        m = re.search(r"^prog_id:\s*(\d+)", text, re.M)
        # bpf_link descriptors name their program too, without its counters
        if m and "link_type:" not in text:
            ns = re.search(r"^run_time_ns:\s*(\d+)", text, re.M)
            cnt = re.search(r"^run_cnt:\s*(\d+)", text, re.M)
            progs[int(m.group(1))] = (int(ns.group(1)) if ns else 0,
                                      int(cnt.group(1)) if cnt else 0)
    return progs


def bpf_names(ids):
    """{prog_id: name} from bpftool (full names, from BTF)."""
    names = {}
    for _ in range(3):
        out = subprocess.run(["bpftool", "prog", "show", "-j"], capture_output=True,
                             text=True)
        if out.returncode == 0:
            for p in json.loads(out.stdout or "[]"):
                if p.get("id") in ids:
                    names[p["id"]] = p.get("name", "")
            break
        time.sleep(0.1)  # a program unloaded under bpftool's feet
    return names


def bpf_stats(pid, names):
    """{name: (run_time_ns, run_cnt)} of a process's BPF programs, summed by name."""
    stats = {}
    for prog, (ns, cnt) in bpf_fdinfo(pid).items():
        name = names.get(prog, f"id{prog}")
        a, b = stats.get(name, (0, 0))
        stats[name] = (a + ns, b + cnt)
    return stats


def emitter_runs(stats, emitters):
    """Runs of the programs that emit rows. Program names are cut at 15 characters
    (e.g. tp_btf_sched_sw), so match on the cut name; classic tracepoint programs
    (tracepoint__GROUP__NAME) by their full name's end."""
    total = 0
    for name, (_, cnt) in stats.items():
        if name.startswith("tracepoint__"):
            total += cnt if any(name.endswith("__" + e) for e in emitters) else 0
            continue
        for e in emitters:
            for prefix in ("tp_btf_", "raw_tp_", "tp_"):
                if (prefix + e)[:15] == name[:15] or name.startswith((prefix + e)[:15]):
                    total += cnt
                    break
            else:
                continue
            break
    return total


# ---------------------------------------------------------------------- workloads

class Workload:
    """One run of a workload: `start()` returns a Popen, `result()` its figure.
    `higher_is_better`: IOPS (fio) rather than wall time."""

    higher_is_better = False

    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp

    def run(self):
        t0 = time.monotonic()
        p = subprocess.run(self.cmd(), capture_output=True, text=True)
        wall = time.monotonic() - t0
        if p.returncode != 0:
            die(f"workload failed ({' '.join(self.cmd())}): {p.stderr.strip()[-500:]}")
        return wall, self.figure(wall, p.stdout)

    def figure(self, wall, stdout):
        return wall

    def label(self):
        return " ".join(self.cmd())


class Fio(Workload):
    higher_is_better = True

    def __init__(self, args, tmp):
        super().__init__(args, tmp)
        self.data = os.path.join(tmp, "fio.data")
        with open(self.data, "wb") as f:
            for _ in range(64):
                f.write(os.urandom(1 << 20))
            os.fsync(f.fileno())

    def cmd(self):
        return ["fio", "--name=bench", f"--filename={self.data}", "--rw=randread",
                "--bs=4k", "--direct=1", "--ioengine=psync", "--size=64M", "--time_based",
                f"--runtime={self.args.fio_seconds}", "--output-format=json"]

    def figure(self, wall, stdout):
        return json.loads(stdout[stdout.index("{"):])["jobs"][0]["read"]["iops"]


class SchedPipe(Workload):
    def cmd(self):
        return ["taskset", "-c", "0", PERF, "bench", "sched", "pipe", "-l",
                str(self.args.sched_loops)]


class SyscallStorm(Workload):
    def cmd(self):
        return ["taskset", "-c", "0", PERF, "bench", "syscall", "basic", "-l",
                str(self.args.syscall_loops)]


class ExecLoop(Workload):
    def cmd(self):
        return ["taskset", "-c", "0", sys.executable, "-c", EXEC_LOOP, str(self.args.execs)]

    def label(self):
        return f"taskset -c 0: posix_spawn(/bin/true) + waitpid, {self.args.execs} times"


class FioBuffered(Fio):
    """Buffered 4 KiB random reads of a file the page cache holds: one pread64 and
    one page-cache lookup per I/O, as fast as the CPU goes (no disk)."""

    def cmd(self):
        return ["fio", "--name=bench", f"--filename={self.data}", "--rw=randread",
                "--bs=4k", "--ioengine=psync", "--size=64M", "--time_based",
                f"--runtime={self.args.fio_seconds}", "--invalidate=0",
                "--output-format=json"]


# An open/stat storm: open, close and stat one file N times (argv[2]).
OPEN_LOOP = """
import os, sys
p = sys.argv[1]
for _ in range(int(sys.argv[2])):
    os.close(os.open(p, os.O_RDONLY))
    os.stat(p)
"""


class OpenStorm(Workload):
    def __init__(self, args, tmp):
        super().__init__(args, tmp)
        self.path = os.path.join(tmp, "opened")
        open(self.path, "w").close()

    def cmd(self):
        return ["taskset", "-c", "0", sys.executable, "-c", OPEN_LOOP, self.path,
                str(self.args.opens)]

    def label(self):
        return f"taskset -c 0: open + close + stat of one file, {self.args.opens} times"


class TcpWork(Workload):
    """tests/workloads/tcpwork.c on IPv4 loopback, built here with cc."""

    def __init__(self, args, tmp):
        super().__init__(args, tmp)
        src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                           "workloads", "tcpwork.c")
        self.bin = os.path.join(tmp, "tcpwork")
        subprocess.run(["cc", "-O2", "-o", self.bin, src], check=True)


class TcpStorm(TcpWork):
    """Many short connections: connect, 100 bytes each way, close."""

    def cmd(self):
        return [self.bin, "4", str(self.args.connections), "100", "100", "0"]

    def label(self):
        return f"{self.args.connections} loopback TCP connections (100 B each way)"


class TcpBulk(TcpWork):
    """One bulk flow: the client writes in 16 KiB calls, the server reads."""

    def cmd(self):
        return [self.bin, "4", "1", str(self.args.bulk_mib << 20), "0", "0"]

    def label(self):
        return f"one loopback TCP flow of {self.args.bulk_mib} MiB (16 KiB writes)"


WORKLOADS = {"disk": Fio, "sched": SchedPipe, "syscalls": SyscallStorm, "proc": ExecLoop,
             "fileio": FioBuffered, "files": OpenStorm, "pagecache": FioBuffered,
             "biostacks": Fio, "tcp": TcpStorm, "sockio": TcpBulk}


# ---------------------------------------------------------------------- recorders

def wait_rusage(p):
    """Reap a Popen with wait4: (exit status, user+sys CPU s, peak RSS KiB)."""
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def record_retrace(args, source, workload, out):
    spec = SOURCES[source]
    cmd = [args.retrace_record, "--quiet", "-s", source, "-o", out]
    r = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(args.settle)
    if r.poll() is not None:
        die(f"{' '.join(cmd)} exited early: {r.stderr.read().decode()[-800:]}")
    names = bpf_names(set(bpf_fdinfo(r.pid)))
    cpu0, st0 = proc_cpu_s(r.pid), bpf_stats(r.pid, names)
    wall, fig = workload.run()
    st1 = bpf_stats(r.pid, names)
    time.sleep(0.05)  # the next 10 ms drain
    cpu_window = proc_cpu_s(r.pid) - cpu0
    r.send_signal(signal.SIGINT)
    rc, cpu_all, maxrss = wait_rusage(r)
    err = r.stderr.read().decode()
    if rc != 0:
        die(f"retrace-record exited {rc}: {err[-800:]}")
    with open(os.path.join(out, "manifest.json")) as f:
        m = json.load(f)
    tables = m.get("tables", {})
    events = sum(tables.get(t, {}).get("rows", 0) for t in spec["tables"])
    units = tables.get(spec["unit_table"], {}).get("rows", 0)
    lost = sum(s.get("lost_events", 0) for s in m.get("sources", []))
    run_ns = sum(st1.get(n, (0, 0))[0] - st0.get(n, (0, 0))[0] for n in st1)
    runs = emitter_runs(st1, spec["emitters"]) - emitter_runs(st0, spec["emitters"])
    if os.environ.get("BENCH_DEBUG"):
        print(f"debug: BPF before {st0}\ndebug: BPF after {st1}", file=sys.stderr)
    peak = max(maxrss * 1024, (m.get("recording") or {}).get("peak_rss_bytes") or 0)
    return {
        "wall": wall, "figure": fig, "events": events, "units": units, "lost": lost,
        "bytes": du_bytes(out), "cpu_window_s": cpu_window, "cpu_all_s": cpu_all,
        "bpf_ns": run_ns, "bpf_runs": runs, "rss": peak,
        "attach": ",".join(sorted({p["attach"] for s in m.get("sources", [])
                                   for p in (s.get("status") or {}).get("probes", [])})),
    }


def perf_counts(path):
    """(samples per event name, lost) from `perf report --stats`."""
    out = subprocess.run([PERF, "report", "--stats", "-i", path], capture_output=True,
                         text=True)
    samples, lost, current = {}, 0, None
    for line in out.stdout.splitlines():
        m = re.match(r"^(\S+:\S+) stats:", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^\s*(\S+) events:\s*(\d+)", line)
        if not m:
            continue
        kind, n = m.group(1), int(m.group(2))
        if kind == "SAMPLE" and current:
            samples[current] = samples.get(current, 0) + n
        elif kind in ("LOST", "LOST_SAMPLES") and current is None:
            lost += n
    return samples, lost


def record_perf(args, source, workload, out, zstd):
    spec = SOURCES[source]
    tps = [t for t in spec["tracepoints"] if tracepoint_exists(t)]
    cmd = [PERF, "record", "-a", "-q", "-o", out] + (["-z"] if zstd else [])
    if spec.get("perf_callchain"):
        cmd.append("-g")
    for t in tps:
        cmd += ["-e", t]
    r = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(args.settle)
    if r.poll() is not None:
        die(f"{' '.join(cmd)} exited early: {r.stderr.read().decode()[-800:]}")
    cpu0 = proc_cpu_s(r.pid)
    wall, fig = workload.run()
    time.sleep(0.05)
    cpu_window = proc_cpu_s(r.pid) - cpu0
    r.send_signal(signal.SIGINT)
    rc, cpu_all, maxrss = wait_rusage(r)
    err = r.stderr.read().decode()
    if rc not in (0, -signal.SIGINT, 128 + signal.SIGINT) or not os.path.exists(out):
        die(f"perf record exited {rc}: {err[-800:]}")
    samples, lost = perf_counts(out)
    if not samples.get(spec["unit_event"]) and os.environ.get("BENCH_DEBUG"):
        print(f"debug: {out}: {samples} lost {lost}; perf stderr: {err[-500:]}",
              file=sys.stderr)
    m = re.search(r"lost (\d+) chunks", err)
    if m:
        lost += int(m.group(1))
    return {
        "wall": wall, "figure": fig, "events": sum(samples.values()),
        "units": samples.get(spec["unit_event"], 0), "lost": lost,
        "bytes": du_bytes(out), "cpu_window_s": cpu_window, "cpu_all_s": cpu_all,
        "bpf_ns": 0, "bpf_runs": 0, "rss": maxrss * 1024, "attach": "perf",
    }


# ---------------------------------------------------------------------- figures

def derive(run, alone, higher_is_better):
    """The table's figures of one recorded run, against its round's run alone."""
    if higher_is_better:
        slow = 100.0 * (alone / run["figure"] - 1.0) if run["figure"] else float("nan")
    else:
        slow = 100.0 * (run["figure"] / alone - 1.0)
    ev = max(run["events"], 1)
    return {
        "slow%": slow,
        "ev/s": run["events"] / run["wall"],
        "lost": float(run["lost"]),
        "B/unit": run["bytes"] / max(run["units"], 1),
        "ns/ev": run["cpu_window_s"] * 1e9 / ev,
        "ns/unit": run["cpu_window_s"] * 1e9 / max(run["units"], 1),
        "all-in": run["cpu_all_s"] * 1e9 / max(run["units"], 1),
        "bpf/ev": run["bpf_ns"] / run["bpf_runs"] if run["bpf_runs"] else float("nan"),
        "RSS MiB": run["rss"] / 2**20,
    }


COLUMNS = ["slow%", "ev/s", "lost", "B/unit", "ns/ev", "ns/unit", "all-in", "bpf/ev",
           "RSS MiB"]
W = 22


def fmt(v, col):
    if v != v:  # nan
        return "-"
    if col == "alone":
        return f"{v:.3g}" if v < 1e4 else f"{v:.0f}"
    if col == "slow%":
        return f"{v:+.1f}"
    if col in ("ev/s", "lost"):
        if v >= 1e6:
            return f"{v / 1e6:.3g}M"
        return f"{v / 1e3:.3g}k" if v >= 1e4 else f"{v:.0f}"
    if col in ("B/unit", "RSS MiB"):
        return f"{v:.2f}" if v < 10 else f"{v:.0f}" if v >= 100 else f"{v:.1f}"
    return f"{v:.0f}"


def spread(values, col, ratio=False):
    vals = [v for v in values if v == v]
    if not vals:
        return "-"
    f = (lambda v: f"{v:.2f}") if ratio else (lambda v: fmt(v, col))
    med = statistics.median(vals)
    if len(vals) == 1:
        return f(med)
    return f"{f(med)} [{f(min(vals))}..{f(max(vals))}]"


def print_table(results, args):
    print(f"\nrecorder benchmark: {args.runs} round(s); median [min..max]; "
          f"ratios computed within each round")
    for source, rounds in results.items():
        if not rounds:
            continue
        unit = SOURCES[source]["unit"]
        alone = [r["alone"] for r in rounds]
        print(f"\n== {source}: {rounds[0]['workload']}  (unit: {unit}; workload alone: "
              f"{spread(alone, 'alone')} {'IOPS' if source in ('disk', 'fileio', 'pagecache') else 's'})")
        header = f"{'':14}" + "".join(f"{c:>{W}}" for c in COLUMNS)
        print(header)
        for tool in TOOLS:
            figs = [r["figures"][tool] for r in rounds if tool in r["figures"]]
            if not figs:
                continue
            print(f"{tool:14}" + "".join(f"{spread([f[c] for f in figs], c):>{W}}"
                                         for c in COLUMNS))
        for other in ("perf", "perf-z"):
            ratios = []
            for r in rounds:
                a, b = r["figures"].get("retrace"), r["figures"].get(other)
                if a and b:
                    x = {c: (a[c] / b[c] if b[c] and a[c] == a[c] and b[c] == b[c]
                             else float("nan")) for c in COLUMNS}
                    # Slowdowns near 0 make a useless ratio: compare the workload's
                    # time (or 1/IOPS) under each recorder instead.
                    x["slow%"] = (1 + a["slow%"] / 100) / (1 + b["slow%"] / 100)
                    ratios.append(x)
            if ratios:
                label = f"r/{other}"
                print(f"{label:14}" + "".join(
                    f"{spread([x[c] for x in ratios], c, ratio=True):>{W}}"
                    if c not in ("bpf/ev", "lost") else f"{'-':>{W}}" for c in COLUMNS))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sources", default="disk,sched,syscalls,proc")
    ap.add_argument("--tools", default=",".join(TOOLS))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=None,
                    help="folder of retrace-record (default: $CARGO_TARGET_DIR/release)")
    ap.add_argument("--sched-loops", type=int, default=500000)
    ap.add_argument("--syscall-loops", type=int, default=2000000)
    ap.add_argument("--execs", type=int, default=3000)
    ap.add_argument("--opens", type=int, default=200000)
    ap.add_argument("--connections", type=int, default=20000)
    ap.add_argument("--bulk-mib", type=int, default=4096)
    ap.add_argument("--fio-seconds", type=int, default=5)
    ap.add_argument("--settle", type=float, default=1.0,
                    help="seconds between starting a recorder and the workload")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--json", help="also write every run's raw figures to this file")
    a = ap.parse_args()
    if a.smoke:
        a.runs, a.sched_loops, a.syscall_loops, a.execs, a.fio_seconds = 1, 50000, 300000, 200, 1
        a.opens = 20000
        a.connections, a.bulk_mib = 1000, 256
        a.settle = 0.5
    if a.bin is None:
        a.bin = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release")
    a.retrace_record = os.path.join(a.bin, "retrace-record")
    if not os.access(a.retrace_record, os.X_OK):
        die(f"no retrace-record in {a.bin} (build it, or pass --bin)")
    if os.geteuid() != 0:
        die("run as root (BPF, perf record -a and kernel.bpf_stats_enabled need it)")
    for tool in ("taskset", "bpftool", PERF) + (("fio",) if {"disk", "fileio", "pagecache"} & set(a.sources.split(",")) else ()):
        if not shutil.which(tool):
            die(f"{tool} is not installed")
    if not os.path.isdir(os.path.join(TRACEFS, "events")):
        subprocess.run(["mount", "-t", "tracefs", "nodev", TRACEFS], check=False)
    sources = [s for s in a.sources.split(",") if s]
    tools = [t for t in a.tools.split(",") if t]
    for s in sources:
        if s not in SOURCES:
            die(f"unknown source {s} (known: {', '.join(SOURCES)})")

    tmp = tempfile.mkdtemp(prefix="retrace-bench-rec-", dir="/var/tmp")
    stats_was = open("/proc/sys/kernel/bpf_stats_enabled").read().strip()
    if stats_was != "0":
        print("note: kernel.bpf_stats_enabled is on (someone else's run?): every BPF "
              "program run is timed, which adds to retrace's slowdown", file=sys.stderr)
    results = {s: [] for s in sources}
    try:
        for s in sources:
            wl = WORKLOADS[s](a, tmp)
            for i in range(a.runs):
                order = ["alone"] + tools
                order = order[i % len(order):] + order[:i % len(order)]
                raw = {}
                for what in order:
                    out = os.path.join(tmp, f"{s}-{what}-{i}")
                    if what == "alone":
                        raw["alone"] = wl.run()[1]
                    elif what == "retrace":
                        raw[what] = record_retrace(a, s, wl, out)
                    elif what == "retrace+stats":
                        fd = enable_bpf_stats()
                        if fd is None:
                            die("BPF_ENABLE_STATS failed (kernel < 5.8?)")
                        try:
                            raw[what] = record_retrace(a, s, wl, out)
                        finally:
                            os.close(fd)
                    else:
                        raw[what] = record_perf(a, s, wl, out + ".data", what == "perf-z")
                    if os.path.isdir(out):
                        shutil.rmtree(out)
                    elif os.path.exists(out + ".data"):
                        os.remove(out + ".data")
                figs = {t: derive(raw[t], raw["alone"], wl.higher_is_better) for t in tools}
                results[s].append({"workload": wl.label().replace(tmp, "$TMP"),
                                   "alone": raw["alone"], "figures": figs, "raw": raw})
                line = ", ".join(f"{t} {f['slow%']:+.1f}% {f['ev/s']:.3g} ev/s lost "
                                 f"{f['lost']:.0f} {f['B/unit']:.2f} B/{SOURCES[s]['unit']} "
                                 f"{f['ns/unit']:.0f} ns/{SOURCES[s]['unit']} "
                                 f"RSS {f['RSS MiB']:.0f} MiB"
                                 for t, f in figs.items())
                print(f"{s} round {i + 1}: alone {raw['alone']:.4g}; {line}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(results, a)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    # The harness is broken when a recorder recorded nothing under its own workload.
    broken = [f"{s}/{t}" for s, rounds in results.items() for r in rounds
              for t in tools if r["raw"][t]["events"] == 0]
    if broken:
        die(f"no events recorded by: {', '.join(broken)}")


if __name__ == "__main__":
    main()
