#!/usr/bin/env bash
# `procwatch top --once --json` prints valid JSON that contains procwatch's
# own process, with the fields it was asked for.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
out=$(mktemp); trap 'rm -f "$out"' EXIT

"$PROCWATCH" top --once --json -d 0.5 > "$out" &
pid=$!
wait $pid || fail "procwatch exited with $?"
json_check "$out" \
  "len(docs) == 1" \
  "any(p['pid'] == $pid for p in doc['processes'])" \
  "all('cpu_pct' in p and 'cmdline' in p for p in doc['processes'])" \
  "doc['interval_s'] > 0.4"

# A chosen field list, sorted by pid, one frame per line with -n 2.
"$PROCWATCH" top -n 2 --json -d 0.2 --fields pid,comm,cpu_pct,runq_p99_us --sort pid --asc > "$out"
json_check "$out" \
  "len(docs) == 2" \
  "all(sorted(p.keys()) == ['comm', 'cpu_pct', 'pid', 'runq_p99_us'] for p in doc['processes'])" \
  "[p['pid'] for p in doc['processes']] == sorted(p['pid'] for p in doc['processes'])"
echo "PASS"
