#!/usr/bin/env bash
# Record a few seconds with known workloads (a busy loop, a process with a
# hostile name, short-lived processes with exit codes), then: the HTML
# report opens in headless Chromium without errors and draws its charts
# (asserted on the DOM after the scripts ran, and a screenshot is kept);
# JSON and CSV reports and the export agree with what was run.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
chromium=$(command -v chromium || command -v chromium-browser || true)
[[ -n $chromium ]] || { echo "SKIP: chromium is not installed (scripts/setup installs it)"; exit 77; }
progs=$(dirname "$PROCWATCH")/tests/testprogs
shots=$(dirname "$PROCWATCH")/tests
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# A busy loop named like markup: the report must show it as text.
cp "$progs/busy" "$work/<img src=x>"
"$work/<img src=x>" 1 6000 >/dev/null &
pids+=($!)
evil_pid=$!
"$PROCWATCH" record -o "$work/rec.db" --duration 4s -d 0.5s -q &
rec_pid=$!
sleep 1
"$progs/exitafter" 300 7 &
exit7=$!
"$progs/exitafter" 200 kill &
killed=$!
wait "$rec_pid" || fail "record failed"
{ wait "$exit7" "$killed"; } 2>/dev/null || true  # quiet: one of them is SIGKILLed

"$PROCWATCH" report "$work/rec.db" --format html -o "$work/report.html" || fail "report html"
grep -q '<canvas id="chart-cpu"' "$work/report.html" || fail "no CPU chart in the page"
grep -q '<img' "$work/report.html" && fail "a process name reached the HTML unescaped"
grep -q '&lt;img src=x&gt;' "$work/report.html" || fail "the hostile name is not shown escaped"
# Self-contained: no external scripts, styles or images.
grep -Eq '<script[^>]+src=|<link[^>]+href=|<img[^>]+src=' "$work/report.html" \
  && fail "the page loads something from outside"

chrome() {
  timeout 90 "$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --disable-extensions --user-data-dir="$work/chrome" "$@" 2>> "$work/chrome.log"
}
chrome --window-size=1280,2600 --screenshot="$work/report.png" "file://$work/report.html" \
  || fail "chromium could not take a screenshot: $(tail -3 "$work/chrome.log")"
cp "$work/report.png" "$shots/record_report.png"
size=$(stat -c %s "$work/report.png")
((size > 50000)) || fail "the screenshot is suspiciously small ($size bytes): blank page?"
chrome --dump-dom --virtual-time-budget=5000 "file://$work/report.html" > "$work/dom.html" \
  || fail "chromium --dump-dom failed"
python3 - "$work/dom.html" "$evil_pid" <<'PY' || fail "the rendered page is not right (see above)"
import re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
evil = sys.argv[2]
body = re.search(r'<body([^>]*)>', dom).group(1)
attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', body))
assert attrs.get("data-chart-errors") == "0", "JavaScript errors: %s" % re.search(
    r'<pre id="chart-errors"[^>]*>(.*?)</pre>', dom, re.S).group(1)
rendered = int(attrs.get("data-charts-rendered", "0"))
assert rendered >= 6, "only %d charts rendered" % rendered
points = {m.group(1): int(m.group(2)) for m in
          re.finditer(r'<canvas id="([\w-]+)"[^>]*data-points="(\d+)"', dom)}
for chart in ("chart-cpu", "chart-mem", "chart-procs", "chart-proc-cpu", "chart-proc-rss"):
    assert points.get(chart, 0) > 0, "chart %s has no points (%s)" % (chart, points)
assert "&lt;img src=x&gt;" in dom, "the hostile name is not in the page as text"
assert "<img" not in dom, "the hostile name became an element"
print("charts rendered: %d, points: %s" % (rendered, points))
PY

# JSON: the busy loop tops CPU; the short-lived processes exited with their
# status (exit 7; SIGKILL).
"$PROCWATCH" report "$work/rec.db" --format json -o "$work/report.json" || fail "report json"
python3 - "$work/report.json" "$evil_pid" "$exit7" "$killed" <<'PY' || fail "JSON report"
import json, sys
r = json.load(open(sys.argv[1]))
evil, exit7, killed = map(int, sys.argv[2:5])
top = r["top"]["cpu"]
assert top and top[0]["pid"] == evil and top[0]["comm"] == "<img src=x>", top[:2]
exited = {p["pid"]: p for p in r["exited"]}
assert exit7 in exited and exited[exit7]["exit_status"] == 7 << 8, exited.get(exit7)
assert killed in exited and exited[killed]["exit_status"] & 0x7f == 9, exited.get(killed)
started = {p["pid"] for p in r["started"]}
assert exit7 in started and killed in started
assert r["samples"] >= 8 and len(r["system"]["times_ns"]) == r["samples"]
PY
"$PROCWATCH" report "$work/rec.db" --format csv -o "$work/report.csv" || fail "report csv"
head -1 "$work/report.csv" | grep -q '^pid,start_ns,ppid,comm,' || fail "CSV report header"

# Export: raw cumulative counters, one row per process and sample.
"$PROCWATCH" export "$work/rec.db" -p "$evil_pid" > "$work/raw.csv" || fail "export"
python3 - "$work/raw.csv" <<'PY' || fail "export"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) >= 8, len(rows)
rt = [int(r["runtime_ns"]) for r in rows]
assert rt == sorted(rt) and rt[-1] > rt[0], rt  # cumulative, growing
assert rows[0]["comm"] == "<img src=x>"
PY
"$PROCWATCH" export "$work/rec.db" --format json --fields pid,cpu_pct -p "$evil_pid" \
  > "$work/fields.json" || fail "export --fields"
json_check "$work/fields.json" "all(set(d) == {'timestamp_ns', 'interval_s', 'pid', 'cpu_pct'} for d in docs)"
echo "PASS (screenshot: $shots/record_report.png)"
