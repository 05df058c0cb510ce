// All of procwatch's kernel side, loaded and attached: the scheduler
// programs, the lifecycle events and the task iterator. Each part loads on
// its own; a part that cannot load is switched off and named in notices(),
// the rest keeps working.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/error.h"
#include "probe/object_loader.h"

namespace pw {

struct ProbeOptions {
  std::size_t ringbuf_bytes = 1 << 20;     // lifecycle event ring; power of 2
  bool scheduler = true;                   // run-queue latency / off-CPU programs
  bool lifecycle = true;                   // fork/exec/exit events
  bool task_iterator = true;               // exact per-thread counters
  bool block_io = true;                    // per-process, per-device block IO
  bool network = true;                     // socket bytes, TCP events, connections
  bool memory = true;                      // mmap/munmap/brk
  bool oom = true;                         // OOM kill events (needs lifecycle)
  std::string lifecycle_variant = "auto";  // auto | tp_btf | raw_tp
  // Programs not to load, "program" or "object:program" (e.g.
  // "net:dump_sockets"), to use a fallback on purpose. The environment
  // variable PROCWATCH_DISABLE_PROGRAMS (comma-separated) adds to these.
  std::vector<std::string> disabled_programs;
};

// Each program of one object and how it fared (object_loader.h).
struct ObjectPrograms {
  std::string object;
  bool loaded = false;
  std::vector<ProgramOutcome> programs;  // empty when the object did not load
};

// One (process, device) entry of the io_stats map.
struct IoStatsEntry {
  std::uint32_t tgid = 0;  // 0: kernel writeback / unknown submitter
  std::uint32_t dev = 0;   // kernel dev_t
  std::uint64_t read_bytes = 0, write_bytes = 0, read_ops = 0, write_ops = 0;
  std::array<std::uint64_t, 32> latency{};  // log2 ns buckets
};

struct TcpEventsEntry {
  std::uint32_t tgid = 0;
  std::uint64_t passive_opens = 0, closes = 0, retransmits = 0, resets = 0;
};

struct ProgramStats {
  std::string name;             // program name as in the .bpf.c
  std::string object;           // "sched", "lifecycle", "tasks"
  std::uint64_t run_count = 0;  // needs BPF stats enabled
  std::uint64_t run_time_ns = 0;
};

// How full one of procwatch's BPF maps is.
struct MapOccupancy {
  std::string name;    // map name as in the .bpf.c
  std::string object;  // first object that declares it ("io", "net", ...)
  std::uint32_t max_entries = 0;
  // Local-storage maps (task, socket) and ring buffers cannot be counted
  // from userspace: no value.
  std::optional<std::uint64_t> entries;
};

class ProbeSet {
 public:
  // Runs the preflight checks (throws FatalError with one sentence when
  // procwatch cannot work at all), then loads what this kernel supports.
  explicit ProbeSet(const ProbeOptions& options);
  ~ProbeSet();
  ProbeSet(const ProbeSet&) = delete;
  ProbeSet& operator=(const ProbeSet&) = delete;

  bool has_scheduler() const;
  bool has_lifecycle() const;
  bool has_task_iterator() const;
  bool has_block_io() const;
  bool has_network() const;
  bool has_memory() const;
  bool has_oom() const;
  std::string lifecycle_variant() const;  // "tp_btf", "raw_tp" or ""
  // What is degraded and why, one sentence each.
  const std::vector<std::string>& notices() const;

  // One pass of the task iterator: raw pw_thread_record bytes, handed to
  // `sink` a read() at a time (a record may straddle two). Time-based
  // figures (off-CPU) are computed up to `now_ns` (CLOCK_MONOTONIC).
  using ChunkSink = std::function<void(std::span<const char>)>;
  Status read_task_records(const ChunkSink& sink, std::uint64_t now_ns);
  // The same, the whole pass into one buffer.
  Status read_task_records(std::vector<char>& out, std::uint64_t now_ns);

  // Detaches ("net", "io", "mem", "sched") or re-attaches an optional
  // object's programs; used by the CPU budget. False if not loaded.
  bool set_attached(const std::string& object, bool attached);
  bool is_attached(const std::string& object) const;

  // Samples an optional object's high-rate events ("sched": run-queue
  // histogram; "net": socket bytes and calls; "io": bio bytes and ops,
  // request latency; "mem": mmap/munmap/brk). Shift 0 counts every event;
  // k counts one event in 2^k, chosen at random in the kernel, scaled by
  // 2^k, so totals stay unbiased estimates. Rare events (TCP state changes,
  // retransmits, resets, lifecycle, OOM) are always exact. The shift is
  // clamped to 0..6 and takes effect at once. False if the object is not
  // loaded. sample_shift() is 0 for an object that is not loaded.
  bool set_sample_shift(const std::string& object, unsigned shift);
  unsigned sample_shift(const std::string& object) const;

  // Block IO per (process, device) and TCP events per owner, as totals.
  std::vector<IoStatsEntry> read_io_stats() const;
  std::vector<TcpEventsEntry> read_tcp_events() const;
  // Drops the map entries of processes that are gone (bounded maps).
  void forget_processes(const std::vector<std::uint32_t>& tgids);

  // The connection list as raw pw_socket_record bytes: from the socket
  // iterator, or from sock_diag joined with the cookie map when the kernel
  // refused the iterator.
  Status read_socket_records(std::vector<char>& out);
  // "socket-storage iterator", "sock_diag netlink", or "" (no list).
  std::string connection_source() const;

  // Every program of every object: attached, detached, refused (errno and
  // reason), disabled by the user, or unused on this kernel.
  std::vector<ObjectPrograms> programs() const;

  // Delivers each pending lifecycle event (raw bytes) to the handler.
  // Returns the number consumed. Does not block.
  int consume_events(const std::function<void(const void*, std::size_t)>& handler);

  // Lifecycle events lost because the ring buffer was full, all CPUs.
  std::uint64_t dropped_events() const;

  // Per-program cost counters (zero unless BPF stats are enabled).
  std::vector<ProgramStats> program_stats() const;

  // Entries in each of procwatch's keyed maps (hash, LRU), listed once
  // even when shared. Walks every key: call when someone looks, not on
  // every sample.
  std::vector<MapOccupancy> map_occupancy() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Holds kernel BPF run-time statistics on while alive (they cost a little).
class BpfStatsScope {
 public:
  BpfStatsScope();
  ~BpfStatsScope();
  bool active() const { return fd_ >= 0; }
  BpfStatsScope(const BpfStatsScope&) = delete;
  BpfStatsScope& operator=(const BpfStatsScope&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace pw
