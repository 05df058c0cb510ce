#include "analyze/cgroup_limit.h"

#include <algorithm>
#include <fstream>

namespace pw {

std::optional<std::uint64_t> cgroup_memory_limit(const std::string& cgroup_path,
                                                 const std::string& root) {
  if (cgroup_path.empty() || cgroup_path.front() != '/') return std::nullopt;
  std::optional<std::uint64_t> limit;
  std::string path = cgroup_path;
  while (true) {
    // The root cgroup has no memory.max; every level below may.
    std::ifstream in(root + path + "/memory.max");
    std::string text;
    if (in >> text && text != "max") {
      try {
        const std::uint64_t v = std::stoull(text);
        limit = limit ? std::min(*limit, v) : v;
      } catch (const std::exception&) {
        // Not a number: no limit we can use at this level.
      }
    }
    if (path == "/" || path.empty()) break;
    const auto slash = path.rfind('/');
    path = slash == 0 ? "/" : path.substr(0, slash);
  }
  return limit;
}

}  // namespace pw
