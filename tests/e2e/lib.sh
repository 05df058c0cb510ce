# Shared helpers for the end-to-end tests; each test is a bash script that
# runs the real procwatch binary. Usage: source lib.sh; PROCWATCH=path.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

# Root + BPF: run; otherwise skip (exit 77 = ctest SKIP_RETURN_CODE), or
# fail when PROCWATCH_REQUIRE_BPF=1.
require_root() {
  if [[ $(id -u) -ne 0 ]]; then
    [[ ${PROCWATCH_REQUIRE_BPF:-0} == 1 ]] && fail "root required (PROCWATCH_REQUIRE_BPF=1)"
    echo "SKIP: needs root"; exit 77
  fi
}

json_check() {  # json_check FILE PYTHON_EXPR_ON_doc...
  local file=$1; shift
  python3 - "$file" "$@" <<'PY'
import json, sys
path, *exprs = sys.argv[1:]
with open(path, encoding="utf-8") as f:
    lines = [l for l in f.read().splitlines() if l.strip()]
docs = [json.loads(l) for l in lines]
doc = docs[-1]
for e in exprs:
    if not eval(e, {"doc": doc, "docs": docs}):
        sys.exit("assertion failed: " + e)
PY
}
