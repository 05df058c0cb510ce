"""Scrapes a procwatch daemon's /metrics once and parses it with the
official Prometheus parser (python3-prometheus-client), so a format error
fails the test. That parser is lenient (it takes an invalid escape in a
label value, a repeated label, a trailing extra field), so every line is held
to the 0.0.4 grammar here. Right after the scrape it reads the daemon's own
memory and CPU time from /proc, for comparison.

Usage: prom_scrape.py URL [PID]  ->  JSON on stdout:
  {"status": 200, "samples": [[name, {labels}, value], ...],
   "proc": {"vmrss_bytes": N, "cpu_ticks": N, "clk_tck": N}}
Exit 3 when nothing answers (the daemon is still starting); a non-200
answer is reported in "status" with no samples.
"""
import json
import os
import re
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
NUMBER = r"(?:[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|NaN|[+-]Inf)"
SAMPLE = re.compile(rf"({NAME})(?:\{{({LABEL}(?:,{LABEL})*)?\}})? ({NUMBER})")


def check_grammar(text):
    """Strict 0.0.4: HELP then TYPE once per family, its samples together
    after them, valid escapes, unique label names, one value, no timestamp."""
    if not text.endswith("\n"):
        sys.exit("the exposition does not end in a newline")
    # Valid in the grammar, but procwatch promises never to send them raw.
    if re.search(r"[\x00-\x09\x0b-\x1f\x7f]", text):
        sys.exit("a raw control byte in the exposition")
    seen, current, typed, series = set(), None, False, set()
    for line in text[:-1].split("\n"):
        m = re.fullmatch(rf"# HELP ({NAME}) (.*)", line)
        if m:
            if m.group(1) in seen:
                sys.exit(f"family twice: {line}")
            seen.add(m.group(1))
            current, typed = m.group(1), False
            if re.search(r"\\[^\\n]", m.group(2).replace("\\\\", "")):
                sys.exit(f"bad escape in HELP: {line}")
            continue
        m = re.fullmatch(rf"# TYPE ({NAME}) (counter|gauge)", line)
        if m:
            if m.group(1) != current or typed:
                sys.exit(f"TYPE not right after its HELP: {line}")
            if m.group(2) == "counter" and not current.endswith("_total"):
                sys.exit(f"counter without _total: {line}")
            typed = True
            continue
        m = SAMPLE.fullmatch(line)
        if not m or m.group(1) != current or not typed:
            sys.exit(f"not a sample of the current family: {line!r}")
        labels = re.findall(LABEL, m.group(2) or "")
        names = [k for k, _ in labels]
        if len(names) != len(set(names)):
            sys.exit(f"a label twice: {line}")
        key = (current, tuple(sorted(labels)))
        if key in series:
            sys.exit(f"duplicate series: {line}")
        series.add(key)


url = sys.argv[1]
pid = int(sys.argv[2]) if len(sys.argv) > 2 else None
try:
    with urllib.request.urlopen(url, timeout=5) as r:
        status, ctype, body = r.status, r.headers.get("Content-Type"), r.read()
except urllib.error.HTTPError as e:
    print(json.dumps({"status": e.code, "samples": []}))
    sys.exit(0)
except (urllib.error.URLError, ConnectionError, TimeoutError):
    sys.exit(3)

proc = None
if pid:
    with open(f"/proc/{pid}/status") as f:
        rss_kib = next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
    with open(f"/proc/{pid}/stat") as f:
        # Fields after the command (which may hold spaces): utime, stime are 14, 15.
        rest = f.read().rsplit(")", 1)[1].split()
    proc = {"vmrss_bytes": rss_kib * 1024, "cpu_ticks": int(rest[11]) + int(rest[12]),
            "clk_tck": os.sysconf("SC_CLK_TCK")}

if ctype != "text/plain; version=0.0.4; charset=utf-8":
    sys.exit(f"Content-Type {ctype!r}")
text = body.decode("utf-8")  # invalid UTF-8 fails here
check_grammar(text)
samples = []
for family in text_string_to_metric_families(text):
    if not family.documentation:
        sys.exit(f"family {family.name} has no HELP")
    for s in family.samples:
        samples.append([s.name, s.labels, s.value])
print(json.dumps({"status": status, "samples": samples, "proc": proc}))
