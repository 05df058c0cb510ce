#include "model/cgroup_identity.h"

#include <gtest/gtest.h>

namespace pw {
namespace {

const std::string kId = "4f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

TEST(CgroupIdentity, SystemdDriverDockerScope) {
  const auto id = cgroup_identity("/system.slice/docker-" + kId + ".scope");
  EXPECT_EQ(id.container_id, kId.substr(0, 12));
  EXPECT_EQ(id.runtime, "docker");
  EXPECT_EQ(id.unit, "docker-" + kId + ".scope");
}

TEST(CgroupIdentity, CgroupfsDriverAndKubernetes) {
  auto id = cgroup_identity("/docker/" + kId);
  EXPECT_EQ(id.container_id, kId.substr(0, 12));
  EXPECT_EQ(id.runtime, "docker");
  id = cgroup_identity(
      "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1.slice/"
      "cri-containerd-" +
      kId + ".scope");
  EXPECT_EQ(id.container_id, kId.substr(0, 12));
  EXPECT_EQ(id.runtime, "containerd");
  id = cgroup_identity("/machine.slice/libpod-" + kId + ".scope/container");
  EXPECT_EQ(id.runtime, "podman");
  EXPECT_EQ(id.container_id, kId.substr(0, 12));
  id = cgroup_identity("/kubepods/burstable/pod1234/crio-" + kId);
  EXPECT_EQ(id.runtime, "crio");
}

TEST(CgroupIdentity, SystemdUnitsWithoutContainers) {
  auto id = cgroup_identity("/system.slice/nginx.service");
  EXPECT_EQ(id.unit, "nginx.service");
  EXPECT_TRUE(id.container_id.empty());
  id = cgroup_identity("/user.slice/user-1000.slice/user@1000.service/app.slice/foo.scope");
  EXPECT_EQ(id.unit, "foo.scope");  // the innermost unit
  id = cgroup_identity("/lxc.payload.web1/system.slice/cron.service");
  EXPECT_EQ(id.container_id, "web1");
  EXPECT_EQ(id.runtime, "lxc");
  EXPECT_EQ(id.unit, "cron.service");
}

TEST(CgroupIdentity, NothingToFind) {
  for (const char* path : {"", "/", "/init.scope/", "/docker/notanid", "//"}) {
    const auto id = cgroup_identity(path);
    EXPECT_TRUE(id.container_id.empty()) << path;
  }
  EXPECT_EQ(cgroup_identity("/init.scope").unit, "init.scope");
}

}  // namespace
}  // namespace pw
