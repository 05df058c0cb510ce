#include "alert/notification_sink.h"

#include <mutex>

namespace pw {
namespace {
std::mutex g_mutex;
std::shared_ptr<NotificationSink> g_sink;
}  // namespace

void set_notification_sink(std::shared_ptr<NotificationSink> sink) {
  std::lock_guard lock(g_mutex);
  g_sink = std::move(sink);
}

std::shared_ptr<NotificationSink> notification_sink() {
  std::lock_guard lock(g_mutex);
  return g_sink;
}

}  // namespace pw
