// Where the views get their Models from: a live collector or (later) a
// recording. The views never talk to BPF, /proc or SQLite directly.
#pragma once

#include <string>
#include <vector>

#include "model/model.h"

namespace pw {

class ModelFeed {
 public:
  virtual ~ModelFeed() = default;
  // Takes a new Sample now and derives the Model against the previous one.
  // The first call has no previous Sample, so its rates are absent.
  virtual Model next() = 0;
  // Called often (every ~100 ms) between refreshes: drain event buffers.
  virtual void tick() {}
  // One line each about what is degraded or notable ("scheduler latency
  // unavailable: ..."); shown under the header.
  virtual std::vector<std::string> notices() const { return {}; }
  // The feed may ask for a longer refresh interval (the CPU budget):
  // views wait interval_s * interval_scale() between refreshes.
  virtual double interval_scale() const { return 1.0; }
  // Someone is looking at procwatch's own cost (top's O view): a live feed
  // measures its BPF programs and maps while this is on.
  virtual void watch_self(bool /*on*/) {}
};

}  // namespace pw
