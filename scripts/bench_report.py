#!/usr/bin/python3
"""Statistics, tables and JSON for scripts/bench (standard library only).

Reads the scratch directory scripts/bench filled:
  raw.tsv         part, round, config, value  (one workload run each)
  skips.tsv       part, config, reason
  event_cost.json bpf_event_cost --json-file output
  scaling.tsv     processes, sleepers, cpu_ns, window_ns, startup_cpu_ns,
                  startup_wall_ns, max_rss_kib
  occupancy.tsv   phase, map id, name, type, max_entries, bytes_memlock,
                  entries (empty: not countable), note  (map_occupancy.py)
  occupancy_run.tsv  key, value: bench_churn figures and procwatch's RSS
prints the summary tables, a Markdown version for README.md, and writes the
JSON document (atomically).

Slowdown is always "how many times longer the workload took": for a time
(pipe) it is run / baseline, for a rate (forks/s, IOPS, ...) baseline / run,
both taken against the baseline run of the same round (paired), then the
median over rounds. The A/A row (the baseline measured again) shows what no
effect looks like on this machine. Parts ending in _cpu are the same runs
measured by the CPU time of the workload's own processes, which other load
on the machine disturbs much less than elapsed time.

Excess = median slowdown - 1 (what a configuration adds). Over the floor =
its median minus the empty programs' median: what it adds above the cost of
having any program on procwatch's hooks. Per part, procwatch's excess is also
given as a fraction of the bpftrace script's excess (same events, simplest
per-PID accounting), when bpftrace's own excess is clearly above noise.
"""

import argparse
import datetime
import json
import os
import platform
import socket
import statistics
import subprocess
import sys

PIPE = "taskset -c 0 perf bench sched pipe -l {pipe_loops}"
CHURN = "stress-ng --fork 1 --timeout {churn_seconds}s"
IO = ("fio --rw=randrw --rwmixread=50 --bs=4k --direct=1 --ioengine=psync --size={io_size}"
      " --time_based --runtime={io_runtime}")
NET = "iperf3 -c 127.0.0.1 {net_amount} (loopback TCP, one stream; pinning: {net_pinning})"
MALLOC = "bench_malloc {malloc_seconds} (malloc+free of 16 B-4 KiB, one thread)"
# bpftrace: the bpftrace configuration of the part, for "procwatch's excess as
# a fraction of bpftrace's". md: the row label of the Markdown table.
PARTS = {
    "pipe": {
        "workload": PIPE,
        "title": "Workload slowdown: " + PIPE + " (elapsed time)",
        "metric": "elapsed_s",
        "unit": "s",
        "higher_is_better": False,
        "bpftrace": "bpftrace_switch",
        "md": "`taskset -c 0 perf bench sched pipe` (elapsed)",
    },
    "pipe_cpu": {
        "workload": PIPE,
        "title": "  same runs, CPU time of the workload's own processes (usr+sys;"
                 " other tenants of the machine do not count)",
        "metric": "cpu_s",
        "unit": "s",
        "higher_is_better": False,
        "bpftrace": "bpftrace_switch",
        "md": "`taskset -c 0 perf bench sched pipe` (CPU time)",
    },
    "churn": {
        "workload": CHURN,
        "title": "Process churn: " + CHURN + " (forks per second)",
        "metric": "forks_per_s",
        "unit": "forks/s",
        "higher_is_better": True,
        "bpftrace": "bpftrace_exit",
        "md": "`stress-ng --fork` (forks per second)",
    },
    "churn_cpu": {
        "workload": CHURN,
        "title": "  same runs, forks per CPU second of stress-ng and its children (usr+sys)",
        "metric": "forks_per_cpu_s",
        "unit": "forks/cpu-s",
        "higher_is_better": True,
        "bpftrace": "bpftrace_exit",
        "md": "`stress-ng --fork` (forks per CPU-second)",
    },
    "io": {
        "workload": IO,
        "title": "Direct block IO: " + IO + " (IOPS)",
        "metric": "iops",
        "unit": "IOPS",
        "higher_is_better": True,
        "bpftrace": "bpftrace_bio",
        "md": "fio 4k random read+write, direct (IOPS)",
    },
    "io_cpu": {
        "workload": IO,
        "title": "  same runs, IOs per CPU second of fio's processes (usr+sys)",
        "metric": "ios_per_cpu_s",
        "unit": "IOs/cpu-s",
        "higher_is_better": True,
        "bpftrace": "bpftrace_bio",
        "md": "fio 4k random read+write, direct (IOs per CPU-second)",
    },
    "net": {
        "workload": NET,
        "title": "Loopback TCP: " + NET + " (Gbit/s received)",
        "metric": "gbit_per_s",
        "unit": "Gbit/s",
        "higher_is_better": True,
        "bpftrace": "bpftrace_sock",
        "md": "iperf3 loopback TCP (Gbit/s)",
    },
    "net_cpu": {
        "workload": NET,
        "title": "  same runs, Gbit per CPU second of iperf3 client + server (usr+sys)",
        "metric": "gbit_per_cpu_s",
        "unit": "Gbit/cpu-s",
        "higher_is_better": True,
        "bpftrace": "bpftrace_sock",
        "md": "iperf3 loopback TCP (Gbit per CPU-second)",
    },
    "malloc": {
        "workload": MALLOC,
        "title": "Allocator-heavy: " + MALLOC + " (pairs per second; procwatch has no"
                 " allocator probes yet: its row is its always-on cost)",
        "metric": "ops_per_s",
        "unit": "ops/s",
        "higher_is_better": True,
        "bpftrace": "bpftrace_malloc",
        "md": "`bench_malloc` malloc+free loop (ops per second)",
    },
    "malloc_cpu": {
        "workload": MALLOC,
        "title": "  same runs, malloc+free pairs per CPU second (usr+sys)",
        "metric": "ops_per_cpu_s",
        "unit": "ops/cpu-s",
        "higher_is_better": True,
        "bpftrace": "bpftrace_malloc",
        "md": "`bench_malloc` malloc+free loop (ops per CPU-second)",
    },
}

CONFIG_LABELS = {
    "none": "none (baseline)",
    "none_again": "none again (A/A)",
    "procwatch": "procwatch top -b -d 1",
    "empty": "empty programs (floor)",
    "runqlat": "runqlat (libbpf-tools)",
    "biolatency": "biolatency (libbpf-tools)",
    "tcplife": "tcplife (libbpf-tools)",
    "bpftrace_switch": "bpftrace sched_switch",
    "bpftrace_exit": "bpftrace process_exit",
    "bpftrace_bio": "bpftrace block_bio_queue",
    "bpftrace_sock": "bpftrace sock send/recv",
    "bpftrace_malloc": "bpftrace uprobe malloc/free",
    "pidstat": "pidstat 1",
    "pidstat_d": "pidstat -d 1",
    "atop": "atop -w FILE 1",
}
CONFIG_ORDER = list(CONFIG_LABELS)

# Columns of the Markdown table; configurations of the same kind share one.
MD_COLUMNS = [
    ("A/A noise", ("none_again",)),
    ("procwatch `top`", ("procwatch",)),
    ("empty programs (floor)", ("empty",)),
    ("runqlat", ("runqlat",)),
    ("biolatency", ("biolatency",)),
    ("tcplife", ("tcplife",)),
    ("bpftrace", ("bpftrace_switch", "bpftrace_exit", "bpftrace_bio", "bpftrace_sock",
                  "bpftrace_malloc")),
    ("pidstat", ("pidstat", "pidstat_d")),
    ("atop", ("atop",)),
]


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        text = (out.stdout or out.stderr).strip()
        return text.splitlines()[0] if text else None
    except (OSError, subprocess.SubprocessError):
        return None


def machine_info(build_dir):
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "hostname": socket.gethostname(),
        "kernel": platform.release(),
        "arch": platform.machine(),
        "cpus": os.cpu_count(),
        "cpu_model": None,
        "mem_total_kib": None,
    }
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu_model"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["mem_total_kib"] = int(line.split()[1])
                    break
    except OSError:
        pass
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    info["procwatch_commit"] = first_line(["git", "-C", repo, "rev-parse", "--short", "HEAD"])
    dirty = first_line(["git", "-C", repo, "status", "--porcelain", "--untracked-files=no"])
    info["procwatch_tree_dirty"] = dirty is not None
    info["tools"] = {
        "procwatch": first_line([os.path.join(build_dir, "procwatch"), "--version"]),
        "perf": first_line(["perf", "version"]),
        "bpftrace": first_line(["bpftrace", "--version"]),
        "stress-ng": first_line(["stress-ng", "--version"]),
        "fio": first_line(["fio", "--version"]),
        "iperf3": first_line(["iperf3", "--version"]),
        "atop": first_line(["atop", "-V"]),
        "bpftool": first_line(["/usr/sbin/bpftool", "version"]),
    }
    return info


def quartiles(values):
    """(p25, p75); a single value is its own quartiles."""
    if len(values) < 2:
        return (values[0], values[0]) if values else (None, None)
    q = statistics.quantiles(values, n=4, method="inclusive")
    return q[0], q[2]


def summarize(part, rows, spec):
    """Paired slowdowns per configuration for one part."""
    by_round = {}
    for p, rnd, config, value in rows:
        if p == part:
            by_round.setdefault(int(rnd), {})[config] = float(value)
    configs = {}
    for rnd in sorted(by_round):
        values = by_round[rnd]
        base = values.get("none")
        for config, value in values.items():
            c = configs.setdefault(config, {"values": [], "slowdowns": []})
            c["values"].append(value)
            if config == "none" or base is None or value <= 0 or base <= 0:
                continue
            ratio = base / value if spec["higher_is_better"] else value / base
            c["slowdowns"].append(ratio)
    out = {}
    for config in sorted(configs, key=lambda c: CONFIG_ORDER.index(c) if c in CONFIG_ORDER else 99):
        c = configs[config]
        s = c["slowdowns"]
        p25, p75 = quartiles(s)
        out[config] = {
            "label": CONFIG_LABELS.get(config, config),
            "runs": len(c["values"]),
            "values": c["values"],
            "median_value": statistics.median(c["values"]) if c["values"] else None,
            "slowdowns": [round(x, 4) for x in s],
            "median_slowdown": statistics.median(s) if s else None,
            "p25_slowdown": p25,
            "p75_slowdown": p75,
            "min_slowdown": min(s) if s else None,
            "max_slowdown": max(s) if s else None,
        }
    add_excess(out)
    return out


def add_excess(configs):
    """Adds excess (median - 1) and excess over the floor to each configuration."""
    floor = (configs.get("empty") or {}).get("median_slowdown")
    for config, c in configs.items():
        m = c["median_slowdown"]
        c["excess"] = None if m is None else round(m - 1, 4)
        c["excess_over_floor"] = (None if m is None or floor is None
                                  or config in ("none", "none_again", "empty")
                                  else round(m - floor, 4))


# bpftrace's excess must be at least this, and twice the A/A's distance from
# 1.00x, before procwatch's excess is expressed as a fraction of it: a
# fraction of noise is noise.
MIN_DENOMINATOR = 0.02


def versus_bpftrace(configs, spec):
    """procwatch's excess as a fraction of the part's bpftrace excess."""
    pw = (configs.get("procwatch") or {}).get("excess")
    bt = (configs.get(spec["bpftrace"]) or {}).get("excess")
    aa = (configs.get("none_again") or {}).get("excess")
    out = {"bpftrace_config": spec["bpftrace"], "procwatch_excess": pw, "bpftrace_excess": bt,
           "fraction": None, "note": None}
    if pw is None or bt is None:
        out["note"] = "procwatch or bpftrace did not run"
    elif pw < 0:
        out["note"] = "procwatch's median is below 1.00x: no measurable cost, only noise"
    elif bt < max(MIN_DENOMINATOR, 2 * abs(aa or 0)):
        out["note"] = "bpftrace's own excess is within noise: no meaningful fraction"
    else:
        out["fraction"] = round(pw / bt, 3)
        if abs(pw) < max(MIN_DENOMINATOR, 2 * abs(aa or 0)):
            out["note"] = "procwatch's own excess is within noise"
    return out


def fmt_x(v):
    return "-" if v is None else f"{v:.2f}x"


def fmt_range(lo, hi):
    return "-" if lo is None else f"{lo:.2f}-{hi:.2f}"


def print_part(name, spec, settings, configs, skips):
    print()
    print(spec["title"].format(**settings))
    if not name.endswith("_cpu"):
        print("  slowdown = the run under a configuration vs the baseline of the same round;"
              " 1.00x = no cost, 1.30x = 30% longer")
    print(f"  {'configuration':<28} {'runs':>4} {'median':>8} {'middle half':>12}"
          f" {'min-max':>11} {'over floor':>10}   median {spec['metric']}")
    for config, c in configs.items():
        value = "-" if c["median_value"] is None else f"{c['median_value']:.3f} {spec['unit']}"
        over = "" if c["excess_over_floor"] is None else f"{c['excess_over_floor']:+.2f}x"
        print(f"  {c['label']:<28} {c['runs']:>4} {fmt_x(c['median_slowdown']):>8}"
              f" {fmt_range(c['p25_slowdown'], c['p75_slowdown']):>12}"
              f" {fmt_range(c['min_slowdown'], c['max_slowdown']):>11} {over:>10}   {value}")
    aa = configs.get("none_again")
    if aa and aa["slowdowns"]:
        print(f"  A/A: median {fmt_x(aa['median_slowdown'])}, middle half"
              f" {fmt_range(aa['p25_slowdown'], aa['p75_slowdown'])}: a configuration whose"
              " median lies in this band shows no cost above noise")
    vs = versus_bpftrace(configs, spec)
    if vs["procwatch_excess"] is None or vs["bpftrace_excess"] is None:
        pass
    elif vs["fraction"] is None or vs["note"]:
        print(f"  procwatch {vs['procwatch_excess']:+.2f}x, bpftrace {vs['bpftrace_excess']:+.2f}x:"
              f" {vs['note']}")
    else:
        print(f"  procwatch's excess is {100 * vs['fraction']:.0f}% of bpftrace's"
              f" ({vs['procwatch_excess']:+.2f}x vs {vs['bpftrace_excess']:+.2f}x)")
    for part, config, reason in skips:
        if part == name:
            print(f"  skipped {config}: {reason}")


def print_event_cost(cost, skips):
    print()
    print("BPF per-event cost (kernel run-time stats; ratio = ns/event vs the empty program"
          " on the same hook)")
    if cost is None:
        for part, _, reason in skips:
            if part == "cost":
                print(f"  skipped: {reason}")
        return
    print(f"  {'hook':<20} {'program':<22} {'events':>9} {'ns/event':>9} {'floor ns':>9}"
          f" {'ratio':>7} {'min-max':>11}  <= {cost['goal_max_ratio']:.0f}x goal")
    unfloored, idle = [], []
    for p in cost["programs"]:
        if not p["events"]:
            idle.append(p["program"])
            continue
        head = f"  {p['hook']:<20} {p['program']:<22} {p['events']:>9} {p['avg_ns']:>9.1f}"
        if p["floor_program"] is None:
            unfloored.append(head)
            continue
        ratio = p["ratio"]
        rng = "-" if ratio is None else f"{p['ratio_min']:.2f}-{p['ratio_max']:.2f}"
        goal = "-" if ratio is None else ("yes" if p["within_goal"] else "no")
        print(f"{head} {p['floor_avg_ns']:>9.1f} {fmt_x(ratio):>7} {rng:>11}  {goal}")
    if unfloored:
        print("  no empty program on these hooks (bpf/empty.bpf.c), absolute cost only:")
        print("\n".join(unfloored))
    if idle:
        print("  not run by this workload: " + " ".join(idle))
    it = cost.get("task_iterator") or {}
    if it.get("passes"):
        print(f"  task iterator: {it['tasks_per_pass']:.0f} tasks/pass, {it['avg_ns_per_task']:.0f}"
              f" ns/task, {it['avg_us_per_pass']:.1f} us/pass")
    if cost.get("dropped_events"):
        print(f"  note: {cost['dropped_events']} lifecycle events dropped")
    for n in cost.get("notices", []):
        print(f"  notice: {n}")


def scaling_rows(rows):
    out = []
    for processes, sleepers, cpu_ns, window_ns, startup_cpu_ns, startup_wall_ns, rss in rows:
        cpu_ns, window_ns = int(cpu_ns), int(window_ns)
        window_s = window_ns / 1e9
        out.append({
            "sleepers": int(sleepers),
            "processes": int(processes),
            "window_s": round(window_s, 3),
            # -d 1: one refresh per second of the window.
            "cpu_pct_of_one_core": round(100.0 * cpu_ns / window_ns, 3) if window_ns else None,
            "cpu_ms_per_refresh": round(cpu_ns / 1e6 / window_s, 3) if window_s else None,
            "startup_cpu_ms": round(int(startup_cpu_ns) / 1e6, 1),
            "startup_window_s": round(int(startup_wall_ns) / 1e9, 2),
            "max_rss_kib": int(rss),
        })
    return out


def print_scaling(rows, skips):
    print()
    print("procwatch userspace cost vs processes (top -b -d 1, after start-up)")
    print(f"  {'sleepers':>8} {'processes':>9} {'CPU % of a core':>16} {'ms/refresh':>11}"
          f" {'start-up CPU':>13} {'max RSS':>10}")
    for r in rows:
        print(f"  {r['sleepers']:>8} {r['processes']:>9} {r['cpu_pct_of_one_core']:>15.2f}%"
              f" {r['cpu_ms_per_refresh']:>11.2f} {r['startup_cpu_ms']:>10.0f} ms"
              f" {r['max_rss_kib'] / 1024:>6.1f} MiB")
    for part, config, reason in skips:
        if part == "scaling":
            print(f"  skipped {config}: {reason}")


# When the map entries and procwatch's RSS are read: before the churn, after
# half of the processes, after all, and 10 s (two refreshes, at the budget's longest interval) later.
OCCUPANCY_PHASES = ("before", "half", "after", "settled")
CHURN_FIELDS = ("processes", "plain", "io", "net", "exec", "failed")


def occupancy_doc(map_rows, run_rows, mix):
    """The occupancy part's JSON: churn figures, procwatch's RSS, per-map entries."""
    if not map_rows and not run_rows:
        return None
    run = {}
    for key, value in run_rows:
        run[key] = float(value) if value else None
    def churn(prefixes):
        """One bench_churn run, or the sum of the halves under procwatch."""
        got = [p for p in prefixes if run.get(f"{p}_processes") is not None]
        if not got:
            return None
        out = {k: sum(int(run.get(f"{p}_{k}") or 0) for p in got) for k in CHURN_FIELDS}
        out["seconds"] = round(sum(run.get(f"{p}_seconds") or 0 for p in got), 3)
        out["processes_per_s"] = (round(out["processes"] / out["seconds"])
                                  if out["seconds"] else None)
        return out

    runs = {}
    for name, prefixes in (("without_procwatch", ["without_procwatch"]),
                           ("with_procwatch", ["with_procwatch_1", "with_procwatch_2"])):
        r = churn(prefixes)
        if r:
            runs[name] = r
    if "with_procwatch" in runs and run.get("procwatch_cpu_ms_during_churn") is not None:
        runs["with_procwatch"]["procwatch_cpu_ms"] = int(run["procwatch_cpu_ms_during_churn"])
    maps = {}
    for phase, map_id, name, kind, max_entries, memlock, entries, note in map_rows:
        m = maps.setdefault(int(map_id), {
            "id": int(map_id), "name": name, "type": kind,
            "max_entries": int(max_entries) if max_entries else None,
            "bytes_memlock": int(memlock) if memlock else None,
            "countable": entries != "", "note": note or None, "entries": {}})
        m["entries"][phase] = int(entries) if entries else None
    total, n_io, n_net, n_exec = (int(x) for x in mix.split())
    return {
        "mix": {"processes": total, "direct_io_writers": n_io, "tcp_clients": n_net,
                "execs": n_exec},
        "runs": runs,
        "procwatch_rss_kib": {p: (int(run[f"rss_kib_{p}"]) if run.get(f"rss_kib_{p}") else None)
                              for p in OCCUPANCY_PHASES},
        "maps": sorted(maps.values(), key=lambda m: m["id"]),
        "not_countable": [f"{m['name']} ({m['type']})" for m in maps.values()
                          if not m["countable"]],
    }


def print_occupancy(occ, skips):
    print()
    print("Map occupancy under PID churn (procwatch top -b -d 1; entries before, after half"
          " and all of the processes, and 10 s later)")
    if occ:
        for name, r in occ["runs"].items():
            cpu = (f"; procwatch used {r['procwatch_cpu_ms']} ms CPU meanwhile"
                   if "procwatch_cpu_ms" in r else "")
            print(f"  {name.replace('_', ' ')}: {r.get('processes')} processes"
                  f" ({r.get('io')} direct-IO, {r.get('net')} TCP, {r.get('exec')} exec,"
                  f" {r.get('failed')} failed) in {r.get('seconds')} s:"
                  f" {r.get('processes_per_s')} processes/s{cpu}")
        rss = occ["procwatch_rss_kib"]
        print("  procwatch RSS: " + ", ".join(
            f"{p} {rss[p] / 1024:.1f} MiB" for p in OCCUPANCY_PHASES if rss.get(p)))
        print(f"  {'map':<16} {'type':<15} {'max_entries':>11}"
              + "".join(f" {p:>8}" for p in OCCUPANCY_PHASES) + f" {'memlock':>10}")
        arrays = [m for m in occ["maps"] if m["type"] in ("array", "percpu_array")]
        for m in occ["maps"]:
            if not m["countable"] or m in arrays:
                continue
            e = m["entries"]
            cells = " ".join(f"{'-' if e.get(p) is None else e[p]:>8}" for p in OCCUPANCY_PHASES)
            print(f"  {m['name']:<16} {m['type']:<15} {m['max_entries']:>11} {cells}"
                  f" {(m['bytes_memlock'] or 0) / 1024:>7.0f} KiB")
        if arrays:
            print(f"  also {len(arrays)} arrays, always full: "
                  + ", ".join(sorted({m["name"] for m in arrays})))
        notes = {}
        for m in occ["maps"]:
            if not m["countable"]:
                notes.setdefault(m["note"], []).append(f"{m['name']} ({m['type']})")
        for note, names in notes.items():
            print(f"  not counted: {', '.join(names)}: {note}")
    for part, config, reason in skips:
        if part == "occupancy":
            print(f"  skipped {config}: {reason}")


def md_x(v, bold=False):
    if v is None:
        return "–"
    text = f"{v:.2f}×"
    return f"**{text}**" if bold else text


def fmt_int(v):
    return "?" if v is None else f"{v:,}"


def print_markdown(doc):
    """Tables to paste into README.md's Benchmarks section."""
    print()
    print("Markdown for README.md (medians of paired ratios; 1.00× = no cost):")
    header = "| workload | " + " | ".join(c for c, _ in MD_COLUMNS) + " |"
    rule = "|---|" + "---|" * len(MD_COLUMNS)
    for title, names in (("CPU time of the workload's own processes",
                          ("pipe_cpu", "churn_cpu", "io_cpu", "net_cpu", "malloc_cpu")),
                         ("what the user waits for (elapsed time, throughput)",
                          ("pipe", "churn", "io", "net", "malloc"))):
        rows = []
        for name in names:
            configs = doc.get(name, {}).get("configs") or {}
            if not configs:
                continue
            cells = []
            for column, members in MD_COLUMNS:
                value = next((configs[m]["median_slowdown"] for m in members
                              if m in configs and configs[m]["median_slowdown"] is not None),
                             None)
                cells.append(md_x(value, bold=column.startswith("procwatch")))
            rows.append(f"| {PARTS[name]['md']} | " + " | ".join(cells) + " |")
        if rows:
            print()
            print(f"{title}:")
            print()
            print(header)
            print(rule)
            print("\n".join(rows))
    occ = doc.get("occupancy")
    if occ and occ["maps"]:
        with_pw = occ["runs"].get("with_procwatch", {})
        without = occ["runs"].get("without_procwatch", {})
        print()
        print(f"Map occupancy after {occ['mix']['processes']:,} short-lived processes"
              f" ({occ['mix']['direct_io_writers']} direct-IO writers,"
              f" {occ['mix']['tcp_clients']} TCP clients, {occ['mix']['execs']} execs;"
              f" {fmt_int(with_pw.get('processes_per_s'))} processes/s under procwatch,"
              f" {fmt_int(without.get('processes_per_s'))} without):")
        print()
        print(f"| map | type | max_entries | before | after {occ['mix']['processes'] // 2:,} |"
              f" after {occ['mix']['processes']:,} | 10 s later |")
        print("|---|---|---|---|---|---|---|")
        for m in occ["maps"]:
            if m["countable"] and m["type"] not in ("array", "percpu_array"):
                e = m["entries"]
                print(f"| `{m['name']}` | {m['type']} | {m['max_entries']:,} | "
                      + " | ".join("–" if e.get(p) is None else f"{e[p]:,}"
                                   for p in OCCUPANCY_PHASES) + " |")
        if occ["not_countable"]:
            print()
            print("Not countable from userspace (freed with their task or socket, or a ring"
                  " buffer): " + ", ".join(occ["not_countable"]) + ".")
        rss = occ["procwatch_rss_kib"]
        if all(rss.get(p) for p in OCCUPANCY_PHASES):
            print()
            print("procwatch's RSS: " + ", ".join(
                f"{label} {rss[p] / 1024:.0f} MiB" for p, label in
                zip(OCCUPANCY_PHASES, ("before", "halfway", "after", "10 s later"))) + ".")
    scaling = doc.get("userspace_scaling") or []
    if scaling:
        print()
        print("procwatch's userspace cost (`top -b -d 1`, after start-up) vs processes on the host:")
        print()
        print("| processes | procwatch CPU (% of one core) | ms per refresh | max RSS |")
        print("|---|---|---|---|")
        for r in scaling:
            print(f"| {r['processes']:,} | {r['cpu_pct_of_one_core']:.2f}% |"
                  f" {r['cpu_ms_per_refresh']:.1f} | {r['max_rss_kib'] / 1024:.0f} MiB |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--quick", default="0")
    ap.add_argument("--pipe-loops", type=int, required=True)
    ap.add_argument("--churn-seconds", type=int, required=True)
    ap.add_argument("--io-runtime", default=None, help="fio --runtime")
    ap.add_argument("--io-size", default=None)
    ap.add_argument("--net-amount", default=None, help="iperf3's -t SECONDS or -n BYTES")
    ap.add_argument("--net-pinning", default=None)
    ap.add_argument("--malloc-seconds", type=float, default=None)
    ap.add_argument("--occupancy-mix", default="0 0 0 0",
                    help="processes, direct-IO writers, TCP clients, execs")
    ap.add_argument("--build-dir", default="build")
    ap.add_argument("--load-start", default="", help="/proc/loadavg (1 5 15) before the run")
    args = ap.parse_args()

    raw = read_tsv(os.path.join(args.work, "raw.tsv"))
    skips = read_tsv(os.path.join(args.work, "skips.tsv"))
    cost_path = os.path.join(args.work, "event_cost.json")
    cost = None
    if os.path.exists(cost_path):
        with open(cost_path, encoding="utf-8") as f:
            cost = json.load(f)
    scaling = scaling_rows(read_tsv(os.path.join(args.work, "scaling.tsv")))

    settings = {
        "reps": args.reps,
        "quick": args.quick == "1",
        "pipe_loops": args.pipe_loops,
        "churn_seconds": args.churn_seconds,
        "io_runtime": args.io_runtime,
        "io_size": args.io_size,
        "net_amount": args.net_amount,
        "net_pinning": args.net_pinning,
        "malloc_seconds": args.malloc_seconds,
        "occupancy_processes": int(args.occupancy_mix.split()[0]),
    }
    machine = machine_info(args.build_dir)
    load = [float(x) for x in args.load_start.split()] if args.load_start else []
    machine["loadavg_at_start"] = load or None
    doc = {
        "schema": 1,
        "machine": machine,
        "settings": settings,
    }
    print()
    print(f"procwatch bench: kernel {machine['kernel']}, {machine['cpus']} CPUs"
          f" ({machine['cpu_model']}), {machine['date']}, {args.reps} round(s)"
          + (" [quick: smoke test sizes, numbers not meaningful]" if settings["quick"] else ""))
    # Anything else running competes for the 2 CPUs and widens every spread.
    if load and load[0] > 0.5:
        print(f"warning: load average {load[0]:.2f} before the run: other work is running,"
              " expect wide spreads (see the A/A rows)")
    for name, spec in PARTS.items():
        configs = summarize(name, raw, spec)
        doc[name] = {
            "workload": spec["workload"].format(**settings),
            "metric": spec["metric"],
            "higher_is_better": spec["higher_is_better"],
            "configs": configs,
            "procwatch_vs_bpftrace": versus_bpftrace(configs, spec) if configs else None,
        }
        if configs or any(s[0] == name for s in skips):
            print_part(name, spec, settings, configs, skips)
    doc["bpf_event_cost"] = cost
    if cost is not None or any(s[0] == "cost" for s in skips):
        print_event_cost(cost, skips)
    occupancy = occupancy_doc(read_tsv(os.path.join(args.work, "occupancy.tsv")),
                              read_tsv(os.path.join(args.work, "occupancy_run.tsv")),
                              args.occupancy_mix)
    doc["occupancy"] = occupancy
    if occupancy or any(s[0] == "occupancy" for s in skips):
        print_occupancy(occupancy, skips)
    doc["userspace_scaling"] = scaling
    if scaling or any(s[0] == "scaling" for s in skips):
        print_scaling(scaling, skips)
    doc["skipped"] = [{"part": p, "config": c, "reason": r} for p, c, r in skips]
    print_markdown(doc)

    out = args.out
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, out)
    print()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
