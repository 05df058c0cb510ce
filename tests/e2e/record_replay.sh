#!/usr/bin/env bash
# Record 5 s while a busy loop runs, with live `top` watching the same loop;
# then `top --db --at TIME --once --json` shows the loop with the figures
# live top showed, and `tree --db --at` shows it in the tree. Filters
# (--pid) keep only what was asked for.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
progs=$(dirname "$PROCWATCH")/tests/testprogs
[[ -x $progs/busy ]] || fail "test programs not built: $progs/busy"
work=$(mktemp -d)
busy_pid=
cleanup() { [[ -n $busy_pid ]] && kill "$busy_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

"$progs/busy" 1 9000 >/dev/null &
busy_pid=$!
"$PROCWATCH" top -n 4 -d 1 --json --fields pid,comm,cpu_pct,cpu_time_s -p "$busy_pid" \
  > "$work/live.json" &
live_pid=$!
"$PROCWATCH" record -o "$work/rec.db" --duration 5s -d 1s -q 2> "$work/record.err" \
  || fail "record exited with $?: $(cat "$work/record.err")"
[[ ! -s $work/record.err ]] || fail "record printed on a non-terminal: $(cat "$work/record.err")"
wait "$live_pid" || fail "live top failed"
[[ ! -e $work/rec.db-wal ]] || fail "the WAL was not checkpointed on a clean exit"

# Every recorded frame, to find a timestamp in the middle.
"$PROCWATCH" top --db "$work/rec.db" --json --fields pid,comm,cpu_pct > "$work/all.json" \
  || fail "top --db (all frames) failed"
json_check "$work/all.json" "len(docs) >= 5" "all(d['interval_s'] > 0.9 for d in docs)"
ts_ns=$(python3 -c "import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; print(d[2]['timestamp_ns'])" "$work/all.json")
at=$(date -d "@$((ts_ns / 1000000000))" +%H:%M:%S)

# --at as HH:MM:SS (local time): the sample nearest to that second.
"$PROCWATCH" top --db "$work/rec.db" --at "$at" --once --json \
  --fields pid,comm,cpu_pct,cpu_time_s -p "$busy_pid" > "$work/at.json" \
  || fail "top --db --at $at failed"
json_check "$work/at.json" \
  "len(docs) == 1" \
  "abs(doc['timestamp_ns'] - $ts_ns) < 1_100_000_000" \
  "[p['pid'] for p in doc['processes']] == [$busy_pid]" \
  "doc['processes'][0]['comm'] == 'busy'" \
  "doc['processes'][0]['cpu_pct'] > 20"

# The figures live top showed. Both read the same kernel counter at
# different moments, so each live total must lie between the recorded totals
# just before and just after it, and the CPU% must agree (loosely: the
# machine may be shared, so the share a busy loop gets varies second to second).
"$PROCWATCH" top --db "$work/rec.db" --json --fields pid,cpu_pct,cpu_time_s -p "$busy_pid" \
  > "$work/rec.json"
python3 - "$work/live.json" "$work/rec.json" "$busy_pid" <<'PY' || fail "live and replay disagree"
import json, sys
load = lambda f: [json.loads(l) for l in open(f) if l.strip()]
pid = int(sys.argv[3])
def series(docs):
    return [(d['timestamp_ns'], p['cpu_time_s'], p['cpu_pct'])
            for d in docs for p in d['processes'] if p['pid'] == pid]
live, rec = series(load(sys.argv[1])), series(load(sys.argv[2]))
assert live and len(rec) >= 4, (live, rec)
checked = 0
for ts, total, _ in live:
    before = [r for r in rec if r[0] <= ts]
    after = [r for r in rec if r[0] >= ts]
    if before and after:
        assert before[-1][1] - 0.011 <= total <= after[0][1] + 0.011, (ts, total, before[-1], after[0])
        checked += 1
assert checked >= 2, f"only {checked} live frames inside the recording"
lm = sum(x[2] for x in live) / len(live)
rm = sum(x[2] for x in rec) / len(rec)
print(f"busy loop: {checked} live totals between recorded ones; CPU% live {lm:.1f}, recorded {rm:.1f}")
assert abs(lm - rm) < 25, (lm, rm)
PY

# tree --db --at: the same sample as a tree; the loop sits under this
# shell, its CPU in its own and its ancestors' subtree sums.
"$PROCWATCH" tree --db "$work/rec.db" --at "$at" --json --fields cpu_pct > "$work/tree.json" \
  || fail "tree --db --at $at failed"
python3 - "$work/tree.json" "$busy_pid" "$$" "$ts_ns" <<'PY' || fail "recorded tree"
import json, sys
doc = json.load(open(sys.argv[1]))
busy, shell, ts = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
assert abs(doc["timestamp_ns"] - ts) < 1_100_000_000, doc["timestamp_ns"]
def walk(nodes, path):
    for n in nodes:
        yield n, path
        yield from walk(n.get("children", []), path + [n])
found = [(n, path) for n, path in walk(doc["processes"], []) if n["pid"] == busy]
assert found, "busy loop not in the recorded tree"
node, path = found[0]
assert shell in [a["pid"] for a in path], "busy loop not under the test's shell"
assert node["own"]["cpu_pct"] > 20, node
for a in path:
    assert a["subtree"]["cpu_pct"] >= node["own"]["cpu_pct"] - 1e-6, (a["pid"], a["subtree"])
print(f"recorded tree: busy {node['own']['cpu_pct']:.0f}% under {len(path)} ancestors")
PY
tree_text=$("$PROCWATCH" tree --db "$work/rec.db" --at "$at" -p "$busy_pid") \
  || fail "tree --db -p failed"
grep -q "testprogs/busy" <<< "$tree_text" || fail "tree --db -p: text tree without the loop"

# --at as an exact Unix time picks exactly that sample; text and CSV output;
# replay needs a terminal.
exact=$(python3 -c "print('%.6f' % ($ts_ns / 1e9))")
"$PROCWATCH" top --db "$work/rec.db" --at "@$exact" --once --json --fields pid > "$work/exact.json"
json_check "$work/exact.json" "abs(doc['timestamp_ns'] - $ts_ns) < 1000"
frame=$("$PROCWATCH" top --db "$work/rec.db" --at "@$exact" --once -b --limit 3)
grep -q '^procwatch ' <<< "$frame" || fail "text frame missing"
"$PROCWATCH" top --db "$work/rec.db" -n 2 --csv --fields pid,cpu_pct > "$work/two.csv"
# CSV frames start with their timestamp (two frames, two timestamps).
head -1 "$work/two.csv" | grep -q '^timestamp_ns,pid,cpu_pct$' || fail "CSV header: $(head -1 "$work/two.csv")"
[[ $(tail -n +2 "$work/two.csv" | cut -d, -f1 | sort -u | wc -l) == 2 ]] \
  || fail "two CSV frames without two timestamps"
set +e
msg=$("$PROCWATCH" replay "$work/rec.db" 2>&1 < /dev/null); rc=$?
set -e
[[ $rc == 2 && $msg == *"needs a terminal; for scripts use procwatch top --db FILE --once"* ]] \
  || fail "replay without a terminal: rc=$rc: $msg"
set +e
msg=$("$PROCWATCH" top --db "$work/rec.db" --at 03:00:99 --once 2>&1); rc=$?
set -e
[[ $rc == 2 && $msg == *"not a time"* ]] || fail "bad --at: rc=$rc: $msg"

# --pid: only that process is recorded.
"$PROCWATCH" record -o "$work/one.db" --duration 2s -d 0.5s -p "$busy_pid" -q \
  || fail "record -p failed"
"$PROCWATCH" top --db "$work/one.db" --json --fields pid > "$work/one.json"
json_check "$work/one.json" "all([p['pid'] for p in d['processes']] == [$busy_pid] for d in docs)"
echo "PASS"
