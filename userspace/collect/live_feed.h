// The live ModelFeed: a Collector plus the previous Sample.
#pragma once

#include <memory>

#include "collect/collector.h"
#include "view/model_feed.h"

namespace pw {

class LiveFeed : public ModelFeed {
 public:
  // threads_as_rows: one row per thread (top -H); the collector must keep
  // thread detail (CollectorOptions::keep_threads).
  explicit LiveFeed(Collector& collector, bool threads_as_rows = false)
      : collector_(collector), threads_as_rows_(threads_as_rows) {}
  Model next() override;
  void tick() override { collector_.drain_events(); }
  std::vector<std::string> notices() const override { return collector_.notices(); }

 private:
  Collector& collector_;
  bool threads_as_rows_;
  std::shared_ptr<const Sample> previous_;
};

}  // namespace pw
