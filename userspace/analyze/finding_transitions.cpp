#include "analyze/finding_transitions.h"

#include <unordered_set>

namespace pw {

std::vector<Finding> FindingTransitions::changes(const Analyzer& analyzer,
                                                 std::uint64_t now_wall_ns) {
  std::vector<Finding> out;
  std::unordered_set<std::uint64_t> active_ids;
  for (Finding& f : analyzer.active()) {
    active_ids.insert(f.id);
    const auto it = stored_at_.find(f.id);
    if (it != stored_at_.end() && now_wall_ns - it->second < refresh_ns_) continue;
    stored_at_[f.id] = now_wall_ns;
    out.push_back(std::move(f));
  }
  bool ended = false;
  for (const auto& [id, at] : stored_at_)
    if (!active_ids.contains(id)) ended = true;
  if (!ended) return out;
  // Rare: only then walk every finding for the final state of the ended ones.
  for (Finding& f : analyzer.all()) {
    if (f.active || !stored_at_.contains(f.id)) continue;
    stored_at_.erase(f.id);
    out.push_back(std::move(f));
  }
  // Ended but no longer kept by the analyzer (max_ended): forget them.
  std::erase_if(stored_at_, [&](const auto& kv) { return !active_ids.contains(kv.first); });
  return out;
}

}  // namespace pw
