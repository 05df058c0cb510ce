// Which findings a recorder stores after an interval: the ones raised, the
// active ones whose stored evidence is older than the refresh period, and
// the ones that ended. Storing transitions instead of a copy per interval
// keeps the findings table at one row per finding, rewritten at most once
// per refresh period while it holds.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "analyze/analyzer.h"
#include "model/finding.h"

namespace pw {

class FindingTransitions {
 public:
  explicit FindingTransitions(std::uint64_t refresh_ns = 30'000'000'000ULL)
      : refresh_ns_(refresh_ns) {}

  // Call after Analyzer::update() for the interval at now_wall_ns.
  std::vector<Finding> changes(const Analyzer& analyzer, std::uint64_t now_wall_ns);

 private:
  std::uint64_t refresh_ns_;
  std::unordered_map<std::uint64_t, std::uint64_t> stored_at_;  // active id -> when stored
};

}  // namespace pw
