#!/usr/bin/env bash
# What the commands print around their output, on the v1 fixture recording
# (no root needed): report and export -o say what they wrote on a terminal
# and nothing in a script; top --csv frames start with their timestamp;
# batch text is cut to -w N (to the terminal's width on a terminal); the
# field list's columns never run into each other.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
command -v script > /dev/null || { echo "SKIP: script(1) is not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$(dirname "$0")/../fixtures/db/v1.db" "$work/rec.db"
max_width() {  # max_width FILE: the longest line, in code points
  python3 -c 'import sys; print(max((len(l) for l in open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()), default=0))' "$1"
}
on_tty() {  # on_tty COMMAND...: run it on a pseudo-terminal, print what it showed
  local cmd
  printf -v cmd '%q ' "$@"
  script -qec "stty cols 100 rows 40; $cmd" /dev/null | tr -d '\r'
}

# report -o: one line naming the file and its size on a terminal.
out=$(on_tty "$PROCWATCH" report "$work/rec.db" --format json -o "$work/r.json")
[[ -s $work/r.json ]] || fail "report -o wrote nothing"
grep -Eq "^procwatch: wrote the JSON report of session [0-9]+ \([0-9]+ samples\) to $work/r.json \([0-9.]+ [kMG]?B\)$" <<< "$out" \
  || fail "report -o on a terminal said: '$out'"
out=$(on_tty "$PROCWATCH" report "$work/rec.db" -o "$work/r.html")
grep -q "wrote the HTML report .* to $work/r.html" <<< "$out" || fail "report html said: '$out'"
# In a script: silent.
msg=$("$PROCWATCH" report "$work/rec.db" --format csv -o "$work/r.csv" 2>&1)
[[ -z $msg ]] || fail "report -o in a script printed: $msg"
# export -o the same way.
out=$(on_tty "$PROCWATCH" export "$work/rec.db" --table events -o "$work/e.csv")
grep -Eq "^procwatch: wrote [0-9]+ events rows of session [0-9]+ as CSV to $work/e.csv" <<< "$out" \
  || fail "export -o on a terminal said: '$out'"
msg=$("$PROCWATCH" export "$work/rec.db" -o "$work/p.csv" 2>&1)
[[ -z $msg ]] || fail "export -o in a script printed: $msg"
# Raw exit status columns of the events table.
head -1 "$work/e.csv" | grep -q ',exit_code,signal,wait_status,' || fail "events header: $(head -1 "$work/e.csv")"

# top --csv over several frames: timestamp_ns first, different per frame.
"$PROCWATCH" top --db "$work/rec.db" --csv --fields pid,comm,cpu_pct > "$work/all.csv"
python3 - "$work/all.csv" <<'PY' || fail "top --csv timestamps"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8", errors="replace")))
assert rows[0] == ["timestamp_ns", "pid", "comm", "cpu_pct"], rows[0]
stamps = {r[0] for r in rows[1:]}
assert len(stamps) >= 2, "one timestamp for %d rows" % (len(rows) - 1)
assert all(s.isdigit() and int(s) > 10**18 for s in stamps), stamps
PY

# Batch text: -w N cuts every line; 0 and no -w (not a terminal) do not.
"$PROCWATCH" top --db "$work/rec.db" -b -n 2 -w 60 > "$work/w60.txt"
w=$(max_width "$work/w60.txt")
((w <= 60)) || fail "top -b -w 60 wrote lines of $w columns"
grep -Eq "PID +(F +)?USER" "$work/w60.txt" || fail "top -b -w 60 lost the table"
"$PROCWATCH" top --db "$work/rec.db" -b -n 1 -w 0 > "$work/w0.txt"
"$PROCWATCH" top --db "$work/rec.db" -b -n 1 > "$work/wdef.txt"
cmp -s "$work/w0.txt" "$work/wdef.txt" || fail "no -w off a terminal should not cut lines"
# On a terminal: its width (100 columns here).
on_tty "$PROCWATCH" top --db "$work/rec.db" -b -n 1 > "$work/tty.txt"
w=$(max_width "$work/tty.txt")
((w <= 100)) || fail "top -b on a 100-column terminal wrote lines of $w columns"
w=$(max_width "$work/w0.txt")
((w > 100)) || fail "the fixture has no long line to cut ($w columns): the test proves nothing"

# procwatch fields: every title starts in the same column, after a space.
"$PROCWATCH" fields > "$work/fields.txt"
python3 - "$work/fields.txt" <<'PY' || fail "procwatch fields columns"
import sys
lines = open(sys.argv[1]).read().splitlines()
cols = set()
for l in lines:
    name = l.split(" ", 1)[0]
    rest = l[len(name):]
    assert rest.startswith(" "), "name runs into the title: " + l
    cols.add(len(name) + len(rest) - len(rest.lstrip(" ")))
assert len(cols) == 1, "titles start in columns %s" % sorted(cols)
state = [l for l in lines if l.startswith("state ")][0]
for letter in "RSDTIZX":
    assert (" %s " % letter) in state, letter + " missing: " + state
PY
echo "PASS"
