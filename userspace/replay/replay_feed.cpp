#include "replay/replay_feed.h"

#include <algorithm>

#include "common/time_text.h"

namespace pw {

ReplayFeed::ReplayFeed(SampleSource& source, std::size_t start, std::vector<std::string> notices)
    : source_(source),
      position_(source.size() ? std::min(start, source.size() - 1) : 0),
      notices_(std::move(notices)) {}

Model ReplayFeed::next() {
  if (!started_) {
    started_ = true;
    return seek(position_);
  }
  return seek(position_ + 1 < size() ? position_ + 1 : position_);
}

Model ReplayFeed::seek(std::size_t index) {
  started_ = true;
  position_ = std::min(index, size() - 1);
  return source_.model_at(position_);
}

std::uint64_t ReplayFeed::wall_ns_at(std::size_t index) const {
  return source_.time_at(std::min(index, size() - 1)).wall_ns;
}

std::optional<std::size_t> ReplayFeed::find_time(std::string_view text, std::string* error) const {
  return find_sample_at(source_, text, error);
}

std::optional<std::size_t> find_sample_at(const SampleSource& source, std::string_view text,
                                          std::string* error) {
  auto fail = [&](std::string why) -> std::optional<std::size_t> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (source.size() == 0) return fail("the recording has no samples");
  const std::uint64_t first = source.time_at(0).wall_ns;
  const std::uint64_t last = source.time_at(source.size() - 1).wall_ns;
  const auto t = parse_time_point(text, first, last);
  if (!t.value) return fail(t.error);
  // One interval of slack on either side: "12:03:10" finds the sample
  // taken at 12:03:09.98.
  const std::uint64_t slack =
      source.size() > 1
          ? std::max<std::uint64_t>((last - first) / (source.size() - 1), 1'000'000'000)
          : 1'000'000'000;
  if (*t.value + slack < first || *t.value > last + slack)
    return fail("'" + std::string(text) + "' is outside the recording (" +
                format_wall_time(first, false) + " to " + format_time_of_day(last) + ")");
  return source.nearest_index(*t.value);
}

}  // namespace pw
