#!/usr/bin/env bash
# Bad input gets a clear message and the documented usage exit code 2 (never
# CLI11's own 101-115: a systemd unit with RestartPreventExitStatus=2 must
# not restart-loop on a typo), before any BPF work, for every subcommand.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$(dirname "$0")/../fixtures/db/v1.db" "$work/rec.db"

expect_error() {  # expect_error PATTERN ARGS...: exit 2, one line matching PATTERN
  local pattern=$1; shift
  set +e
  msg=$("$PROCWATCH" "$@" 2>&1 >/dev/null </dev/null)
  rc=$?
  set -e
  [[ $rc -eq 2 ]] || fail "'$*' exited $rc (expected 2): $msg"
  [[ $(wc -l <<< "$msg") == 1 ]] || fail "'$*': more than one line: $msg"
  grep -q -- "$pattern" <<< "$msg" || fail "'$*' said: $msg"
}

# Field and option values checked by procwatch itself.
expect_error "unknown field 'nope'" top --once --fields pid,nope
expect_error "unknown field 'bogus'" top --once --sort bogus
expect_error "interval" top --once -d 0
expect_error "power of two" top --once --ringbuf-kib 3
expect_error "^procwatch: -n must be at least 1" top -n 0
expect_error "^procwatch: -n must be at least 1" top -n -5
expect_error "^procwatch: -n must be at least 1" top --db "$work/rec.db" -n 0
expect_error "\-w must be" top --once -w -1

# The reported CLI11 codes: 109 (unknown option), 104 (bad number), 106
# (no subcommand), and the other parse errors, for every subcommand.
expect_error "^procwatch top: .*--bogus.*procwatch top --help" top --bogus
expect_error "^procwatch top: .*abc" top -d abc
expect_error "^procwatch top: .*--view" top --view nope
expect_error "^procwatch top: .*--csv" top --json --csv
expect_error "^procwatch top: .*iterations" top -n
expect_error "^procwatch tree: .*--bogus" tree --bogus
expect_error "^procwatch tree: .*abc" tree -d abc
expect_error "^procwatch tree: .*--json" tree --live --json
expect_error "^procwatch record: .*required" record
expect_error "^procwatch record: .*--bogus" record -o "$work/x.db" --bogus
expect_error "^procwatch record: .*abc" record -o "$work/x.db" --queue abc
expect_error "^procwatch replay: .*required" replay
expect_error "^procwatch replay: .*--bogus" replay "$work/rec.db" --bogus
expect_error "^procwatch report: .*required" report
expect_error "^procwatch report: .*--format" report "$work/rec.db" --format pdf
expect_error "^procwatch report: .*abc" report "$work/rec.db" --top abc
expect_error "^procwatch export: .*--table" export "$work/rec.db" --table nope
expect_error "^procwatch export: .*--bogus" export "$work/rec.db" --bogus
expect_error "^procwatch status: .*abc" status -d abc
expect_error "^procwatch status: .*--bogus" status --bogus
expect_error "^procwatch daemon: .*abc" daemon -d abc
expect_error "^procwatch daemon: .*--cpu-budget" daemon --cpu-budget 0
expect_error "^procwatch daemon: .*--bogus" daemon --bogus
expect_error "^procwatch fields: .*--bogus" fields --bogus
expect_error "^procwatch analyze: .*required" analyze
expect_error "^procwatch analyze: .*--bogus" analyze "$work/rec.db" --bogus
expect_error "^procwatch leaks: .*--bogus" leaks --bogus
expect_error "^procwatch leaks: .*abc" leaks -p abc
expect_error "cannot resolve 'no-such-host.invalid'" daemon --listen no-such-host.invalid:10464
expect_error "is not ADDRESS:PORT" daemon --listen 10464

# Without a subcommand, or with one that does not exist.
expect_error "^procwatch: unknown subcommand 'bogus'; the subcommands are: top, fields, tree, record, replay, report, export, status, daemon, config, analyze, leaks" bogus
expect_error "unknown subcommand 'bogus'" -v bogus
expect_error "^procwatch: give a subcommand: top, "
expect_error "^procwatch: unknown option '--bogus'" --bogus

# Without a terminal: what to run instead, before any BPF work.
expect_error "the live view needs a terminal; use --once" top
expect_error "needs a terminal; for scripts use procwatch top --db FILE --once" replay "$work/rec.db"

# Help and version are not errors.
"$PROCWATCH" --help > "$work/help" || fail "--help exited $?"
grep -q "block IO" "$work/help" || fail "--help does not describe procwatch: $(head -3 "$work/help")"
grep -q "network" "$work/help" || fail "--help does not mention the network"
"$PROCWATCH" top --help > /dev/null || fail "top --help exited $?"
"$PROCWATCH" --version | grep -q '^procwatch ' || fail "--version"

# Capture first: with pipefail, `grep -q` closing the pipe early would turn
# procwatch's SIGPIPE into a spurious failure.
fields=$("$PROCWATCH" fields)
grep -q '^cpu_pct ' <<< "$fields" || fail "fields lists no cpu_pct"
echo "PASS"
