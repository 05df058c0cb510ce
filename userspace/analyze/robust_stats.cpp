#include "analyze/robust_stats.h"

#include <algorithm>
#include <cmath>

namespace pw {

double median_inplace(std::span<double> v) {
  if (v.empty()) return 0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double hi = v[mid];
  if (v.size() % 2 == 1) return hi;
  // The lower middle is the largest element left of mid after nth_element.
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lo + (hi - lo) / 2;  // no overflow to inf for huge values
}

double median(std::span<const double> values) {
  std::vector<double> copy(values.begin(), values.end());
  return median_inplace(copy);
}

double median_abs_deviation(std::span<const double> values, double center) {
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double x : values) dev.push_back(std::fabs(x - center));
  return median_inplace(dev);
}

namespace {

// splitmix64: a fixed, fast generator, so a subsampled slope is
// reproducible (the same recording always gives the same findings).
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

double theil_sen_slope(std::span<const double> t, std::span<const double> y,
                       std::size_t max_pairs) {
  const std::size_t n = std::min(t.size(), y.size());
  if (n < 2) return 0;
  std::vector<double> slopes;
  const std::size_t all_pairs = n * (n - 1) / 2;
  auto add = [&](std::size_t i, std::size_t j) {
    const double dt = t[j] - t[i];
    if (dt != 0) slopes.push_back((y[j] - y[i]) / dt);
  };
  if (all_pairs <= max_pairs || max_pairs == 0) {
    slopes.reserve(all_pairs);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) add(i, j);
  } else {
    slopes.reserve(max_pairs);
    std::uint64_t state = n;
    while (slopes.size() < max_pairs) {
      const std::size_t i = splitmix64(state) % n;
      const std::size_t j = splitmix64(state) % n;
      if (i == j) continue;
      add(std::min(i, j), std::max(i, j));
      if (slopes.empty() && t[0] == t[n - 1]) return 0;  // every time equal
    }
  }
  return median_inplace(slopes);
}

double theil_sen_intercept(std::span<const double> t, std::span<const double> y, double slope) {
  const std::size_t n = std::min(t.size(), y.size());
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n; ++i) r[i] = y[i] - slope * t[i];
  return median_inplace(r);
}

MannKendall mann_kendall(std::span<const double> y) {
  MannKendall mk;
  const std::size_t n = y.size();
  if (n < 3) return mk;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j) mk.s += (y[j] > y[i]) - (y[j] < y[i]);
  // Ties (a flat RSS repeats one page count many times) shrink the
  // variance of S: Var = [n(n-1)(2n+5) - sum t(t-1)(2t+5)] / 18.
  std::vector<double> sorted(y.begin(), y.end());
  std::sort(sorted.begin(), sorted.end());
  double ties = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t k = i + 1;
    while (k < n && sorted[k] == sorted[i]) ++k;
    const double g = static_cast<double>(k - i);
    ties += g * (g - 1) * (2 * g + 5);
    i = k;
  }
  const double dn = static_cast<double>(n);
  mk.variance = (dn * (dn - 1) * (2 * dn + 5) - ties) / 18.0;
  if (mk.variance <= 0) return mk;  // every value equal
  const double sd = std::sqrt(mk.variance);
  if (mk.s > 0)
    mk.z = static_cast<double>(mk.s - 1) / sd;
  else if (mk.s < 0)
    mk.z = static_cast<double>(mk.s + 1) / sd;
  mk.p_value = std::erfc(std::fabs(mk.z) / std::sqrt(2.0));
  return mk;
}

double max_drawdown(std::span<const double> y) {
  double peak = y.empty() ? 0 : y[0];
  double worst = 0;
  for (double v : y) {
    peak = std::max(peak, v);
    worst = std::max(worst, peak - v);
  }
  return worst;
}

}  // namespace pw
