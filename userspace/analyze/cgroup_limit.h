// The memory limit a cgroup v2 path runs into: the smallest memory.max of
// the cgroup and its ancestors (a child cannot use more than its parent
// allows). Read from files, so it is not part of the pure Analyzer: the
// live commands pass it in as AnalyzerOptions::memory_limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace pw {

// nullopt: no limit anywhere up the tree ("max"), no v2 hierarchy, or the
// files cannot be read. `root` is the cgroup2 mount (tests use a fake tree).
std::optional<std::uint64_t> cgroup_memory_limit(const std::string& cgroup_path,
                                                 const std::string& root = "/sys/fs/cgroup");

}  // namespace pw
