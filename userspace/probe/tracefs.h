// Classic tracepoints need tracefs; many minimal systems do not mount it.
#pragma once

#include <filesystem>

#include "common/error.h"

namespace pw {

// Mounts tracefs at <mount_point> unless <mount_point>/events exists already.
Status ensure_tracefs(const std::filesystem::path& mount_point = "/sys/kernel/tracing");

}  // namespace pw
