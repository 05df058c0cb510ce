#!/usr/bin/env bash
# `cmake --install` and the CPack .deb: both hold a procwatch that runs,
# stripped, with its shared-library dependencies declared.
source "$(dirname "$0")/lib.sh"
PROCWATCH=$1
build=$(dirname "$PROCWATCH")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

DESTDIR=$work/root cmake --install "$build" --prefix /usr/local > "$work/install.log" 2>&1 \
  || fail "cmake --install: $(tail -n 3 "$work/install.log")"
installed=$work/root/usr/local/sbin/procwatch
[[ -x $installed ]] || fail "cmake --install put no procwatch in sbin"
"$installed" --version | grep -q '^procwatch [0-9]' || fail "installed binary does not run"

cpack --config "$build/CPackConfig.cmake" -B "$work/pkg" > "$work/cpack.log" 2>&1 \
  || fail "cpack: $(tail -n 5 "$work/cpack.log")"
deb=$(ls "$work"/pkg/procwatch_*_*.deb 2>/dev/null | head -n 1)
[[ -n $deb ]] || fail "cpack made no .deb: $(tail -n 3 "$work/cpack.log")"
contents=$(dpkg-deb -c "$deb")
grep -q ' ./usr/sbin/procwatch$' <<<"$contents" || fail ".deb has no /usr/sbin/procwatch"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libbpf1 libsqlite3-0 libncursesw6 libcpp-httplib0.11; do
  grep -q "$lib" <<<"$depends" || fail ".deb does not depend on $lib: $depends"
done
dpkg-deb -x "$deb" "$work/deb"
"$work/deb/usr/sbin/procwatch" --version | grep -q '^procwatch [0-9]' || fail "packaged binary does not run"
readelf -S "$work/deb/usr/sbin/procwatch" | grep -q "\.debug_info" && fail "packaged binary is not stripped"
echo "PASS"
