// Anomaly detection on one metric of one process (or of the system): an
// online robust baseline and a score per interval.
//
// Baseline: an EWMA of the value and an EWMA of the absolute deviation from
// it (an online stand-in for the median absolute deviation; for normal data
// it is 0.80 sigma, so the scale is 1.2533 x it). Updates are clipped to
// baseline +- 3 scales (a Huber-type update), so a spike does not drag the
// baseline with it, yet a lasting change is learned.
// Score: (value - baseline) / max(scale, floor). The floor (an absolute
// amount per metric, or a share of the baseline) keeps a perfectly steady
// series from turning its noise into anomalies.
// Warm-up: the first `warmup` intervals average evenly (EWMA weight 1/n)
// and raise nothing; afterwards the weight is `alpha`. There is no separate
// training phase: a baseline exists from the first interval.
#pragma once

#include <cstdint>
#include <string_view>

namespace pw {

struct AnomalyOptions {
  double alpha = 0.05;                // EWMA weight after warm-up (~20 intervals memory)
  std::uint32_t warmup = 10;          // intervals before anything is raised
  double spike_score = 6;             // one interval this far above: a spike
  double shift_score = 4;             // this far above...
  std::uint32_t shift_intervals = 5;  // ...this many intervals in a row: a level shift
  double end_score = 3;               // an anomaly ends when the score falls below
  double clip_score = 3;              // baseline updates are clipped to +- this
};

// How far a value must be above the baseline before it counts at all.
struct MetricFloor {
  double absolute = 0;  // in the metric's unit
  double relative = 0;  // share of the baseline
};

enum class AnomalyState : std::uint8_t { Normal, Warming, Spike, LevelShift };

struct Observation {
  AnomalyState state = AnomalyState::Normal;
  double score = 0;
  double baseline = 0;    // before this value was learned
  std::uint32_t run = 0;  // consecutive intervals at or above shift_score
};

class MetricBaseline {
 public:
  Observation observe(double value, const AnomalyOptions& o, const MetricFloor& floor);
  double mean() const { return mean_; }
  double scale(const MetricFloor& floor) const;
  std::uint32_t samples() const { return n_; }
  bool anomalous() const { return anomalous_; }
  // After a level shift: learn the new level from scratch, short warm-up.
  void rebase(double value);

 private:
  double mean_ = 0;
  double absdev_ = 0;
  std::uint32_t n_ = 0;
  std::uint32_t run_ = 0;
  bool anomalous_ = false;
};

}  // namespace pw
