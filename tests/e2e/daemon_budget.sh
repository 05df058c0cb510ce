#!/usr/bin/env bash
# An impossible CPU budget under a context-switch workload: the daemon
# lengthens its interval, then samples (or detaches) the costliest probe,
# and says so in /metrics and in its log.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
PY=/usr/bin/python3
"$PY" -c 'import prometheus_client' 2>/dev/null \
  || fail "python3-prometheus-client is missing (scripts/setup installs it)"
scrape_py=$(dirname "$0")/prom_scrape.py
progs=$(dirname "$PROCWATCH")/tests/testprogs
work=$(mktemp -d)
daemon=""
sleepers=()
cleanup() {
  [[ -z $daemon ]] || kill "$daemon" 2>/dev/null || true
  for p in "${sleepers[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Steady context switches, so the scheduler program has a cost to measure.
for _ in 1 2; do
  "$progs/sleeper" 1000000 1 > /dev/null &
  sleepers+=($!)
done

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/metrics"
# The smallest budgets the options take. Kernel costs are measured one
# interval in ten (the default schedule), three times over before a step.
"$PROCWATCH" daemon --listen "127.0.0.1:$port" -d 0.1 --cpu-budget 0.01 --bpf-budget 0.01 \
  2> "$work/daemon.err" &
daemon=$!

degraded=0
for _ in $(seq 120); do
  kill -0 "$daemon" 2>/dev/null || fail "the daemon died: $(cat "$work/daemon.err")"
  sleep 0.5
  "$PY" "$scrape_py" "$url" > "$work/s.json" 2> "$work/scrape.err" || continue
  if "$PY" - "$work/s.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
if doc["status"] != 200:
    sys.exit(1)
v = {}
for n, l, x in doc["samples"]:
    v[(n, l.get("probe"))] = x
optional = ["sched", "net", "io", "mem"]
probe_down = any(v.get(("procwatch_probe_sampling_ratio", p), 1) < 1
                 or v.get(("procwatch_probe_attached", p), 1) == 0 for p in optional)
ok = (v[("procwatch_budget_degraded", None)] == 1 and v[("procwatch_budget_steps", None)] >= 2
      and v[("procwatch_budget_interval_factor", None)] >= 2 and probe_down)
sys.exit(0 if ok else 1)
PY
  then degraded=1; break; fi
done
[[ $degraded -eq 1 ]] || fail "no probe sampled or detached within 60 s: $(cat "$work/s.json" | head -c 3000)
log: $(cat "$work/daemon.err")"
# The log names each step: the interval first, then the probe.
grep -q "refresh interval x2" "$work/daemon.err" || fail "log: $(cat "$work/daemon.err")"
grep -Eq "probes, which cost .* (now count 1 in [0-9]+ events|are switched off)" "$work/daemon.err" \
  || fail "log: $(cat "$work/daemon.err")"

kill -TERM "$daemon"
set +e
wait "$daemon"
rc=$?
set -e
daemon=""
[[ $rc -eq 0 ]] || fail "exit code $rc after SIGTERM"
echo "PASS"
