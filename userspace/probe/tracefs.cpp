#include "probe/tracefs.h"

#include <sys/mount.h>

#include "common/log.h"

namespace pw {

Status ensure_tracefs(const std::filesystem::path& mount_point) {
  std::error_code ec;
  if (std::filesystem::exists(mount_point / "events", ec)) return Status::ok();
  if (::mount("tracefs", mount_point.c_str(), "tracefs", 0, nullptr) != 0)
    return Status::error("mounting tracefs at " + mount_point.string() +
                         " failed: " + errno_text(errno));
  log_info("mounted tracefs at " + mount_point.string() + " for classic tracepoints");
  return Status::ok();
}

}  // namespace pw
