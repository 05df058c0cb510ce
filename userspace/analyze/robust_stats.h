// Robust statistics for the detectors: estimates that a few wild points do
// not move (Theil-Sen, median, MAD) and a rank test for a monotonic trend
// (Mann-Kendall) that assumes no distribution. All take plain spans, so
// they are tested on synthetic series without any of procwatch around them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pw {

// Median of `values` (reordered in place); 0 for an empty span.
double median_inplace(std::span<double> values);
double median(std::span<const double> values);
// Median absolute deviation from `center`, unscaled (x 1.4826 estimates the
// standard deviation of normal data).
double median_abs_deviation(std::span<const double> values, double center);

// Theil-Sen slope: the median of the slopes of all pairs (i < j) with
// t[j] != t[i]. Breakdown point ~29%: up to that share of outliers cannot
// carry it anywhere. O(n^2) pairs; above `max_pairs` a fixed pseudo-random
// subset of max_pairs pairs is used (the same series gives the same slope).
// Returns 0 with fewer than 2 distinct times.
double theil_sen_slope(std::span<const double> t, std::span<const double> y,
                       std::size_t max_pairs = 4096);
// The intercept that goes with a slope: median of y - slope * t.
double theil_sen_intercept(std::span<const double> t, std::span<const double> y, double slope);

struct MannKendall {
  std::int64_t s = 0;   // sum of sign(y[j] - y[i]) over i < j
  double variance = 0;  // of S under "no trend", with the tie correction
  double z = 0;         // continuity-corrected: (S -/+ 1) / sqrt(variance)
  // Two-sided p-value of z under the normal approximation (fine from n ~ 10).
  double p_value = 1;
};
// The test over y in time order. n < 3 gives s = 0, z = 0, p = 1.
MannKendall mann_kendall(std::span<const double> y);

// Largest fall from a running peak to a later point (>= 0): how far a free
// cycle brought the series back down.
double max_drawdown(std::span<const double> y);

}  // namespace pw
