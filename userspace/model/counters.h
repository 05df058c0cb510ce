// The per-process numbers procwatch records. Every stage (collect, store,
// model, view) refers to one by this id, so a new counter is one line here
// (and in counter_infos) plus where it is filled. Most are cumulative
// counters (the model turns their deltas into rates); a few are gauges, a
// level at the time of the sample (RSS), which the model shows as they are.
// Ids are stable: the store keys on the name, so only ever append.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pw {

enum class Counter : std::uint8_t {
  RuntimeNs,   // on-CPU time (sum_exec_runtime)
  UtimeNs,     // user CPU time
  StimeNs,     // system CPU time
  VolCtxSw,    // voluntary context switches
  InvolCtxSw,  // involuntary context switches
  RunqWaitNs,  // time runnable but waiting for a CPU
  RunqWaits,   // number of run-queue waits
  OffCpuNs,    // time blocked (sleeping / waiting for IO)
  MinFlt,      // minor page faults
  MajFlt,      // major page faults
  ReadBytes,   // bytes read from storage
  WriteBytes,  // bytes written to storage (buffered: when dirtied; direct: when submitted)
  // Block layer (bio submitted by the process itself).
  BlockReadOps,     // read requests submitted
  BlockWriteOps,    // write requests submitted
  BlockReadBytes,   // bytes in read bios submitted
  BlockWriteBytes,  // bytes in write bios submitted (direct IO, sync writeback by the process)
  // Network (socket layer, payload bytes, TCP + UDP + unix).
  NetTxBytes,
  NetRxBytes,
  NetTxCalls,       // successful send calls
  NetRxCalls,       // successful receive calls
  TcpActiveOpens,   // connect() to SYN_SENT
  TcpPassiveOpens,  // SYN_RECV to ESTABLISHED on a socket of this process
  TcpCloses,        // transitions to CLOSE
  TcpRetransmits,   // segments retransmitted on this process's sockets
  TcpResets,        // RST sent or received
  // Memory (gauges are marked in counter_infos).
  RssAnonBytes,   // gauge
  RssFileBytes,   // gauge
  RssShmemBytes,  // gauge
  RssPeakBytes,   // gauge: VmHWM
  SwapBytes,      // gauge
  VmSizeBytes,    // gauge: total mapped
  MmapBytes,      // bytes requested by mmap()
  MunmapBytes,    // bytes released by munmap()
  BrkGrowBytes,   // net heap growth through brk() (increases only)
  kCount,
};

inline constexpr std::size_t kCounterCount = static_cast<std::size_t>(Counter::kCount);

enum class CounterKind : std::uint8_t { Cumulative, Gauge };

struct CounterInfo {
  Counter id;
  std::string_view name;  // stable: the store and exporters key on it
  std::string_view unit;  // "ns", "bytes", "count"
  CounterKind kind = CounterKind::Cumulative;
};

inline bool is_gauge(Counter c);

const std::array<CounterInfo, kCounterCount>& counter_infos();

inline bool is_gauge(Counter c) {
  return counter_infos()[static_cast<std::size_t>(c)].kind == CounterKind::Gauge;
}

// A set of cumulative counters where "not measured" differs from zero.
class CounterSet {
 public:
  void set(Counter c, std::uint64_t v) {
    values_[index(c)] = v;
    present_.set(index(c));
  }
  void add(Counter c, std::uint64_t v) { set(c, get_or_zero(c) + v); }
  void clear(Counter c) {
    values_[index(c)] = 0;
    present_.reset(index(c));
  }
  std::optional<std::uint64_t> get(Counter c) const {
    if (!present_.test(index(c))) return std::nullopt;
    return values_[index(c)];
  }
  std::uint64_t get_or_zero(Counter c) const { return values_[index(c)]; }
  bool has(Counter c) const { return present_.test(index(c)); }
  bool operator==(const CounterSet&) const = default;

 private:
  static std::size_t index(Counter c) { return static_cast<std::size_t>(c); }
  std::array<std::uint64_t, kCounterCount> values_{};
  std::bitset<kCounterCount> present_;
};

}  // namespace pw
