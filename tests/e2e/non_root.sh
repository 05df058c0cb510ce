#!/usr/bin/env bash
# Without privileges procwatch exits non-zero with one clear sentence and
# none of libbpf's noise.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root   # we need root to become someone else
err=$(mktemp); trap 'rm -f "$err"' EXIT

set +e
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
  "$PROCWATCH" top --once > /dev/null 2> "$err"
rc=$?
set -e
[[ $rc -ne 0 ]] || fail "non-root run exited 0"
lines=$(wc -l < "$err")
[[ $lines -eq 1 ]] || { cat "$err"; fail "expected one line on stderr, got $lines"; }
grep -q "needs root" "$err" || { cat "$err"; fail "message does not say root is needed"; }
grep -qi "libbpf" "$err" && fail "libbpf noise leaked"
echo "PASS"
