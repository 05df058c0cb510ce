#!/usr/bin/env bash
# `procwatch config check`: the shipped config is valid (exit 0, a summary);
# bad files exit 2 and name file:line:column and the key for each error;
# `daemon --config` refuses a bad file with exit 2 before loading BPF.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
here=$(dirname "$0")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

out=$("$PROCWATCH" config check "$here/../../deploy/procwatch.toml") || fail "deploy/procwatch.toml rejected: $out"
grep -q "valid" <<< "$out" || fail "no summary: $out"
grep -q "rules: 3" <<< "$out" || fail "expected 3 rules: $out"

cat > "$work/bad.toml" <<'TOML'
[daemon]
interval = "1s"

[[rule]]
name = "x"
field = "cpu_pctt"
warning = 5
for = "-1s"
match = { cmdline_regex = "(unclosed" }
colour = "red"

[[hook]]
type = "alertmanager"
TOML
set +e
msg=$("$PROCWATCH" config check "$work/bad.toml" 2>&1 >/dev/null)
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bad config exited $rc (expected 2): $msg"
expect_line() { grep -qF -- "$1" <<< "$msg" || fail "missing '$1' in: $msg"; }
expect_line "$work/bad.toml:6:9: key 'rule[0].field': unknown field 'cpu_pctt'"
expect_line "$work/bad.toml:8:7: key 'rule[0].for': a duration cannot be negative"
expect_line "$work/bad.toml:9:"
expect_line "key 'rule[0].match.cmdline_regex': bad regular expression"
expect_line "$work/bad.toml:10:10: key 'rule[0].colour': unknown key"
expect_line "$work/bad.toml:12:1: key 'hook[0].url': a hook of type alertmanager needs 'url'"
expect_line "5 error(s)"

printf '[daemon]\ninterval = \n' > "$work/syntax.toml"
set +e
msg=$("$PROCWATCH" config check "$work/syntax.toml" 2>&1 >/dev/null); rc=$?
set -e
[[ $rc -eq 2 ]] || fail "syntax error exited $rc"
expect_line "$work/syntax.toml:2:"

set +e
msg=$("$PROCWATCH" config check "$work/missing.toml" 2>&1 >/dev/null); rc=$?
set -e
[[ $rc -eq 2 ]] || fail "missing file exited $rc"
expect_line "cannot open"

# The daemon refuses the bad file the same way, before any BPF work.
set +e
msg=$("$PROCWATCH" daemon --config "$work/bad.toml" --listen 127.0.0.1:0 2>&1 </dev/null); rc=$?
set -e
[[ $rc -eq 2 ]] || fail "daemon with a bad config exited $rc: $msg"
expect_line "unknown field 'cpu_pctt'"
echo "PASS"
