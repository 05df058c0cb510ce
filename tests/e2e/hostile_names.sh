#!/usr/bin/env bash
# Process names with escape sequences, HTML and invalid UTF-8 never reach
# the terminal raw: batch text output contains no ESC byte and no C0
# control other than newline; JSON output parses and keeps the name.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
dir=$(mktemp -d); out=$(mktemp)
cleanup() { kill "${victims[@]}" 2>/dev/null || true; rm -rf "$dir" "$out"; }
victims=()
trap cleanup EXIT

hostile=$'\e[2J\e]0;pwned\a<b>x'
cp /bin/sleep "$dir/$hostile"
"$dir/$hostile" 300 & victims+=($!)
badutf8=$'\xff\xfe'"sleep"
cp /bin/sleep "$dir/$badutf8"
"$dir/$badutf8" 300 & victims+=($!)
sleep 0.2

"$PROCWATCH" top --once -d 0.3 --fields pid,comm,cmdline --filter "pid=${victims[0]}" > "$out"
grep -q "${victims[0]}" "$out" || { cat "$out"; fail "hostile process not listed"; }
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$out"; then
  od -c "$out" | head -20; fail "control bytes reached the output"
fi
grep -q '\\x1b\[2J' "$out" || { cat "$out"; fail "escape not shown visibly"; }

"$PROCWATCH" top --once --json -d 0.3 --fields pid,comm > "$out"
json_check "$out" "any(p['pid'] == ${victims[1]} for p in doc['processes'])"
echo "PASS"
