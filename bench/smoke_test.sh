#!/bin/sh
# CTest bench_smoke: scripts/bench end to end in its quick mode (one round,
# tiny workloads, every part). Passes when the script exits 0 and writes a
# JSON document with the expected sections; a peer missing here is a skip
# inside the document, not a failure. Timings are never checked: on a noisy
# VM they mean nothing at this size.
#   smoke_test.sh SOURCE_DIR BUILD_DIR
set -eu
source_dir=$1
build_dir=$2

if [ "$(id -u)" -ne 0 ]; then
  echo "bench_smoke: needs root (BPF programs and tracers); skipped"
  exit 77
fi

out=$(mktemp /tmp/procwatch-bench-smoke.XXXXXX.json)
trap 'rm -f "$out"' EXIT
rm -f "$out"

BENCH_QUICK=1 BENCH_OUT="$out" PROCWATCH_BUILD_DIR="$build_dir" "$source_dir/scripts/bench"

/usr/bin/python3 - "$out" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
missing = [k for k in ("machine", "settings", "pipe", "churn", "io", "net", "malloc",
                       "bpf_event_cost", "occupancy", "userspace_scaling", "skipped")
           if k not in doc]
if missing:
    sys.exit(f"bench_smoke: JSON lacks {missing}")
print(f"bench_smoke: JSON ok ({len(doc['skipped'])} part(s) skipped)")
EOF
