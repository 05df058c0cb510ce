#!/usr/bin/env bash
# Files that are not readable recordings: one clear line, exit code 1, and
# the file byte-for-byte unchanged, for record, replay, top --db, report and
# export alike. Needs no root: the file is checked before any BPF work.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fixture="$(dirname "$0")/../fixtures/db/v1.db"

printf 'just some text\n' > "$work/text.db"
head -c 5000 "$fixture" > "$work/truncated.db"
python3 - "$work" "$fixture" <<'PY'
import shutil, sqlite3, sys
work, fixture = sys.argv[1], sys.argv[2]
con = sqlite3.connect(work + "/foreign.db")
con.execute("CREATE TABLE contacts(name TEXT)")
con.commit(); con.close()
shutil.copy(fixture, work + "/newer.db")
con = sqlite3.connect(work + "/newer.db")
con.execute("PRAGMA user_version = 99")
con.execute("UPDATE meta SET value = '42' WHERE key = 'read_compat'")
con.commit(); con.close()
data = bytearray(open(fixture, "rb").read())
for i in range(8192, len(data)):
    data[i] = (i * 7919) & 0xff
open(work + "/corrupt.db", "wb").write(data)
PY

check() {  # check FILE PATTERN COMMAND...
  local file=$1 pattern=$2; shift 2
  local before after msg rc
  before=$(sha256sum < "$file")
  set +e
  msg=$("$@" 2>&1 >/dev/null)
  rc=$?
  set -e
  after=$(sha256sum < "$file")
  [[ $rc == 1 ]] || fail "$* exited $rc: $msg"
  [[ $(wc -l <<< "$msg") == 1 ]] || fail "$*: more than one line: $msg"
  grep -q -- "$pattern" <<< "$msg" || fail "$*: said '$msg', expected '$pattern'"
  [[ $before == "$after" ]] || fail "$*: the file was changed"
  [[ ! -e $file-wal ]] || fail "$*: left a -wal file"
}

for f in text:"not a SQLite database" truncated:"truncated recording" \
         foreign:"SQLite database of another program" newer:"newer procwatch (schema version 99)"; do
  name=${f%%:*}; pattern=${f#*:}
  file="$work/$name.db"
  check "$file" "$pattern" "$PROCWATCH" record -o "$file" --duration 1s
  check "$file" "$pattern" "$PROCWATCH" top --db "$file" --once
  check "$file" "$pattern" "$PROCWATCH" report "$file" --format json
  check "$file" "$pattern" "$PROCWATCH" export "$file"
done
check "$work/corrupt.db" "damaged" "$PROCWATCH" record -o "$work/corrupt.db" --duration 1s
check "$work/corrupt.db" "damaged\|malformed" "$PROCWATCH" report "$work/corrupt.db" --format json
check "$work/missing.db" "no such file" "$PROCWATCH" top --db "$work/missing.db" --once 2>/dev/null || true
echo "PASS"
