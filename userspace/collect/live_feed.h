// The live ModelFeed: a Collector plus the previous Sample.
#pragma once

#include <memory>

#include "collect/collector.h"
#include "view/model_feed.h"

namespace pw {

class LiveFeed : public ModelFeed {
 public:
  explicit LiveFeed(Collector& collector) : collector_(collector) {}
  Model next() override;
  void tick() override { collector_.drain_events(); }
  std::vector<std::string> notices() const override { return collector_.notices(); }

 private:
  Collector& collector_;
  std::shared_ptr<const Sample> previous_;
};

}  // namespace pw
