#include "model/sample.h"

namespace pw {

std::string_view event_kind_name(LifecycleEvent::Kind kind) {
  switch (kind) {
    case LifecycleEvent::Kind::Fork:
      return "fork";
    case LifecycleEvent::Kind::Exec:
      return "exec";
    case LifecycleEvent::Kind::Exit:
      return "exit";
    case LifecycleEvent::Kind::OomKill:
      return "oom_kill";
  }
  return "?";
}

}  // namespace pw
