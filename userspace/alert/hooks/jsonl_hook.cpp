#include "alert/hooks/jsonl_hook.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "alert/hooks/payload.h"

namespace pw {

JsonlHook::JsonlHook(std::string name, std::string path, bool fsync)
    : Hook(std::move(name)), path_(std::move(path)), fsync_(fsync) {}

DeliveryResult JsonlHook::deliver(const Notification& n) {
  const std::string line = notification_json(n).dump() + "\n";
  // Opened per delivery so a rotated file (logrotate without copytruncate)
  // is picked up without a signal.
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return DeliveryResult::retryable("open " + path_ + ": " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  // One write with O_APPEND: lines of concurrent writers do not interleave.
  const ssize_t w = ::write(fd, line.data(), line.size());
  if (w != static_cast<ssize_t>(line.size()))
    return DeliveryResult::retryable("write " + path_ + ": " +
                                     (w < 0 ? std::strerror(errno) : "short write"));
  if (fsync_ && ::fsync(fd) != 0)
    return DeliveryResult::retryable("fsync " + path_ + ": " + std::strerror(errno));
  return DeliveryResult::ok();
}

}  // namespace pw
