#!/usr/bin/env bash
# Bad input gets a clear message and a usage exit code, before any BPF work.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
expect_error() {  # expect_error PATTERN ARGS...
  local pattern=$1; shift
  set +e
  msg=$("$PROCWATCH" "$@" 2>&1 >/dev/null)
  rc=$?
  set -e
  [[ $rc -ne 0 ]] || fail "'$*' exited 0"
  grep -q -- "$pattern" <<< "$msg" || fail "'$*' said: $msg"
}
expect_error "unknown field 'nope'" top --once --fields pid,nope
expect_error "unknown field 'bogus'" top --once --sort bogus
expect_error "interval" top --once -d 0
expect_error "power of two" top --once --ringbuf-kib 3
# Capture first: with pipefail, `grep -q` closing the pipe early would turn
# procwatch's SIGPIPE into a spurious failure.
fields=$("$PROCWATCH" fields)
grep -q '^cpu_pct ' <<< "$fields" || fail "fields lists no cpu_pct"
echo "PASS"
