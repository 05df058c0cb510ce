#include "store/sample_source.h"

namespace pw {

std::optional<std::size_t> SampleSource::index_at_or_before(std::uint64_t wall_ns) const {
  std::size_t lo = 0, hi = size();  // first index with time > wall_ns
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (time_at(mid).wall_ns <= wall_ns)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return std::nullopt;
  return lo - 1;
}

std::optional<std::size_t> SampleSource::nearest_index(std::uint64_t wall_ns) const {
  if (size() == 0) return std::nullopt;
  const auto before = index_at_or_before(wall_ns);
  if (!before) return 0;
  const std::size_t after = *before + 1;
  if (after >= size()) return before;
  const std::uint64_t d_before = wall_ns - time_at(*before).wall_ns;
  const std::uint64_t d_after = time_at(after).wall_ns - wall_ns;
  return d_after < d_before ? after : *before;
}

Model SampleSource::model_at(std::size_t index) {
  std::shared_ptr<const Sample> previous = index > 0 ? load(index - 1) : nullptr;
  return derive_model(load(index), previous.get());
}

}  // namespace pw
