// Appends one JSON line per notification to a file: the simplest hook, and
// the one to feed a log shipper.
#pragma once

#include "alert/hooks/hook.h"

namespace pw {

class JsonlHook final : public Hook {
 public:
  JsonlHook(std::string name, std::string path, bool fsync);
  DeliveryResult deliver(const Notification& n) override;

 private:
  std::string path_;
  bool fsync_;
};

}  // namespace pw
