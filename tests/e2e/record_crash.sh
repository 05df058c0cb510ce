#!/usr/bin/env bash
# SIGINT and SIGTERM end a recording cleanly; after kill -9 the file is a
# valid recording that lost at most the interval in flight, and recording
# into it again appends a new session.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
require_root
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

db_query() {  # db_query FILE SQL: one value, read-only
  python3 - "$@" <<'PY'
import sqlite3, sys
con = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
print(con.execute(sys.argv[2]).fetchone()[0])
PY
}

for sig in INT TERM; do
  "$PROCWATCH" record -o "$work/$sig.db" -d 0.5s -q &
  pid=$!
  sleep 2.2
  kill -"$sig" "$pid"
  wait "$pid" || fail "record exited with $? on SIG$sig"
  [[ ! -e $work/$sig.db-wal ]] || fail "SIG$sig: the WAL was not checkpointed"
  [[ $(db_query "$work/$sig.db" "SELECT end_reason FROM sessions") == signal ]] \
    || fail "SIG$sig: session not closed"
  n=$(db_query "$work/$sig.db" "SELECT count(*) FROM samples")
  ((n >= 4)) || fail "SIG$sig: only $n samples in 2.2 s at 0.5 s"
done

# kill -9 in the middle: no clean close.
"$PROCWATCH" record -o "$work/k.db" -d 0.5s -q &
pid=$!
sleep 3.2
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
[[ $(db_query "$work/k.db" "PRAGMA integrity_check") == ok ]] || fail "integrity_check failed"
n=$(db_query "$work/k.db" "SELECT count(*) FROM samples")
# Samples at 0, 0.5, ... 3.0 s: 7; at most the one in flight may be lost.
((n >= 6)) || fail "only $n samples survived kill -9 after 3.2 s at 0.5 s"
[[ $(db_query "$work/k.db" "SELECT end_wall_ns IS NULL FROM sessions") == 1 ]] \
  || fail "a killed session should have no end time"
"$PROCWATCH" top --db "$work/k.db" --once --json > "$work/k.json" || fail "top --db after kill -9"
json_check "$work/k.json" "len(doc['processes']) > 10"
# Every sample decodes.
"$PROCWATCH" top --db "$work/k.db" --json --fields pid > "$work/all.json" || fail "reading every sample"
json_check "$work/all.json" "len(docs) == $n - 1"

# Recording again into the same file appends a second session.
"$PROCWATCH" record -o "$work/k.db" --duration 1s -d 0.5s -q || fail "append after kill -9"
[[ $(db_query "$work/k.db" "SELECT count(*) FROM sessions") == 2 ]] || fail "no second session"
"$PROCWATCH" top --db "$work/k.db" --session 1 --once --json > /dev/null || fail "old session"
echo "PASS"
