#include "analyze/leak_detector.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "analyze/robust_stats.h"

namespace pw {

void LeakDetector::add(double t_s, double bytes, const LeakOptions& o) {
  if (has_latest_ && t_s <= latest_t_) return;  // out of order: ignore
  latest_t_ = t_s;
  latest_y_ = bytes;
  has_latest_ = true;
  if (t_.empty() || t_s - t_.back() >= step_s_) {
    t_.push_back(t_s);
    y_.push_back(bytes);
  }
  // Slide: drop what fell out of the window (keeping the two newest).
  std::size_t drop = 0;
  while (drop + 2 < t_.size() && t_[drop] < t_s - o.window_s) ++drop;
  if (drop > 0) {
    t_.erase(t_.begin(), t_.begin() + static_cast<std::ptrdiff_t>(drop));
    y_.erase(y_.begin(), y_.begin() + static_cast<std::ptrdiff_t>(drop));
  }
  if (t_.size() >= kMaxPoints) {
    // Keep every other point, the newest always; spacing doubles.
    std::size_t out = 0;
    for (std::size_t i = t_.size() % 2 == 0 ? 1 : 0; i < t_.size(); i += 2, ++out) {
      t_[out] = t_[i];
      y_[out] = y_[i];
    }
    t_.resize(out);
    y_.resize(out);
    step_s_ = out > 1 ? (t_.back() - t_.front()) / static_cast<double>(out - 1) : step_s_;
  }
}

void LeakDetector::clear() {
  t_.clear();
  y_.clear();
  step_s_ = 0;
  has_latest_ = false;
}

LeakVerdict LeakDetector::evaluate(const LeakOptions& o) const {
  LeakVerdict v;
  if (!has_latest_) {
    v.reason = "no samples";
    return v;
  }
  // O(1) checks first, without copying: most processes end here.
  const bool latest_extra = t_.back() != latest_t_;
  v.points = t_.size() + (latest_extra ? 1 : 0);
  v.window_s = latest_t_ - t_.front();
  v.current_bytes = latest_y_;
  if (v.points < o.min_samples || v.window_s < o.min_duration_s) {
    v.reason = "warming up";
    return v;
  }
  if (latest_y_ - y_.front() < o.min_growth_bytes) {
    v.reason = "not growing";
    return v;
  }
  // The series plus the latest observation when spacing kept it out.
  std::vector<double> t(t_), y(y_);
  if (latest_extra) {
    t.push_back(latest_t_);
    y.push_back(latest_y_);
  }
  const double lowest = *std::min_element(y.begin(), y.end());
  const double highest = *std::max_element(y.begin(), y.end());
  v.rate_bytes_per_s = theil_sen_slope(t, y, o.max_pairs);
  v.first_bytes = theil_sen_intercept(t, y, v.rate_bytes_per_s) + v.rate_bytes_per_s * t.front();
  if (v.rate_bytes_per_s < o.min_rate_bytes_per_s) {
    v.reason = "growth below the minimum rate";
    return v;
  }
  const MannKendall mk = mann_kendall(y);
  v.z = mk.z;
  v.p_value = mk.p_value;
  if (mk.z <= 0 || mk.p_value > o.max_p_value) {
    v.reason = "no significant monotonic trend";
    return v;
  }
  // Plateau: has the growth stopped recently?
  const double recent_span = std::max(v.window_s / 3, o.min_duration_s / 2);
  std::size_t from = t.size();
  while (from > 0 && t[from - 1] >= t.back() - recent_span) --from;
  from = std::min(from, t.size() - std::min<std::size_t>(t.size(), 4));
  const std::span<const double> rt(t.data() + from, t.size() - from);
  const std::span<const double> ry(y.data() + from, y.size() - from);
  v.recent_rate_bytes_per_s = theil_sen_slope(rt, ry, o.max_pairs);
  if (v.recent_rate_bytes_per_s < o.recent_share * v.rate_bytes_per_s) {
    v.reason = "growth has slowed (plateau)";
    return v;
  }
  // Sawtooth: memory given back inside the window.
  v.drawdown_bytes = max_drawdown(y);
  if (v.drawdown_bytes > o.max_drawdown_share * (highest - lowest)) {
    v.reason = "memory is given back (sawtooth)";
    return v;
  }
  v.suspected = true;
  v.reason = "growing";
  return v;
}

}  // namespace pw
