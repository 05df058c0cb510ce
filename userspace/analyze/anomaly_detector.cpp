#include "analyze/anomaly_detector.h"

#include <algorithm>
#include <cmath>

namespace pw {

namespace {
// E|X - mu| = sigma * sqrt(2 / pi) for normal X.
constexpr double kAbsDevToSigma = 1.2533141373155003;
}  // namespace

double MetricBaseline::scale(const MetricFloor& floor) const {
  return std::max(
      {kAbsDevToSigma * absdev_, floor.absolute, floor.relative * std::fabs(mean_), 1e-12});
}

Observation MetricBaseline::observe(double x, const AnomalyOptions& o, const MetricFloor& floor) {
  Observation obs;
  obs.baseline = mean_;
  if (!std::isfinite(x)) return obs;  // a broken value teaches nothing
  const bool warm = n_ >= o.warmup;
  const double s = scale(floor);
  obs.score = warm ? (x - mean_) / s : 0;

  if (warm) {
    if (obs.score >= o.shift_score)
      ++run_;
    else
      run_ = 0;
    obs.run = run_;
    if (anomalous_) {
      anomalous_ = obs.score >= o.end_score;
    } else {
      anomalous_ = obs.score >= o.spike_score || run_ >= o.shift_intervals;
    }
    if (anomalous_)
      obs.state = run_ >= o.shift_intervals ? AnomalyState::LevelShift : AnomalyState::Spike;
  } else {
    obs.state = AnomalyState::Warming;
  }

  // Learn: evenly during warm-up, then EWMA with the clipped value.
  ++n_;
  if (n_ == 1) {
    mean_ = x;
    absdev_ = 0;
    return obs;
  }
  const double w = warm ? o.alpha : 1.0 / static_cast<double>(n_);
  const double clipped =
      warm ? std::clamp(x, mean_ - o.clip_score * s, mean_ + o.clip_score * s) : x;
  const double dev = std::fabs(clipped - mean_);
  mean_ += w * (clipped - mean_);
  absdev_ += w * (dev - absdev_);
  return obs;
}

void MetricBaseline::rebase(double value) {
  mean_ = value;
  // Keep the scale learned so far: the noise of a process seldom changes
  // with its level, and a fresh zero scale would make the floor alone rule.
  n_ = 1;
  run_ = 0;
  anomalous_ = false;
}

}  // namespace pw
