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
  [[ ! -e $file-shm ]] || fail "$*: left a -shm file"
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

# Where a recording cannot be written: the reason, not SQLite's "unable to
# open database file", before any BPF work.
cant_record() {  # cant_record PATH PATTERN
  local msg rc
  set +e
  msg=$("$PROCWATCH" record -o "$1" --duration 1s 2>&1 >/dev/null)
  rc=$?
  set -e
  [[ $rc == 1 ]] || fail "record -o $1 exited $rc: $msg"
  [[ $(wc -l <<< "$msg") == 1 ]] || fail "record -o $1: more than one line: $msg"
  grep -q -- "$2" <<< "$msg" || fail "record -o $1: said '$msg', expected '$2'"
  grep -q "unable to open database file" <<< "$msg" && fail "record -o $1: SQLite's words: $msg"
  [[ ! -e $1 ]] || fail "record -o $1 created the file"
}
cant_record "$work/no/such/dir/x.db" "the directory $work/no/such/dir does not exist"
cant_record "$work/text.db/x.db" "$work/text.db is not a directory"
cant_record /proc/x.db "/proc is on the proc virtual file system"
if [[ $(id -u) == 0 ]]; then
  mkdir "$work/ro"
  if mount -t tmpfs -o ro,size=1m tmpfs "$work/ro" 2>/dev/null; then
    cant_record "$work/ro/x.db" "$work/ro is on a read-only file system"
    umount "$work/ro"
  fi
  chmod 755 "$work"; mkdir -m 755 "$work/locked"
  if command -v setpriv > /dev/null; then
    set +e
    msg=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
          "$PROCWATCH" record -o "$work/locked/x.db" --duration 1s 2>&1 >/dev/null)
    set -e
    grep -q "permission denied: this user cannot create or write files in $work/locked" <<< "$msg" \
      || fail "record as nobody into a root directory said: $msg"
  fi
fi

# Reading a good recording (the v1 fixture) creates nothing beside it: no
# FILE-wal, no FILE-shm, and the file unchanged.
cp "$fixture" "$work/good.db"
before=$(sha256sum < "$work/good.db")
"$PROCWATCH" top --db "$work/good.db" --once > /dev/null || fail "top --db on the fixture"
"$PROCWATCH" top --db "$work/good.db" --csv > /dev/null || fail "top --db --csv on the fixture"
"$PROCWATCH" report "$work/good.db" --format json > /dev/null || fail "report on the fixture"
"$PROCWATCH" export "$work/good.db" --table events > /dev/null || fail "export on the fixture"
"$PROCWATCH" tree --db "$work/good.db" > /dev/null || fail "tree --db on the fixture"
for f in "$work/good.db-wal" "$work/good.db-shm"; do
  [[ ! -e $f ]] || fail "a reader left $(basename "$f") beside the recording"
done
[[ $(sha256sum < "$work/good.db") == "$before" ]] || fail "a reader changed the recording"
echo "PASS"
