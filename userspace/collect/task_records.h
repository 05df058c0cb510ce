// Decoding of what the kernel side hands over: task-iterator records
// (one per thread) and ring-buffer lifecycle events. Pure functions over
// bytes, so they are unit-tested without BPF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "model/sample.h"

namespace pw {

// Which kernel programs were loaded: counters of programs that were not
// are left absent (shown as "-"), never reported as zero.
struct DecodeOptions {
  bool sched_measured = true;   // scheduler programs: run-queue, off-CPU
  bool block_measured = true;   // block_bio_queue: block ops/bytes
  bool net_measured = true;     // socket send/recv and TCP connect
  bool memsys_measured = true;  // mmap/munmap/brk
  bool keep_threads = false;    // fill ProcessSample::threads
};

// The one-letter state /proc shows, from task __state | exit_state bits.
char task_state_letter(std::uint32_t state_bits);

// Sums one iterator pass into one ProcessSample per process, fed in chunks
// as they are read (records may straddle chunks), so a pass over 10,000
// processes never sits whole in memory.
class TaskRecordAggregator {
 public:
  // expected_processes: capacity reserved up front (the previous pass's
  // count), so the result is not grown by doubling.
  explicit TaskRecordAggregator(const DecodeOptions& options, std::size_t expected_processes = 0);
  void feed(std::span<const char> bytes);
  // The processes; a truncated trailing record is ignored (its size in
  // *bad_bytes if given).
  std::vector<ProcessSample> finish(std::size_t* bad_bytes = nullptr);

 private:
  static std::size_t record_size(std::span<const char> bytes);
  void add_record(const char* data);

  DecodeOptions options_;
  std::vector<ProcessSample> out_;
  std::unordered_map<std::uint32_t, std::size_t> index_;  // tgid -> out_ position
  std::vector<char> carry_;  // the start of a record the next chunk completes
};

// The same over one buffer holding a whole pass.
std::vector<ProcessSample> aggregate_task_records(std::span<const char> bytes,
                                                  const DecodeOptions& options,
                                                  std::size_t* bad_bytes = nullptr);

struct DecodedEvent {
  LifecycleEvent event;
  std::optional<ProcessSample> exited;  // final totals, for exit events
};

std::optional<DecodedEvent> decode_event(const void* data, std::size_t size,
                                         const DecodeOptions& options);

// Socket iterator records -> (owner tgid, connection).
struct OwnedConnection {
  std::uint32_t owner_tgid = 0;
  Connection connection;
};
std::vector<OwnedConnection> decode_socket_records(std::span<const char> bytes);

// "127.0.0.1:80" / "[::1]:443" from raw address bytes (network order).
std::string format_endpoint(std::uint16_t family, const std::uint8_t* addr, std::uint16_t port);
// TCP state names as in ss(8) / include/net/tcp_states.h.
std::string tcp_state_name(std::uint8_t state);

}  // namespace pw
