#include "model/cgroup_identity.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace pw {
namespace {

bool is_hex_id(std::string_view s) {
  return s.size() >= 32 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const auto slash = path.find('/');
    const auto part = path.substr(0, slash);
    if (!part.empty()) out.push_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

CgroupIdentity cgroup_identity(std::string_view path) {
  CgroupIdentity id;
  struct Prefix {
    std::string_view prefix, runtime;
  };
  static constexpr Prefix kScopes[] = {{"docker-", "docker"},
                                       {"libpod-", "podman"},
                                       {"cri-containerd-", "containerd"},
                                       {"crio-", "crio"}};
  const auto parts = components(path);
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    std::string_view part = *it;
    if (id.unit.empty() && (ends_with(part, ".service") || ends_with(part, ".scope")))
      id.unit = std::string(part);
    if (!id.container_id.empty()) continue;
    std::string_view body = part;
    if (ends_with(body, ".scope")) body.remove_suffix(6);
    for (const auto& s : kScopes) {
      if (body.substr(0, s.prefix.size()) == s.prefix && is_hex_id(body.substr(s.prefix.size()))) {
        id.container_id = std::string(body.substr(s.prefix.size(), 12));
        id.runtime = std::string(s.runtime);
      }
    }
    if (id.container_id.empty() && is_hex_id(body)) {
      // cgroupfs driver: /docker/<id>, /kubepods/burstable/pod.../<id>
      id.container_id = std::string(body.substr(0, 12));
      const bool docker =
          std::find(parts.begin(), parts.end(), std::string_view("docker")) != parts.end();
      id.runtime = docker ? "docker" : "";
    }
    if (id.container_id.empty() && part.substr(0, 12) == "lxc.payload.") {
      id.container_id = std::string(part.substr(12));
      id.runtime = "lxc";
    }
  }
  return id;
}

}  // namespace pw
