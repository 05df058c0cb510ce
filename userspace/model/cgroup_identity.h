// What a cgroup path says about a process's container or systemd unit.
#pragma once

#include <string>
#include <string_view>

namespace pw {

struct CgroupIdentity {
  std::string container_id;  // first 12 hex chars, as docker ps shows; "" if none
  std::string runtime;       // "docker", "podman", "containerd", "crio", "lxc", ""
  std::string unit;          // innermost systemd .service or .scope; "" if none
};

// Understands the layouts of systemd's cgroupfs driver
// (/system.slice/docker-<64hex>.scope, .../cri-containerd-<id>.scope,
// /machine.slice/libpod-<id>.scope, crio-<id>.scope), of the cgroupfs driver
// (/docker/<64hex>, /kubepods/.../<64hex>), and /lxc.payload.NAME.
CgroupIdentity cgroup_identity(std::string_view path);

}  // namespace pw
