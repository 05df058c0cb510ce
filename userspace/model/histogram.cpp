#include "model/histogram.h"

#include <cmath>

namespace pw {

void Log2Histogram::add(int bucket, std::uint64_t count) {
  if (count == 0 || bucket < 0 || bucket >= kBuckets) return;
  if (counts_.empty()) {
    first_ = static_cast<std::uint8_t>(bucket);
    counts_.assign(1, count);
    return;
  }
  if (bucket < first_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(first_ - bucket), 0);
    first_ = static_cast<std::uint8_t>(bucket);
  } else if (const auto end = static_cast<std::size_t>(bucket - first_) + 1; end > counts_.size()) {
    counts_.resize(end, 0);
  }
  counts_[static_cast<std::size_t>(bucket - first_)] += count;
}

void Log2Histogram::add_all(const std::array<std::uint64_t, kBuckets>& counts) {
  int lo = kBuckets, hi = -1;
  for (int k = 0; k < kBuckets; ++k) {
    if (counts[k] == 0) continue;
    if (lo == kBuckets) lo = k;
    hi = k;
  }
  if (hi < 0) return;
  if (!counts_.empty()) {
    lo = std::min<int>(lo, first_);
    hi = std::max<int>(hi, first_ + static_cast<int>(counts_.size()) - 1);
  }
  std::vector<std::uint64_t> merged(static_cast<std::size_t>(hi - lo + 1), 0);
  for (int k = lo; k <= hi; ++k) merged[static_cast<std::size_t>(k - lo)] = bucket(k) + counts[k];
  counts_ = std::move(merged);
  first_ = static_cast<std::uint8_t>(lo);
}

std::uint64_t Log2Histogram::total() const {
  std::uint64_t sum = 0;
  for (auto b : counts_) sum += b;
  return sum;
}

std::optional<double> Log2Histogram::quantile_ns(double q) const {
  const std::uint64_t n = total();
  if (n == 0) return std::nullopt;
  if (q <= 0) q = 1e-9;
  if (q > 1) q = 1;
  const double target = q * static_cast<double>(n);
  double seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    const auto count = static_cast<double>(counts_[i]);
    if (count == 0) continue;
    if (seen + count >= target) {
      const int k = first_ + static_cast<int>(i);
      const double lo = k == 0 ? 0.0 : std::ldexp(1.0, k);
      const double hi = std::ldexp(1.0, k + 1);
      return lo + (hi - lo) * ((target - seen) / count);
    }
    seen += count;
  }
  return std::ldexp(1.0, kBuckets);
}

Log2Histogram Log2Histogram::minus(const Log2Histogram& older) const {
  std::array<std::uint64_t, kBuckets> d{};
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    const int k = first_ + static_cast<int>(i);
    const std::uint64_t was = older.bucket(k);
    d[k] = counts_[i] >= was ? counts_[i] - was : 0;
  }
  Log2Histogram out;
  out.add_all(d);
  return out;
}

bool Log2Histogram::operator==(const Log2Histogram& other) const {
  for (int k = 0; k < kBuckets; ++k)
    if (bucket(k) != other.bucket(k)) return false;
  return true;
}

}  // namespace pw
