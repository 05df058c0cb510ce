#!/usr/bin/env bash
# `procwatch status` measures procwatch's own cost: each BPF program's
# events/s against the kernel's own count of the same events (context
# switches in /proc/stat), its map occupancy, and its userspace CPU and RSS.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
progs=$(dirname "$PROCWATCH")/tests/testprogs
work=$(mktemp -d)
sleeper=""
cleanup() { [[ -z $sleeper ]] || kill "$sleeper" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Steady context switches: a thousand 1 ms sleeps a second.
"$progs/sleeper" 100000 1 > /dev/null &
sleeper=$!

ctxt() { awk '/^ctxt / { print $2 }' /proc/stat; }
c0=$(ctxt); t0=$(date +%s%N)
"$PROCWATCH" status -d 2 --json > "$work/status.json"
c1=$(ctxt); t1=$(date +%s%N)

python3 - "$work/status.json" "$c0" "$c1" "$t0" "$t1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
c0, c1, t0, t1 = map(int, sys.argv[2:])
def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what + "\n" + json.dumps(doc, indent=1)[:3000])
check(doc["interval_s"] >= 1.9, "measured over the requested duration")
check(doc["userspace_cpu_pct"] is not None and 0 <= doc["userspace_cpu_pct"] < 50,
      "userspace CPU of procwatch itself")
check(doc["rss_bytes"] > 1 << 20, "procwatch's RSS")
progs = {p["name"]: p for p in doc["programs"]}
sw = progs.get("on_sched_switch")
check(sw is not None, "on_sched_switch listed")
check(sw["ns_per_event"] and sw["ns_per_event"] > 0, "ns per event measured")
# The program runs on every context switch: its rate is the kernel's. The
# /proc/stat window includes loading, so compare rates, 40% either way.
kernel_rate = (c1 - c0) / ((t1 - t0) / 1e9)
check(0.6 * kernel_rate <= sw["events_per_sec"] <= 1.4 * kernel_rate,
      f"on_sched_switch {sw['events_per_sec']:.0f}/s vs kernel ctxt {kernel_rate:.0f}/s")
check(doc["kernel_cpu_pct"] >= sw["cpu_pct"] > 0, "kernel CPU share adds up")
maps = {m["name"]: m for m in doc["maps"]}
check("io_stats" in maps, "io_stats map listed")
io = maps["io_stats"]
check(isinstance(io["entries"], int) and 0 <= io["entries"] <= io["max_entries"],
      "io_stats entries counted within capacity")
check(maps.get("task_stats", {}).get("entries", 0) is None,
      "task storage shown as not countable")
check(len(set(m["name"] for m in doc["maps"])) == len(doc["maps"]), "shared maps listed once")
check(doc["events_dropped"] == 0, "no lifecycle events dropped")
PY
# The text form says the same in a table.
"$PROCWATCH" status -d 0.5 > "$work/status.txt"
grep -q 'on_sched_switch' "$work/status.txt" || fail "text status lists no programs"
grep -q '^BPF maps' "$work/status.txt" || fail "text status lists no maps"
echo "PASS"
