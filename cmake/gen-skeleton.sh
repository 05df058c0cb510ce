#!/bin/sh
# gen-skeleton.sh BPFTOOL LINKED_OBJECT SKELETON_NAME OUTPUT_HEADER
# Writes the skeleton beside its final name and renames it into place only
# on success, so an interrupted or failed run never leaves half a header.
set -eu
bpftool=$1 obj=$2 name=$3 out=$4
trap 'rm -f "$out.tmp"' EXIT
"$bpftool" gen skeleton "$obj" name "$name" > "$out.tmp"
mv "$out.tmp" "$out"
trap - EXIT
