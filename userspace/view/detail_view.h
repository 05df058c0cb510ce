// The detail view of one process (Enter in top): who it is, every field,
// its sockets and block devices, and this interval's latency histograms as
// text bars. Plain lines, computed without a terminal, so it can be tested.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "model/histogram.h"
#include "model/model.h"
#include "view/sanitize.h"

namespace pw {

// Sanitized for `mode`, not cut to any width. `findings` are the Model's
// (Model::findings); the ones about this process come first, with their
// evidence, because they are why a person opened the view.
std::vector<std::string> process_detail_lines(const ProcessRow& row, double interval_s,
                                              TextMode mode,
                                              std::span<const Finding> findings = {});

// One line per log2 bucket from the lowest to the highest non-empty one,
// "  [ 8.2 µs,  16 µs)  ████████  12", bars scaled to the fullest bucket.
// Empty for an empty histogram.
std::vector<std::string> histogram_lines(const Log2Histogram& h, TextMode mode,
                                         std::size_t bar_width = 32);

// A duration for people: "512 ns", "8.2 µs" ("us" in ASCII), "16 ms", "1.1 s".
std::string duration_text(double ns, TextMode mode);

}  // namespace pw
