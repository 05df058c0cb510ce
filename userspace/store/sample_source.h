// A sequence of recorded Samples with their times: what replay, report,
// export and `tree --db` read. Models come from derive_model() on two
// consecutive Samples, exactly as live, so replay and live never disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "model/model.h"
#include "model/sample.h"

namespace pw {

struct SampleTime {
  std::uint64_t wall_ns = 0;       // CLOCK_REALTIME
  std::uint64_t monotonic_ns = 0;  // CLOCK_MONOTONIC
};

class SampleSource {
 public:
  virtual ~SampleSource() = default;

  virtual std::size_t size() const = 0;
  // Times of sample `index` (< size()), without loading it.
  virtual SampleTime time_at(std::size_t index) const = 0;
  // The Sample at `index` (< size()). Cheap when index is the one loaded
  // last or a little after it; otherwise it starts from the keyframe
  // before it. Throws StoreError when the recording is damaged.
  virtual std::shared_ptr<const Sample> load(std::size_t index) = 0;

  // The last sample taken at or before wall_ns; nullopt if none.
  std::optional<std::size_t> index_at_or_before(std::uint64_t wall_ns) const;
  // The sample nearest to wall_ns; nullopt when empty.
  std::optional<std::size_t> nearest_index(std::uint64_t wall_ns) const;

  // The Model of sample `index` against the one before it (no rates for
  // index 0: the first frame of a recording, like the first live frame).
  Model model_at(std::size_t index);
};

}  // namespace pw
