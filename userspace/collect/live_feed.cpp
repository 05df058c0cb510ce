#include "collect/live_feed.h"

namespace pw {

Model LiveFeed::next() {
  auto current = std::make_shared<const Sample>(collector_.collect());
  Model m = derive_model(current, previous_.get());
  previous_ = std::move(current);
  return m;
}

}  // namespace pw
