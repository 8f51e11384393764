#!/usr/bin/env python3
"""Analyzer benchmark: each tool's query over large synthetic captures, in retrace and,
on the same Parquet files with the same SQL, in DuckDB.

Captures come from `gen-synthetic` (tests/src/bin/gen-synthetic.rs) and are kept in
--data (regenerated only when missing or made with other options):
  sched-10M    sched_switch + sched_wakeup, 10 M rows in all    (runqlat, cpudist, runqslower)
  sched-100M   the same with 100 M rows                         (--sched 10M,100M)
  bio-10M      block_io, 10 M rows                              (biolatency, biotop, bitesize)
For each tool and capture, RUNS times, alternating:
  tool    `retrace TOOL CAP` wall time (process start, capture open, query, rendering)
  sql     `retrace sql CAP --file queries/TOOL.sql --param ... --csv` wall time, the
          parameters as `retrace TOOL CAP --show-sql` prints them
  duckdb  the same SQL text with the parameters substituted as literals, in the duckdb
          Python package (in process: query only, views over the same files), with
          SET integer_division = true (DataFusion's `/` on integers) and SQL macros for
          retrace's functions (log2_bucket, bio_flags)
Printed per tool and capture, median [min..max]: the three wall times; the ratio
sql/duckdb and tool/duckdb (computed within each round); rows/s/core = rows of the
tables the query reads / CPU seconds (user+sys) of the engine (t: `retrace TOOL`, r:
`retrace sql`, the child's rusage; d: DuckDB, this process's rusage around the query);
the peak RSS of `retrace TOOL` and `retrace sql`
(sampled; a run above --max-rss-gb is killed, and DuckDB gets that memory_limit); and
whether retrace and DuckDB returned the same number of rows (and the same total of a
`count` column).

    bench/analyzer.py [--sched 10M,100M] [--bio 10M] [--runs 3] [--tools ...]
                      [--retrace BIN] [--gen BIN] [--data DIR] [--smoke]

`--smoke`: a ~100 k row capture, one tool in retrace and DuckDB, one round; exits
non-zero when the harness breaks (a query fails or the engines disagree).
"""
import argparse
import csv
import io
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SCHED_TOOLS = ["runqlat", "cpudist", "runqslower"]
BIO_TOOLS = ["biolatency", "biotop", "bitesize"]
TABLES = {"sched": ["sched_switch", "sched_wakeup"], "bio": ["block_io"]}

# DuckDB equivalents of retrace's SQL functions (analyzer/src/udf.rs).
DUCKDB_SETUP = [
    "SET integer_division = true",
    # floor(log2(v)), 0 for v <= 1
    """CREATE OR REPLACE MACRO log2_bucket(v) AS
       CASE WHEN v IS NULL THEN NULL WHEN v <= 1 THEN 0
            ELSE CAST(floor(log2(v)) AS BIGINT) END""",
    # libbpf-tools' biolatency -F labels ("Sync-Write", "ReadAhead-Read")
    """CREATE OR REPLACE MACRO _bio_pre(r) AS
       length(r) >= 2 AND r[1] = 'F' AND r[2] IN ('W', 'D', 'F', 'R', 'N')""",
    """CREATE OR REPLACE MACRO _bio_rest(r) AS
       substr(r, CASE WHEN _bio_pre(r) THEN 3 ELSE 2 END)""",
    """CREATE OR REPLACE MACRO bio_flags(r) AS
       CASE WHEN contains(_bio_rest(r), 'A') THEN 'ReadAhead-' ELSE '' END
       || CASE WHEN _bio_pre(r) THEN 'PreFlush-' ELSE '' END
       || CASE WHEN contains(_bio_rest(r), 'F') THEN 'FUA-' ELSE '' END
       || CASE WHEN contains(_bio_rest(r), 'M') THEN 'Metadata-' ELSE '' END
       || CASE WHEN contains(_bio_rest(r), 'S') THEN 'Sync-' ELSE '' END
       || CASE substr(r, CASE WHEN _bio_pre(r) THEN 2 ELSE 1 END, 1)
            WHEN 'R' THEN 'Read' WHEN 'W' THEN 'Write' WHEN 'F' THEN 'Flush'
            WHEN 'D' THEN 'Discard' ELSE 'Unknown' END""",
]

# Type spellings DataFusion accepts and DuckDB does not.
DUCKDB_TYPES = [(re.compile(r"\bINT\s+UNSIGNED\b", re.I), "UINTEGER"),
                (re.compile(r"\bBIGINT\s+UNSIGNED\b", re.I), "UBIGINT")]


def die(msg):
    sys.exit(f"bench/analyzer.py: {msg}")


def parse_count(s):
    m = re.fullmatch(r"([\d.]+)([kKmMgG]?)", s.strip())
    if not m:
        die(f"not a row count: {s}")
    return int(float(m.group(1)) * {"": 1, "k": 1e3, "m": 1e6, "g": 1e9}[m.group(2).lower()])


def run_timed(cmd, max_rss_gb=None):
    """Run a command, stdout kept: (wall s, CPU s of the child, stdout, peak RSS GiB).
    A child whose RSS passes max_rss_gb is killed (shared machine: no OOM killer runs)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
        killed, peak = False, 0
        while p.poll() is None:
            try:
                with open(f"/proc/{p.pid}/statm") as f:
                    rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            except (OSError, ValueError, IndexError):
                rss = 0
            peak = max(peak, rss)
            if max_rss_gb and rss > max_rss_gb * 2**30:
                p.kill()
                killed = True
            time.sleep(0.05)
        wall = time.monotonic() - t0
        err = p.stderr.read()
        if killed:
            die(f"{' '.join(cmd)}: killed, RSS over {max_rss_gb} GiB")
        if p.returncode != 0:
            die(f"{' '.join(cmd)} failed ({p.returncode}): {err.strip()[-1000:]}")
        out.seek(0)
        return wall, CHILD_CPU.take(), out.read(), peak / 2**30


class ChildCpu:
    """CPU time (user + sys) of the children reaped since the last take()."""

    def __init__(self):
        self.last = resource.getrusage(resource.RUSAGE_CHILDREN)

    def take(self):
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (now.ru_utime - self.last.ru_utime) + (now.ru_stime - self.last.ru_stime)
        self.last = now
        return cpu


CHILD_CPU = ChildCpu()


def ensure_capture(args, kind, rows):
    """The synthetic capture of that kind and size, generated when missing."""
    name = f"{kind}-{rows // 1_000_000}M" if rows >= 1_000_000 else f"{kind}-{rows // 1000}k"
    path = os.path.join(args.data, name)
    flag = f"--sched-events={rows}" if kind == "sched" else f"--block-io={rows}"
    mf = os.path.join(path, "manifest.json")
    if os.path.exists(mf):
        import json
        with open(mf) as f:
            m = json.load(f)
        if m.get("complete") and flag in m.get("command_line", []) \
                and f"--seed={args.seed}" in m.get("command_line", []):
            return path, m
    cmd = [args.gen, path, "--quiet", f"--seed={args.seed}", "--sched-events=0",
           "--block-io=0", flag]
    print(f"generating {name}: {' '.join(cmd)}", flush=True)
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"gen-synthetic failed: {p.stderr.strip()[-1000:]}")
    print(p.stdout.rstrip() + f"  ({time.monotonic() - t0:.0f} s)", flush=True)
    import json
    with open(mf) as f:
        return path, json.load(f)


def tool_sql(args, tool, cap):
    """(SQL text, {param: value}) that `retrace TOOL CAP` runs, from --show-sql."""
    _, _, out, _ = run_timed([args.retrace, tool, cap, "--show-sql"])
    params = {}
    for line in out.splitlines()[:4]:
        if "--param" in line:
            for k, v in re.findall(r"--param '([^=']+)=([^']*)'", line):
                params[k] = v
    if not params:
        die(f"{tool} --show-sql printed no --param line")
    return out, params


def literal(v):
    if re.fullmatch(r"-?\d+", v):
        return f"({v})"
    if re.fullmatch(r"-?\d+\.\d*", v):
        return f"({v})"
    if v in ("true", "false"):
        return v
    return "'" + v.replace("'", "''") + "'"


def duckdb_sql(sql, params):
    out = re.sub(r"\$([A-Za-z_][A-Za-z0-9_]*)",
                 lambda m: literal(params[m.group(1)]) if m.group(1) in params else m.group(0),
                 sql)
    for pat, rep in DUCKDB_TYPES:
        out = pat.sub(rep, out)
    return out


class DuckDB:
    def __init__(self, threads, memory_gb):
        import duckdb
        self.con = duckdb.connect()
        self.con.execute(f"SET threads = {threads}")
        self.con.execute(f"SET memory_limit = '{memory_gb}GB'")
        for s in DUCKDB_SETUP:
            self.con.execute(s)
        self.cap = None

    def use(self, cap):
        if cap == self.cap:
            return
        for t in os.listdir(cap):
            if os.path.isdir(os.path.join(cap, t)) and any(
                    f.endswith(".parquet") for f in os.listdir(os.path.join(cap, t))):
                glob = os.path.join(cap, t, "*.parquet").replace("'", "''")
                self.con.execute(f"CREATE OR REPLACE VIEW {t} AS "
                                 f"SELECT * FROM read_parquet('{glob}')")
        self.cap = cap

    def run(self, sql):
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        rows = self.con.execute(sql).fetchall()
        wall = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        cols = [d[0] for d in self.con.description]
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        return wall, cpu, cols, rows


def summary_of_csv(text):
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return 0, None
    header, body = rows[0], rows[1:]
    total = None
    if "count" in header:
        i = header.index("count")
        total = sum(int(r[i]) for r in body if r[i] != "")
    return len(body), total


def summary_of_rows(cols, rows):
    total = None
    if "count" in cols:
        i = cols.index("count")
        total = sum(int(r[i]) for r in rows if r[i] is not None)
    return len(rows), total


def spread(vals, f):
    vals = [v for v in vals if v == v]
    if not vals:
        return "-"
    med = statistics.median(vals)
    if len(vals) == 1:
        return f(med)
    return f"{f(med)} [{f(min(vals))}..{f(max(vals))}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sched", default="10M,100M", help="sizes of the sched captures ('' none)")
    ap.add_argument("--bio", default="10M", help="sizes of the block_io captures ('' none)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--tools", default=None,
                    help="comma separated (default: the bio and sched tools retrace has)")
    ap.add_argument("--retrace", default=None, help="retrace binary "
                    "(default: $CARGO_TARGET_DIR/release/retrace)")
    ap.add_argument("--gen", default=None, help="gen-synthetic binary (default: next to retrace)")
    ap.add_argument("--data", default="/var/tmp/retrace-bench-data")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count(),
                    help="DuckDB threads (DataFusion uses every core)")
    ap.add_argument("--max-rss-gb", type=float, default=10,
                    help="kill a retrace run above this RSS; DuckDB's memory_limit")
    ap.add_argument("--smoke", action="store_true")
    a = ap.parse_args()
    if a.smoke:
        a.sched, a.bio, a.runs = "", "100k", 1
        a.tools = a.tools or "biolatency"
        a.data = os.path.join(a.data, "smoke")
    if a.retrace is None:
        a.retrace = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release",
                                 "retrace")
    if a.gen is None:
        a.gen = os.path.join(os.path.dirname(a.retrace), "gen-synthetic")
    for b in (a.retrace, a.gen):
        if not os.access(b, os.X_OK):
            die(f"no executable {b} (build it, or pass --retrace / --gen)")
    try:
        import duckdb  # noqa: F401
    except ImportError:
        die("the duckdb Python package is missing (pip install duckdb; dev-only)")
    os.makedirs(a.data, exist_ok=True)

    _, _, listing, _ = run_timed([a.retrace, "tools"])
    have = [ln.split()[0] for ln in listing.splitlines() if ln.strip()]
    if a.tools:
        tools = [t for t in a.tools.split(",") if t]
        missing = [t for t in tools if t not in have]
        if missing:
            die(f"retrace has no tool {', '.join(missing)} (it has: {' '.join(have)})")
    else:
        tools = [t for t in BIO_TOOLS + SCHED_TOOLS if t in have]
    skipped = [t for t in BIO_TOOLS + SCHED_TOOLS if t not in have]

    caps = []
    for kind, sizes in (("bio", a.bio), ("sched", a.sched)):
        for s in [x for x in sizes.split(",") if x]:
            path, m = ensure_capture(a, kind, parse_count(s))
            rows = sum(m["tables"].get(t, {}).get("rows", 0) for t in TABLES[kind])
            nbytes = sum(m["tables"].get(t, {}).get("bytes", 0) for t in TABLES[kind])
            caps.append((kind, path, rows, nbytes))

    duck = DuckDB(a.threads, a.max_rss_gb)
    results = []
    for kind, cap, rows, nbytes in caps:
        for tool in tools:
            if (tool in BIO_TOOLS) != (kind == "bio"):
                continue
            sql, params = tool_sql(a, tool, cap)
            qfile = os.path.join(a.data, f".{tool}.sql")
            with open(qfile, "w") as f:
                f.write(sql)
            sql_cmd = [a.retrace, "sql", cap, "--file", qfile, "--csv"] + \
                [x for k, v in params.items() for x in ("--param", f"{k}={v}")]
            dsql = duckdb_sql(sql, params)
            duck.use(cap)
            rounds = []
            for i in range(a.runs):
                r = {}
                order = ["tool", "sql", "duckdb"]
                order = order[i % 3:] + order[:i % 3]
                for what in order:
                    if what == "tool":
                        r["tool"], r["tool_cpu"], _, r["tool_rss"] = run_timed(
                            [a.retrace, tool, cap], a.max_rss_gb)
                    elif what == "sql":
                        r["sql"], r["sql_cpu"], out, r["sql_rss"] = run_timed(sql_cmd,
                                                                              a.max_rss_gb)
                        r["sql_rows"] = summary_of_csv(out)
                    else:
                        try:
                            r["duckdb"], r["duck_cpu"], cols, res = duck.run(dsql)
                        except Exception as e:  # noqa: BLE001 - report and stop
                            die(f"DuckDB failed on {tool}: {e}\n{dsql}")
                        r["duck_rows"] = summary_of_rows(cols, res)
                rounds.append(r)
                print(f"{tool} {os.path.basename(cap)} round {i + 1}: tool {r['tool']:.3f} s, "
                      f"sql {r['sql']:.3f} s, duckdb {r['duckdb']:.3f} s, "
                      f"rows {r['sql_rows']} / {r['duck_rows']}", flush=True)
            results.append((tool, os.path.basename(cap), rows, nbytes, rounds))

    ncpu = os.cpu_count()
    print(f"\nanalyzer benchmark: {a.runs} round(s), median [min..max], {ncpu} CPUs; "
          f"DuckDB {__import__('duckdb').__version__} with {a.threads} threads")
    print(f"{'tool':11}{'capture':12}{'rows':>7}{'retrace TOOL s':>22}{'retrace sql s':>22}"
          f"{'duckdb s':>22}{'sql/duckdb':>20}{'tool/duckdb':>20}"
          f"{'Mrows/s/core t':>18}{'Mrows/s/core r':>18}{'Mrows/s/core d':>18}"
          f"{'tool RSS GiB':>20}{'sql RSS GiB':>20}  same")
    bad = []
    for tool, cap, rows, nbytes, rounds in results:
        s3 = lambda v: f"{v:.3f}"  # noqa: E731
        s2 = lambda v: f"{v:.2f}"  # noqa: E731
        s0 = lambda v: f"{v:.0f}"  # noqa: E731
        same = all(r["sql_rows"] == r["duck_rows"] for r in rounds)
        if not same:
            bad.append(f"{tool}/{cap}: retrace {rounds[0]['sql_rows']} "
                       f"duckdb {rounds[0]['duck_rows']}")
        print(f"{tool:11}{cap:12}{rows / 1e6:>6.3g}M"
              f"{spread([r['tool'] for r in rounds], s3):>22}"
              f"{spread([r['sql'] for r in rounds], s3):>22}"
              f"{spread([r['duckdb'] for r in rounds], s3):>22}"
              f"{spread([r['sql'] / r['duckdb'] for r in rounds], s2):>20}"
              f"{spread([r['tool'] / r['duckdb'] for r in rounds], s2):>20}"
              f"{spread([rows / max(r['tool_cpu'], 1e-9) / 1e6 for r in rounds], s0):>18}"
              f"{spread([rows / r['sql_cpu'] / 1e6 for r in rounds], s0):>18}"
              f"{spread([rows / max(r['duck_cpu'], 1e-9) / 1e6 for r in rounds], s0):>18}"
              f"{spread([r['tool_rss'] for r in rounds], s2):>20}"
              f"{spread([r['sql_rss'] for r in rounds], s2):>20}"
              f"  {'yes' if same else 'NO'}")
    for kind, cap, rows, nbytes in caps:
        print(f"capture {os.path.basename(cap)}: {rows} rows, {nbytes / rows:.2f} bytes/row "
              f"on disk")
    if skipped:
        print(f"tools not in this retrace (skipped): {' '.join(skipped)}")
    if bad:
        die("retrace and DuckDB disagree: " + "; ".join(bad))
    if not results:
        die("no tool was measured")


if __name__ == "__main__":
    main()
