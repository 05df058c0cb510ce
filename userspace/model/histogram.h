// A log2 latency histogram: bucket k counts values in [2^k, 2^(k+1)) ns,
// the same layout the BPF side fills (PW_HIST_BUCKETS).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace pw {

class Log2Histogram {
 public:
  static constexpr int kBuckets = 32;

  void add(int bucket, std::uint64_t count) { buckets_[bucket] += count; }
  std::uint64_t bucket(int k) const { return buckets_[k]; }
  std::uint64_t total() const;
  bool empty() const { return total() == 0; }

  // Value (ns) below which a fraction q (0..1] of the samples fall,
  // interpolated linearly inside the bucket. nullopt when empty.
  std::optional<double> quantile_ns(double q) const;

  // this - older, bucket by bucket, clamped at zero (a process that exec'd
  // or a reused PID restarts its histogram).
  Log2Histogram minus(const Log2Histogram& older) const;

  bool operator==(const Log2Histogram&) const = default;

 private:
  std::array<std::uint64_t, kBuckets> buckets_{};
};

}  // namespace pw
