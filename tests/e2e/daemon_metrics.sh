#!/usr/bin/env bash
# `procwatch daemon` serves /metrics that the official Prometheus parser
# reads, with procwatch's own RSS and CPU time agreeing with /proc, its
# probes, a build_info series; a second daemon on the same port fails with
# one sentence; SIGTERM stops it cleanly.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
# Debian's python, which has python3-prometheus-client (scripts/setup).
PY=/usr/bin/python3
"$PY" -c 'import prometheus_client' 2>/dev/null \
  || fail "python3-prometheus-client is missing (scripts/setup installs it)"
scrape_py=$(dirname "$0")/prom_scrape.py
work=$(mktemp -d)
daemon=""
cleanup() { [[ -z $daemon ]] || kill "$daemon" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

# Bad --listen values are usage errors, before anything is loaded; a name
# that does not resolve is one.
set +e
msg=$("$PROCWATCH" daemon --listen no-such-host.invalid:80 2>&1 >/dev/null); rc=$?
set -e
[[ $rc -eq 2 ]] || fail "--listen no-such-host.invalid:80 exited $rc"
grep -q "cannot resolve 'no-such-host.invalid'" <<< "$msg" \
  || fail "--listen no-such-host.invalid:80 said: $msg"

port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port/metrics"

# Not root: the same one sentence as top, exit 1.
set +e
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
  "$PROCWATCH" daemon --listen "127.0.0.1:$port" > /dev/null 2> "$work/nonroot.err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "as nobody the daemon exited $rc: $(cat "$work/nonroot.err")"
[[ $(wc -l < "$work/nonroot.err") -eq 1 ]] && grep -q "needs root" "$work/nonroot.err" \
  || fail "as nobody: $(cat "$work/nonroot.err")"

# A host name resolves (localhost: 127.0.0.1, as the log line below says).
"$PROCWATCH" daemon --listen "localhost:$port" -d 0.5 2> "$work/daemon.err" &
daemon=$!

# Until the first sample it answers 503, before binding not at all.
for _ in $(seq 100); do
  kill -0 "$daemon" 2>/dev/null || fail "the daemon died: $(cat "$work/daemon.err")"
  if "$PY" "$scrape_py" "$url" > "$work/s0.json" 2>/dev/null \
     && grep -q '"status": 200' "$work/s0.json"; then break; fi
  sleep 0.2
done
grep -q '"status": 200' "$work/s0.json" || fail "/metrics never answered 200"
"$PY" "$scrape_py" "$url" "$daemon" > "$work/s1.json" || fail "first scrape"
sleep 1.5
"$PY" "$scrape_py" "$url" "$daemon" > "$work/s2.json" || fail "second scrape"

"$PY" - "$work/s1.json" "$work/s2.json" <<'PY'
import json, sys
s1, s2 = (json.load(open(p)) for p in sys.argv[1:3])
def check(cond, what):
    if not cond:
        sys.exit("FAIL: " + what)
def values(doc, name, **labels):
    return [v for n, l, v in doc["samples"]
            if n == name and all(l.get(k) == w for k, w in labels.items())]
def one(doc, name, **labels):
    v = values(doc, name, **labels)
    check(len(v) == 1, f"{name}{labels}: {len(v)} series")
    return v[0]
for doc in (s1, s2):
    check(doc["status"] == 200, "status 200")
    keys = [(n, tuple(sorted(l.items()))) for n, l, _ in doc["samples"]]
    check(len(keys) == len(set(keys)), "no duplicate series")
    rss, vmrss = one(doc, "procwatch_self_resident_bytes"), doc["proc"]["vmrss_bytes"]
    check(abs(rss - vmrss) <= 0.25 * vmrss, f"RSS {rss} vs VmRSS {vmrss}")
    cpu = one(doc, "procwatch_self_cpu_seconds_total")
    ticks, hz = doc["proc"]["cpu_ticks"], doc["proc"]["clk_tck"]
    # The sample was taken before /proc was read, so it cannot be more,
    # except that /proc truncates utime and stime to ticks each: 2 ticks.
    check(0 < cpu <= (ticks + 2) / hz + 1e-6, f"CPU {cpu} s vs /proc {ticks} ticks at {hz}/s")
    check(any(n == "procwatch_build_info" and l.get("version") and v == 1
              for n, l, v in doc["samples"]), "build_info with a version")
    check(one(doc, "procwatch_probe_attached", probe="sched") == 1, "sched attached")
    check(one(doc, "procwatch_probe_loaded", probe="lifecycle") == 1, "lifecycle loaded")
    check(one(doc, "procwatch_budget_enabled") == 1, "budget on by default")
    check(one(doc, "procwatch_budget_degraded") in (0, 1), "budget state")
    check(one(doc, "procwatch_system_processes") > 10, "processes counted")
    check(values(doc, "procwatch_bpf_program_runs_total", object="sched",
                  program="on_sched_switch"), "on_sched_switch listed")
# The first Model (no interval yet) may still be the latest at s1.
check(one(s2, "procwatch_interval_seconds") >= 0.45, "interval")
check(one(s2, "procwatch_self_cpu_seconds_total") > one(s1, "procwatch_self_cpu_seconds_total"),
      "CPU time increases")
check(one(s2, "procwatch_collection_timestamp_seconds")
      > one(s1, "procwatch_collection_timestamp_seconds"), "collections go on")
PY

# A second daemon on the same port: one sentence naming the address, exit 1.
set +e
timeout 30 "$PROCWATCH" daemon --listen "127.0.0.1:$port" > /dev/null 2> "$work/second.err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "a second daemon on a taken port exited $rc: $(cat "$work/second.err")"
[[ $(wc -l < "$work/second.err") -eq 1 ]] || fail "more than one line: $(cat "$work/second.err")"
grep -q "127.0.0.1:$port" "$work/second.err" || fail "no address in: $(cat "$work/second.err")"
kill -0 "$daemon" || fail "the first daemon died"

grep -q "serving http://127.0.0.1:$port/metrics" "$work/daemon.err" \
  || fail "no startup line in the log: $(cat "$work/daemon.err")"

# SIGTERM: exit 0 within a few seconds.
kill -TERM "$daemon"
for _ in $(seq 50); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
kill -0 "$daemon" 2>/dev/null && fail "still running 5 s after SIGTERM"
set +e
wait "$daemon"
rc=$?
set -e
daemon=""
[[ $rc -eq 0 ]] || fail "exit code $rc after SIGTERM: $(cat "$work/daemon.err")"
"$PY" "$scrape_py" "$url" > /dev/null 2>&1 && fail "still answering after exit"
echo "PASS"
