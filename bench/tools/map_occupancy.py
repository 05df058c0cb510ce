#!/usr/bin/python3
"""map_occupancy.py PID PHASE: entry counts of the BPF maps a process uses.

For the occupancy part of scripts/bench. Prints one tab-separated line per
map: PHASE, map id, name, type, max_entries, bytes_memlock, entries, note.
"entries" is empty when the map cannot be counted from userspace; the note
says why.

Which maps: the ones PID holds a file descriptor for, plus the ones its BPF
programs and links use (/proc/PID/fdinfo gives map_id and prog_id; bpftool
maps a program to its map_ids). Debian 12's bpftool is built without the
"pids" feature, so `bpftool map show` cannot name the owner itself.

How counted: hash maps with `bpftool -j map dump` (the number of keys).
Arrays always hold max_entries; a ring buffer has no entries. Task, socket,
inode and cgroup storage have no get-next-key from userspace (bpftool dumps
them as empty, which would read as a false zero): they are reported as not
countable. Their elements are freed with the task or socket they belong to,
so they are bounded by the live tasks and sockets.
"""

import json
import os
import subprocess
import sys

BPFTOOL = "/usr/sbin/bpftool" if os.path.exists("/usr/sbin/bpftool") else "bpftool"

COUNTABLE = {"hash", "lru_hash", "percpu_hash", "lru_percpu_hash", "hash_of_maps"}
FIXED = {"array", "percpu_array", "prog_array", "perf_event_array", "array_of_maps",
         "cgroup_array"}
STORAGE = {"task_storage", "sk_storage", "inode_storage", "cgrp_storage", "cgroup_storage",
           "percpu_cgroup_storage"}


def bpftool_json(*args):
    out = subprocess.run([BPFTOOL, "-j", *args], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        lines = (out.stderr or out.stdout).strip().splitlines()
        raise RuntimeError(lines[-1] if lines else "bpftool failed")
    return json.loads(out.stdout or "null")


def fdinfo_ids(pid):
    """(map ids, prog ids) of the BPF objects PID holds descriptors for."""
    maps, progs = set(), set()
    base = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(base):
        try:
            with open(os.path.join(base, fd), encoding="utf-8") as f:
                for line in f:
                    key, _, value = line.partition(":")
                    if key == "map_id":
                        maps.add(int(value))
                    elif key == "prog_id":
                        progs.add(int(value))
        except (OSError, ValueError):
            continue  # a descriptor closed while we read
    return maps, progs


def count(info):
    """(entries or None, note) for one map of `bpftool map show`."""
    kind = info.get("type", "")
    if kind in FIXED:
        return info.get("max_entries"), "array: always max_entries"
    if kind == "ringbuf":
        return None, "ring buffer: bytes, no entries"
    if kind in STORAGE:
        return None, "local storage: no key iteration from userspace; freed with its owner"
    if kind not in COUNTABLE:
        return None, f"{kind}: not counted"
    try:
        return len(bpftool_json("map", "dump", "id", str(info["id"])) or []), ""
    except (RuntimeError, ValueError, subprocess.SubprocessError) as e:
        return None, f"dump failed: {e}"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: map_occupancy.py PID PHASE")
    pid, phase = sys.argv[1], sys.argv[2]
    maps, progs = fdinfo_ids(pid)
    for prog in progs:
        try:
            maps.update(bpftool_json("prog", "show", "id", str(prog)).get("map_ids", []))
        except (RuntimeError, ValueError, subprocess.SubprocessError):
            continue  # the program went away
    for map_id in sorted(maps):
        try:
            info = bpftool_json("map", "show", "id", str(map_id))
        except (RuntimeError, ValueError, subprocess.SubprocessError):
            continue
        entries, note = count(info)
        print("\t".join(str(x) for x in (
            phase, map_id, info.get("name", ""), info.get("type", ""),
            info.get("max_entries", ""), info.get("bytes_memlock", ""),
            "" if entries is None else entries, note)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
