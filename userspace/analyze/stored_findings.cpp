#include "analyze/stored_findings.h"

#include <algorithm>
#include <functional>

namespace pw {

bool finding_held_at(const Finding& f, std::uint64_t t_wall_ns) {
  return f.start_wall_ns <= t_wall_ns && (f.active || t_wall_ns <= f.end_wall_ns);
}

void annotate_with_stored(Model& model, std::span<const Finding> stored) {
  if (!model.sample) return;
  const std::uint64_t t = model.sample->system.wall_ns;
  model.findings.clear();
  for (const Finding& f : stored)
    if (finding_held_at(f, t)) model.findings.push_back(f);
  for (ProcessRow& row : model.processes) {
    row.flags.clear();
    for (const Finding& f : model.findings) {
      if (!f.process || !(*f.process == row.sample->key)) continue;
      const char c = f.kind == Finding::Kind::Leak ? 'L' : 'A';
      if (row.flags.find(c) == std::string::npos) row.flags.push_back(c);
    }
    std::sort(row.flags.begin(), row.flags.end(), std::greater<>());  // "LA"
  }
}

}  // namespace pw
