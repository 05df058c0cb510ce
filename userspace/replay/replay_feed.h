// Replays a recorded session: every Model comes from derive_model() on two
// consecutive recorded Samples, the same code live top runs.
#pragma once

#include <string>
#include <vector>

#include "store/sample_source.h"
#include "feed/seekable_feed.h"

namespace pw {

class ReplayFeed : public SeekableFeed {
 public:
  // `start` is the first sample next() shows; notices are shown under the
  // header (what was degraded while recording).
  ReplayFeed(SampleSource& source, std::size_t start, std::vector<std::string> notices = {});

  // The following sample; at the end of the recording, the last one again.
  Model next() override;
  std::vector<std::string> notices() const override { return notices_; }

  std::size_t size() const override { return source_.size(); }
  std::size_t position() const override { return position_; }
  Model seek(std::size_t index) override;
  std::uint64_t wall_ns_at(std::size_t index) const override;
  std::optional<std::size_t> find_time(std::string_view text, std::string* error) const override;

 private:
  SampleSource& source_;
  std::size_t position_;
  bool started_ = false;
  std::vector<std::string> notices_;
};

// The sample a time means in `source`: the nearest one, or an error when the
// time lies more than one interval outside the recording.
std::optional<std::size_t> find_sample_at(const SampleSource& source, std::string_view text,
                                          std::string* error);

}  // namespace pw
