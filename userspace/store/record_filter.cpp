#include "store/record_filter.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace pw {
namespace {

// "/a/b" is "/a/b" or below it; "a/b/" and "/a/b" are the same path.
bool under(std::string_view cgroup, std::string_view root) {
  while (root.size() > 1 && root.back() == '/') root.remove_suffix(1);
  std::string_view c = cgroup;
  const bool root_abs = !root.empty() && root.front() == '/';
  const bool c_abs = !c.empty() && c.front() == '/';
  if (root_abs && !c_abs) root.remove_prefix(1);
  if (!root_abs && c_abs) c.remove_prefix(1);
  if (root.empty() || root == "/") return true;
  if (!c.starts_with(root)) return false;
  return c.size() == root.size() || c[root.size()] == '/';
}

}  // namespace

bool RecordFilter::matches(const ProcessSample& p) const {
  if (empty()) return true;
  if (std::find(pids.begin(), pids.end(), p.key.pid) != pids.end()) return true;
  if (std::find(comms.begin(), comms.end(), p.comm) != comms.end()) return true;
  for (const std::string& c : cgroups)
    if (!p.cgroup.empty() && under(p.cgroup, c)) return true;
  return false;
}

void RecordFilter::apply(Sample& sample) const {
  if (empty()) return;
  std::erase_if(sample.processes, [this](const ProcessSample& p) { return !matches(p); });
  struct KeyHash {
    std::size_t operator()(const ProcessKey& k) const {
      return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.pid) << 40) ^ k.start_ns);
    }
  };
  std::unordered_set<ProcessKey, KeyHash> kept;
  for (const ProcessSample& p : sample.processes) kept.insert(p.key);
  std::erase_if(sample.events, [&](const LifecycleEvent& e) {
    if (kept.count(e.key)) return false;
    if (std::find(pids.begin(), pids.end(), e.key.pid) != pids.end()) return false;
    if (std::find(comms.begin(), comms.end(), e.comm) != comms.end()) return false;
    return true;
  });
}

std::string RecordFilter::to_json() const {
  const nlohmann::json j = {{"pid", pids}, {"comm", comms}, {"cgroup", cgroups}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace pw
