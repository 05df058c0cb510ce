// The hand-over from the collection loop to the serve stage. The loop
// publishes each new Model; HTTP handlers take the latest snapshot and
// render from it on their own thread. Publishing swaps pointers under a
// mutex held for nothing else, so a slow scrape never holds up collection,
// and a Model stays alive while a handler still reads it.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "model/model.h"

namespace pw {

class ModelBoard {
 public:
  struct Snapshot {
    std::shared_ptr<const Model> model;  // null until the first publish
    // Map occupancy from the last interval that counted it (BPF statistics
    // on, one interval in ten by default); null before the first such one.
    std::shared_ptr<const std::vector<MapUsage>> counted_maps;
  };

  void publish(std::shared_ptr<const Model> model);
  Snapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  Snapshot latest_;
};

}  // namespace pw
