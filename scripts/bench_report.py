#!/usr/bin/python3
"""Statistics, tables and JSON for scripts/bench (standard library only).

Reads the scratch directory scripts/bench filled:
  raw.tsv         part, round, config, value  (one workload run each)
  skips.tsv       part, config, reason
  event_cost.json bpf_event_cost --json-file output
  scaling.tsv     processes, sleepers, cpu_ns, window_ns, startup_cpu_ns,
                  startup_wall_ns, max_rss_kib
prints the summary tables and writes the JSON document (atomically).

Slowdown is always "how many times longer the workload took": for a time
(pipe) it is run / baseline, for a rate (forks/s) baseline / run, both taken
against the baseline run of the same round (paired), then the median over
rounds. The A/A row (the baseline measured again) shows what no effect looks
like on this machine. Parts ending in _cpu are the same runs measured by the
CPU time of the workload's own processes, which other load on the machine
disturbs much less than elapsed time.
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
PARTS = {
    "pipe": {
        "workload": PIPE,
        "title": "Workload slowdown: " + PIPE + " (elapsed time)",
        "metric": "elapsed_s",
        "unit": "s",
        "higher_is_better": False,
    },
    "pipe_cpu": {
        "workload": PIPE,
        "title": "  same runs, CPU time of the workload's own processes (usr+sys;"
                 " other tenants of the machine do not count)",
        "metric": "cpu_s",
        "unit": "s",
        "higher_is_better": False,
    },
    "churn": {
        "workload": CHURN,
        "title": "Process churn: " + CHURN + " (forks per second)",
        "metric": "forks_per_s",
        "unit": "forks/s",
        "higher_is_better": True,
    },
    "churn_cpu": {
        "workload": CHURN,
        "title": "  same runs, forks per CPU second of stress-ng and its children (usr+sys)",
        "metric": "forks_per_cpu_s",
        "unit": "forks/cpu-s",
        "higher_is_better": True,
    },
}

CONFIG_LABELS = {
    "none": "none (baseline)",
    "none_again": "none again (A/A)",
    "procwatch": "procwatch top -b -d 1",
    "empty": "empty programs (floor)",
    "runqlat": "runqlat (libbpf-tools)",
    "bpftrace_switch": "bpftrace sched_switch",
    "bpftrace_exit": "bpftrace process_exit",
    "pidstat": "pidstat 1",
}
CONFIG_ORDER = list(CONFIG_LABELS)


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
    print(f"  {'configuration':<26} {'runs':>4} {'median':>8} {'middle half':>12}"
          f" {'min-max':>11}   median {spec['metric']}")
    for config, c in configs.items():
        value = "-" if c["median_value"] is None else f"{c['median_value']:.3f} {spec['unit']}"
        print(f"  {c['label']:<26} {c['runs']:>4} {fmt_x(c['median_slowdown']):>8}"
              f" {fmt_range(c['p25_slowdown'], c['p75_slowdown']):>12}"
              f" {fmt_range(c['min_slowdown'], c['max_slowdown']):>11}   {value}")
    aa = configs.get("none_again")
    if aa and aa["slowdowns"]:
        print(f"  A/A: median {fmt_x(aa['median_slowdown'])}, middle half"
              f" {fmt_range(aa['p25_slowdown'], aa['p75_slowdown'])}: a configuration whose"
              " median lies in this band shows no cost above noise")
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--reps", type=int, required=True)
    ap.add_argument("--quick", default="0")
    ap.add_argument("--pipe-loops", type=int, required=True)
    ap.add_argument("--churn-seconds", type=int, required=True)
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
        }
        if configs or any(s[0] == name for s in skips):
            print_part(name, spec, settings, configs, skips)
    doc["bpf_event_cost"] = cost
    if cost is not None or any(s[0] == "cost" for s in skips):
        print_event_cost(cost, skips)
    doc["userspace_scaling"] = scaling
    if scaling or any(s[0] == "scaling" for s in skips):
        print_scaling(scaling, skips)
    doc["skipped"] = [{"part": p, "config": c, "reason": r} for p, c, r in skips]

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
