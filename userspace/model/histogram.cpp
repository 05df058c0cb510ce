#include "model/histogram.h"

#include <cmath>

namespace pw {

std::uint64_t Log2Histogram::total() const {
  std::uint64_t sum = 0;
  for (auto b : buckets_) sum += b;
  return sum;
}

std::optional<double> Log2Histogram::quantile_ns(double q) const {
  const std::uint64_t n = total();
  if (n == 0) return std::nullopt;
  if (q <= 0) q = 1e-9;
  if (q > 1) q = 1;
  const double target = q * static_cast<double>(n);
  double seen = 0;
  for (int k = 0; k < kBuckets; ++k) {
    const auto count = static_cast<double>(buckets_[k]);
    if (count == 0) continue;
    if (seen + count >= target) {
      const double lo = k == 0 ? 0.0 : std::ldexp(1.0, k);
      const double hi = std::ldexp(1.0, k + 1);
      return lo + (hi - lo) * ((target - seen) / count);
    }
    seen += count;
  }
  return std::ldexp(1.0, kBuckets);
}

Log2Histogram Log2Histogram::minus(const Log2Histogram& older) const {
  Log2Histogram d;
  for (int k = 0; k < kBuckets; ++k)
    d.buckets_[k] = buckets_[k] >= older.buckets_[k] ? buckets_[k] - older.buckets_[k] : 0;
  return d;
}

}  // namespace pw
