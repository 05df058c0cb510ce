#include "collect/live_feed.h"

#include "model/thread_rows.h"

namespace pw {

Model LiveFeed::next() {
  Sample sample = collector_.collect();
  if (threads_as_rows_) sample = threads_as_rows(sample);
  auto current = std::make_shared<const Sample>(std::move(sample));
  Model m = derive_model(current, previous_.get());
  previous_ = std::move(current);
  return m;
}

}  // namespace pw
