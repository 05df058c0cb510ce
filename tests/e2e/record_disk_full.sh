#!/usr/bin/env bash
# A recording on a file system that fills up: one clear error, exit 1, and
# every sample written before is intact and readable.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
mnt=$(mktemp -d)
work=$(mktemp -d)
mount -t tmpfs -o size=1m procwatch-test-full "$mnt" || { echo "SKIP: cannot mount tmpfs"; exit 77; }
trap 'umount "$mnt"; rmdir "$mnt"; rm -rf "$work"' EXIT

set +e
msg=$(timeout 120 "$PROCWATCH" record -o "$mnt/full.db" -d 0.1s 2>&1)
rc=$?
set -e
[[ $rc == 1 ]] || fail "record on a full disk exited $rc: $msg"
grep -q "disk full" <<< "$msg" || fail "no 'disk full' in: $msg"
grep -q "samples written before are intact" <<< "$msg" || fail "message: $msg"
"$PROCWATCH" top --db "$mnt/full.db" --json --fields pid > "$work/full.json" 2>&1 \
  || { cat "$work/full.json"; fail "the recording is not readable"; }
written=$(sed -n 's/.*the \([0-9]*\) samples written before.*/\1/p' <<< "$msg")
((written >= 3)) || fail "only ${written:-?} samples before the disk was full: $msg"
# Every sample written is there: one frame per sample after the first.
json_check "$work/full.json" "len(docs) == $written - 1" \
  "all(len(d['processes']) > 5 for d in docs)"
echo "PASS"
