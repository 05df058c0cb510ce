#include "alert/hooks/hook_dispatcher.h"

#include <algorithm>
#include <stdexcept>

#include "alert/hooks/hook_settings.h"
#include "common/log.h"

namespace pw {

struct HookDispatcher::Worker {
  std::unique_ptr<Hook> hook;
  HookPolicy policy;
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::deque<Notification> queue;
  bool busy = false;
  bool stopping = false;
  std::chrono::steady_clock::time_point stop_by;
  HookStatus st;
  std::deque<std::chrono::steady_clock::time_point> recent;  // sends in the last minute
  bool drop_logged = false;
  std::thread thread;
};

HookPolicy hook_policy_of(const HookConfig& h) {
  HookSettings s(h);
  HookPolicy p;
  p.max_tries = static_cast<int>(s.number("retries", p.max_tries, 1, 100));
  p.initial_backoff =
      std::chrono::milliseconds(static_cast<long>(s.number("retry_initial", 1, 0, 3600) * 1000));
  p.max_per_minute = s.number("max_per_minute", p.max_per_minute, 0, 1e6);
  return p;
}

HookDispatcher::HookDispatcher(std::vector<Entry> hooks, std::chrono::milliseconds drain_deadline)
    : drain_deadline_(drain_deadline) {
  for (auto& e : hooks) {
    auto w = std::make_unique<Worker>();
    w->st.name = e.hook->name();
    w->st.type = e.type;
    w->hook = std::move(e.hook);
    w->policy = e.policy;
    workers_.push_back(std::move(w));
  }
  for (auto& w : workers_) w->thread = std::thread([this, raw = w.get()] { run(*raw); });
}

HookDispatcher::~HookDispatcher() {
  const auto by = std::chrono::steady_clock::now() + drain_deadline_;
  for (auto& w : workers_) {
    std::lock_guard lock(w->mu);
    w->stopping = true;
    w->stop_by = by;
    w->cv.notify_all();
  }
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

void HookDispatcher::notify(const Notification& n) {
  for (auto& w : workers_) {
    std::lock_guard lock(w->mu);
    if (w->queue.size() >= w->policy.queue_limit) {
      ++w->st.dropped;
      if (!w->drop_logged)
        log_warn("hook " + w->st.name + ": queue full (" + std::to_string(w->policy.queue_limit) +
                 "), dropping notifications");
      w->drop_logged = true;
      continue;
    }
    w->queue.push_back(n);
    w->cv.notify_all();
  }
}

void HookDispatcher::run(Worker& w) {
  using clock = std::chrono::steady_clock;
  std::unique_lock lock(w.mu);
  for (;;) {
    w.cv.wait(lock, [&] { return w.stopping || !w.queue.empty(); });
    if (w.queue.empty() || (w.stopping && clock::now() >= w.stop_by)) {
      if (!w.queue.empty()) {
        w.st.dropped += w.queue.size();
        log_warn("hook " + w.st.name + ": " + std::to_string(w.queue.size()) +
                 " notification(s) not delivered before the shutdown deadline");
        w.queue.clear();
      }
      if (w.stopping) return;
      continue;
    }
    Notification n = std::move(w.queue.front());
    w.queue.pop_front();
    // Rate limit: a storm of transitions must not flood a pager.
    const auto now = clock::now();
    while (!w.recent.empty() && now - w.recent.front() >= std::chrono::minutes(1))
      w.recent.pop_front();
    if (w.policy.max_per_minute > 0 &&
        static_cast<double>(w.recent.size()) >= w.policy.max_per_minute) {
      ++w.st.dropped;
      if (!w.drop_logged)
        log_warn("hook " + w.st.name + ": more than " +
                 std::to_string(static_cast<int>(w.policy.max_per_minute)) +
                 " notifications a minute, dropping the excess");
      w.drop_logged = true;
      continue;
    }
    w.recent.push_back(now);
    w.busy = true;
    auto backoff = w.policy.initial_backoff;
    for (int attempt = 1;; ++attempt) {
      lock.unlock();
      DeliveryResult r;
      try {
        r = w.hook->deliver(n);
      } catch (const std::exception& e) {
        r = DeliveryResult::permanent(std::string("exception: ") + e.what());
      }
      lock.lock();
      if (r.is_ok()) {
        ++w.st.sent;
        w.st.last_success_wall_ns =
            static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
        w.drop_logged = false;
        break;
      }
      w.st.last_error = r.message;
      const bool give_up = r.kind == DeliveryResult::Kind::Permanent ||
                           attempt >= w.policy.max_tries ||
                           (w.stopping && clock::now() + backoff > w.stop_by);
      if (give_up) {
        ++w.st.failed;
        log_warn("hook " + w.st.name + ": " + n.rule + " not delivered after " +
                 std::to_string(attempt) + " tr" + (attempt == 1 ? "y" : "ies") + ": " + r.message);
        break;
      }
      ++w.st.retried;
      log_info("hook " + w.st.name + ": " + r.message + "; retrying in " +
               std::to_string(backoff.count()) + " ms");
      // The backoff ends early only when a shutdown's drain deadline passes.
      const auto until = clock::now() + backoff;
      while (clock::now() < until && !(w.stopping && clock::now() >= w.stop_by))
        w.cv.wait_until(lock, w.stopping ? std::min(until, w.stop_by) : until);
      if (w.stopping && clock::now() >= w.stop_by) {
        ++w.st.failed;
        log_warn("hook " + w.st.name + ": " + n.rule +
                 " not delivered before the shutdown deadline: " + r.message);
        break;
      }
      backoff = std::min(backoff * 2, w.policy.max_backoff);
    }
    w.busy = false;
    w.cv.notify_all();
  }
}

std::vector<HookStatus> HookDispatcher::status() const {
  std::vector<HookStatus> out;
  for (const auto& w : workers_) {
    std::lock_guard lock(w->mu);
    out.push_back(w->st);
    out.back().queued = w->queue.size();
  }
  return out;
}

bool HookDispatcher::wait_idle(std::chrono::milliseconds limit) const {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (const auto& w : workers_) {
    std::unique_lock lock(w->mu);
    if (!w->cv.wait_until(lock, until, [&] { return w->queue.empty() && !w->busy; })) return false;
  }
  return true;
}

std::shared_ptr<HookDispatcher> make_hook_dispatcher(const std::vector<HookConfig>& hooks) {
  std::vector<HookDispatcher::Entry> entries;
  for (const auto& h : hooks) entries.push_back({make_hook(h), h.type, hook_policy_of(h)});
  return std::make_shared<HookDispatcher>(std::move(entries));
}

bool reload_hook_dispatcher(const std::vector<HookConfig>& hooks) {
  try {
    set_notification_sink(hooks.empty() ? nullptr : make_hook_dispatcher(hooks));
    log_info("hooks reloaded: " + std::to_string(hooks.size()));
    return true;
  } catch (const std::invalid_argument& e) {
    log_warn(std::string("hooks reload: keeping the running hooks: ") + e.what());
    return false;
  }
}

std::shared_ptr<HookDispatcher> current_hook_dispatcher() {
  return std::dynamic_pointer_cast<HookDispatcher>(notification_sink());
}

}  // namespace pw
