// Decoding of what the kernel side hands over: task-iterator records
// (one per thread) and ring-buffer lifecycle events. Pure functions over
// bytes, so they are unit-tested without BPF.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "model/sample.h"

namespace pw {

struct DecodeOptions {
  bool sched_measured = true;  // scheduler programs loaded: their counters are real
  bool keep_threads = false;   // fill ProcessSample::threads
};

// The one-letter state /proc shows, from task __state | exit_state bits.
char task_state_letter(std::uint32_t state_bits);

// Sums one iterator pass into one ProcessSample per process. Truncated or
// malformed trailing bytes are ignored (counted in *bad_bytes if given).
std::vector<ProcessSample> aggregate_task_records(std::span<const char> bytes,
                                                  const DecodeOptions& options,
                                                  std::size_t* bad_bytes = nullptr);

struct DecodedEvent {
  LifecycleEvent event;
  std::optional<ProcessSample> exited;  // final totals, for exit events
};

std::optional<DecodedEvent> decode_event(const void* data, std::size_t size,
                                         const DecodeOptions& options);

}  // namespace pw
