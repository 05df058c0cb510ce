// The cumulative per-task counters procwatch records. Every stage (collect,
// store, model, view) refers to a counter by this id, so a new counter is one
// line here plus where it is filled.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pw {

enum class Counter : std::uint8_t {
  RuntimeNs,     // on-CPU time (sum_exec_runtime)
  UtimeNs,       // user CPU time
  StimeNs,       // system CPU time
  VolCtxSw,      // voluntary context switches
  InvolCtxSw,    // involuntary context switches
  RunqWaitNs,    // time runnable but waiting for a CPU
  RunqWaits,     // number of run-queue waits
  OffCpuNs,      // time blocked (sleeping / waiting for IO)
  MinFlt,        // minor page faults
  MajFlt,        // major page faults
  ReadBytes,     // bytes read from storage
  WriteBytes,    // bytes written to storage
  kCount,
};

inline constexpr std::size_t kCounterCount = static_cast<std::size_t>(Counter::kCount);

struct CounterInfo {
  Counter id;
  std::string_view name;  // stable: used as the store's column name
  std::string_view unit;  // "ns", "bytes", "count"
};

const std::array<CounterInfo, kCounterCount>& counter_infos();

// A set of cumulative counters where "not measured" differs from zero.
class CounterSet {
 public:
  void set(Counter c, std::uint64_t v) {
    values_[index(c)] = v;
    present_.set(index(c));
  }
  void add(Counter c, std::uint64_t v) { set(c, get_or_zero(c) + v); }
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
