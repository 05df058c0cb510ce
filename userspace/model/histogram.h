// A log2 latency histogram: bucket k counts values in [2^k, 2^(k+1)) ns,
// the same layout the BPF side fills (PW_HIST_BUCKETS).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace pw {

class Log2Histogram {
 public:
  static constexpr int kBuckets = 32;

  // Out-of-range buckets are ignored.
  void add(int bucket, std::uint64_t count);
  // All buckets at once (one allocation), as the BPF side hands them over.
  void add_all(const std::array<std::uint64_t, kBuckets>& counts);
  std::uint64_t bucket(int k) const {
    const int i = k - first_;
    return i >= 0 && i < static_cast<int>(counts_.size()) ? counts_[i] : 0;
  }
  std::uint64_t total() const;
  bool empty() const { return total() == 0; }

  // Value (ns) below which a fraction q (0..1] of the samples fall,
  // interpolated linearly inside the bucket. nullopt when empty.
  std::optional<double> quantile_ns(double q) const;

  // this - older, bucket by bucket, clamped at zero (a process that exec'd
  // or a reused PID restarts its histogram).
  Log2Histogram minus(const Log2Histogram& older) const;

  // Equal bucket values, however they are stored.
  bool operator==(const Log2Histogram& other) const;

 private:
  // Only the buckets from the lowest to the highest non-zero one are kept:
  // a process holds two histograms in every Sample and every Model row, most
  // of them empty (IO) or a dozen buckets wide (run queue), and at 10,000
  // processes 32 fixed buckets were a fifth of procwatch's memory.
  std::vector<std::uint64_t> counts_;
  std::uint8_t first_ = 0;  // bucket of counts_[0]
};

}  // namespace pw
