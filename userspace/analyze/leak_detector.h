// Tier-1 leak detection on one process's anonymous RSS: a robust slope
// (Theil-Sen) and a monotonic-trend test (Mann-Kendall) over a sliding
// window, plus the two checks that tell a leak from memory that is merely
// busy: a cache that grows and then plateaus (the recent part of the window
// must still grow at a rate consistent with the whole window) and a
// sawtooth that a free or GC cycle brings back down (no large fall from a
// peak inside the window).
//
// Cost: add() is O(1) amortized; evaluate() is O(1) for a series that is
// not growing (most processes) and O(n^2) with n <= kMaxPoints otherwise.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pw {

struct LeakOptions {
  double window_s = 300;                    // the series kept
  double min_duration_s = 20;               // span needed before any verdict
  std::size_t min_samples = 8;              // points needed before any verdict
  double min_rate_bytes_per_s = 16 * 1024;  // slower growth is not reported
  double min_growth_bytes = 1 << 20;        // nor a total rise below this
  double max_p_value = 1e-3;                // Mann-Kendall significance
  // Plateau check: the slope of the recent part (the last third of the
  // window, at least min_duration_s / 2) must be at least this share of
  // the whole window's slope.
  double recent_share = 0.5;
  // Sawtooth check: the largest fall from a peak may be at most this share
  // of the window's range (a leak never gives memory back).
  double max_drawdown_share = 0.2;
  std::size_t max_pairs = 2048;  // Theil-Sen subsampling cap
};

struct LeakVerdict {
  bool suspected = false;
  std::string reason;           // why not (or "growing"): for evidence and tests
  double rate_bytes_per_s = 0;  // Theil-Sen slope over the window
  double recent_rate_bytes_per_s = 0;
  double z = 0, p_value = 1;  // Mann-Kendall
  double window_s = 0;
  double first_bytes = 0;    // fitted level at the window's start
  double current_bytes = 0;  // latest value
  double drawdown_bytes = 0;
  std::size_t points = 0;
};

class LeakDetector {
 public:
  static constexpr std::size_t kMaxPoints = 64;

  // One observation: time in seconds (any origin, increasing), bytes.
  void add(double t_s, double bytes, const LeakOptions& options);
  LeakVerdict evaluate(const LeakOptions& options) const;
  void clear();
  std::size_t size() const { return t_.size(); }

 private:
  // Oldest first. Downsampled when full: every other point is dropped and
  // the spacing doubles, so a long window costs at most kMaxPoints points.
  std::vector<double> t_, y_;
  double step_s_ = 0;
  double latest_t_ = 0, latest_y_ = 0;
  bool has_latest_ = false;
};

}  // namespace pw
