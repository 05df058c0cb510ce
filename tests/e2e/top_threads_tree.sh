#!/usr/bin/env bash
# top -H -p PID shows every thread of PID, each with its own run-queue
# latency and written as a thread (its name), not as a kernel thread
# ([name]); top --tree -p PID shows PID's subtree, as `tree -p` does.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
progs=$(dirname "$PROCWATCH")/tests/testprogs
[[ -x $progs/busy ]] || fail "test programs not built: $progs/busy"
work=$(mktemp -d)
busy=
cleanup() { [[ -n $busy ]] && kill "$busy" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Three spinning threads on this machine's CPUs: each waits in the run
# queue, so each has a latency of its own.
"$progs/busy" 3 6000 > /dev/null &
busy=$!
sleep 0.3
"$PROCWATCH" top -H -p "$busy" --once -d 1 --json --fields pid,ppid,comm,cmdline,runq_p50_us \
  > "$work/threads.json" || fail "top -H -p failed"
json_check "$work/threads.json" \
  "len(doc['processes']) == 3" \
  "sorted(p['pid'] for p in doc['processes'])[0] == $busy" \
  "all(p['pid'] == $busy or p['ppid'] == $busy for p in doc['processes'])" \
  "all(not p['cmdline'].startswith('[') for p in doc['processes'])" \
  "sum(p['runq_p50_us'] is not None for p in doc['processes']) >= 2"
"$PROCWATCH" top -H -p "$busy" --once -d 0.5 -b --fields pid,cmdline > "$work/threads.txt"
grep -q '\[busy\]' "$work/threads.txt" && fail "thread rows written like kernel threads: $(cat "$work/threads.txt")"

# This shell's subtree holds the busy process; without --tree only the shell.
"$PROCWATCH" top --once --tree -p $$ -d 0.3 --json --fields pid,ppid > "$work/tree.json" \
  || fail "top --tree -p failed"
json_check "$work/tree.json" \
  "doc['processes'][0]['pid'] == $$" \
  "any(p['pid'] == $busy for p in doc['processes'])"
"$PROCWATCH" top --once -p $$ -d 0.3 --json --fields pid > "$work/flat.json"
json_check "$work/flat.json" "[p['pid'] for p in doc['processes']] == [$$]"
echo "PASS"
