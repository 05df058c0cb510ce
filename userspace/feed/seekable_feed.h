// A ModelFeed over a recording: besides next() (the following sample), it
// moves in time. The top UI offers its time keys when the feed is one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "feed/model_feed.h"

namespace pw {

class SeekableFeed : public ModelFeed {
 public:
  // Samples in the recording (> 0).
  virtual std::size_t size() const = 0;
  // The sample the last Model returned shows.
  virtual std::size_t position() const = 0;
  // The Model of sample `index` (clamped to the recording), derived against
  // the sample before it exactly as live; becomes the position.
  virtual Model seek(std::size_t index) = 0;
  virtual std::uint64_t wall_ns_at(std::size_t index) const = 0;
  // The sample a typed time means ("12:03:10", "+5m", see time_text.h);
  // nullopt with *error set when it means none.
  virtual std::optional<std::size_t> find_time(std::string_view text, std::string* error) const = 0;

  bool at_end() const { return position() + 1 >= size(); }
};

}  // namespace pw
