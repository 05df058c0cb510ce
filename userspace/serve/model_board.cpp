#include "serve/model_board.h"

#include <utility>

namespace pw {

void ModelBoard::publish(std::shared_ptr<const Model> model) {
  std::shared_ptr<const std::vector<MapUsage>> maps;
  if (model && model->sample && !model->sample->self.maps.empty())
    maps = std::make_shared<const std::vector<MapUsage>>(model->sample->self.maps);
  std::shared_ptr<const Model> old;  // the previous Model is freed outside the lock
  {
    std::lock_guard lock(mutex_);
    old = std::exchange(latest_.model, std::move(model));
    if (maps) latest_.counted_maps = std::move(maps);
  }
}

ModelBoard::Snapshot ModelBoard::snapshot() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

}  // namespace pw
