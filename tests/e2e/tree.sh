#!/usr/bin/env bash
# `procwatch tree`: this script's shell sits under its parent, procwatch
# under this shell, -p shows one subtree, subtree sums cover their members.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
out=$(mktemp); trap 'rm -f "$out"' EXIT

"$PROCWATCH" tree -d 0.3 --json > "$out" &
pid=$!
wait $pid || fail "procwatch tree --json exited with $?"
json_check "$out" \
  "len(docs) == 1" \
  "doc['interval_s'] > 0.2" \
  "doc['missing_pids'] == []" \
  "doc['fields'] == ['cpu_pct', 'read_bytes_per_sec', 'write_bytes_per_sec', 'net_rx_bytes_per_sec', 'net_tx_bytes_per_sec']"

# Who is under whom: walk the nested children arrays.
python3 - "$out" "$PPID" "$$" "$pid" <<'PY' || fail "tree shape"
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
ppid, me, pw = (int(a) for a in sys.argv[2:])
def walk(nodes, parent=None):
    for n in nodes:
        yield n, parent
        yield from walk(n["children"], n)
seen = {}
for node, parent in walk(doc["processes"]):
    seen.setdefault(node["pid"], []).append((node, parent))
def parent_of(pid):
    live = [p for n, p in seen.get(pid, []) if n["state"] != "X"]
    assert live, f"pid {pid} not in the tree"
    return live[0]
assert parent_of(me) is not None and parent_of(me)["pid"] == ppid, "shell not under its parent"
assert parent_of(pw)["pid"] == me, "procwatch not under the shell"
for node, _ in walk(doc["processes"]):
    sub, own = node["subtree"], node["own"]
    assert sub["processes"] == 1 + sum(c["subtree"]["processes"] for c in node["children"])
    if own["cpu_pct"] is not None:
        assert sub["cpu_pct"] >= own["cpu_pct"] - 1e-9, node["pid"]
PY

# -p: only this shell's subtree, procwatch inside it.
"$PROCWATCH" tree -d 0.3 --json -p $$ > "$out" &
pid=$!
wait $pid || fail "procwatch tree -p exited with $?"
json_check "$out" \
  "[n['pid'] for n in doc['processes']] == [$$]" \
  "any(c['pid'] == $pid for c in doc['processes'][0]['children'])" \
  "doc['processes'][0]['subtree']['processes'] >= 2"

# Text with ASCII box lines.
"$PROCWATCH" tree -d 0.2 --ascii -p $$ > "$out" || fail "procwatch tree --ascii exited with $?"
grep -q "process + descendants" "$out" || fail "no column groups"
grep -Eq "^ *$$ .*bash" "$out" || fail "the shell is not the first row"
grep -Eq '`- .*procwatch tree -d 0.2 --ascii' "$out" || fail "procwatch not drawn under the shell"
LC_ALL=C grep -q $'[\x80-\xff]' "$out" && fail "--ascii printed non-ASCII bytes"

# A pid that does not exist: exit 1 with one sentence; bad fields: exit 2.
set +e
"$PROCWATCH" tree -d 0.1 -p 2147483647 > /dev/null 2> "$out"; rc=$?
set -e
[[ $rc -eq 1 ]] || fail "missing pid: exit $rc, want 1"
grep -q "no process with pid 2147483647" "$out" || fail "missing pid: $(cat "$out")"
set +e
"$PROCWATCH" tree -f pid,comm > /dev/null 2> "$out"; rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bad --fields: exit $rc, want 2"
echo "PASS"
