#include "probe/probe_set.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <cerrno>

#include "common/log.h"
#include "lifecycle.skel.h"
#include "probe/bpf_handles.h"
#include "probe/libbpf_logging.h"
#include "probe/object_loader.h"
#include "probe/preflight.h"
#include "procwatch_abi.h"
#include "sched.skel.h"
#include "tasks.skel.h"

namespace pw {

using SchedSkel = SkeletonPtr<procwatch_sched, procwatch_sched__destroy>;
using LifecycleSkel = SkeletonPtr<procwatch_lifecycle, procwatch_lifecycle__destroy>;
using TasksSkel = SkeletonPtr<procwatch_tasks, procwatch_tasks__destroy>;

struct ProbeSet::Impl {
  ProbeOptions options;
  std::vector<std::string> notices;
  // One task-storage map shared by every object (see task_stats.bpf.h).
  UniqueFd task_stats_fd;

  SchedSkel sched;
  std::vector<LinkPtr> sched_links;
  LifecycleSkel lifecycle;
  std::vector<LinkPtr> lifecycle_links;
  std::string lifecycle_variant;
  RingBufferPtr ring;
  TasksSkel tasks;
  std::vector<LinkPtr> tasks_links;

  // The ring buffer callback has a C signature; it forwards here.
  const std::function<void(const void*, std::size_t)>* handler = nullptr;

  void share_task_stats(bpf_map* map) {
    if (task_stats_fd.valid()) {
      // libbpf dups the fd, so ours stays owned by us.
      bpf_map__reuse_fd(map, task_stats_fd.get());
    }
  }
  void remember_task_stats(bpf_map* map) {
    if (!task_stats_fd.valid()) task_stats_fd.reset(::dup(bpf_map__fd(map)));
  }

  Status load_sched();
  Status load_lifecycle(std::string_view variant);
  Status load_tasks();
};

Status ProbeSet::Impl::load_sched() {
  SchedSkel skel(procwatch_sched__open());
  if (!skel) return Status::error(bpf_step_error("sched", "open", errno));
  share_task_stats(skel->maps.task_stats);
  if (Status s = load_object(skel->obj, "sched"); !s) return s;
  std::vector<LinkPtr> links;
  if (Status s = attach_programs(skel->obj, "sched", links); !s) return s;
  remember_task_stats(skel->maps.task_stats);
  sched_links = std::move(links);
  sched = std::move(skel);
  return Status::ok();
}

Status ProbeSet::Impl::load_lifecycle(std::string_view variant) {
  LifecycleSkel skel(procwatch_lifecycle__open());
  if (!skel) return Status::error(bpf_step_error("lifecycle", "open", errno));
  // Configure: pick the attach variant, size the ring, share maps.
  select_variant(skel->obj, variant == "raw_tp" ? "raw_tp/" : "tp_btf/", {"tp_btf/", "raw_tp/"});
  if (int err = bpf_map__set_max_entries(skel->maps.events, options.ringbuf_bytes); err)
    return Status::error(bpf_step_error("lifecycle", "sizing the event ring buffer", err));
  skel->rodata->wakeup_threshold_bytes = options.ringbuf_bytes / 16;
  share_task_stats(skel->maps.task_stats);
  if (Status s = load_object(skel->obj, "lifecycle"); !s) return s;
  std::vector<LinkPtr> links;
  if (Status s = attach_programs(skel->obj, "lifecycle", links); !s) return s;

  RingBufferPtr rb(ring_buffer__new(
      bpf_map__fd(skel->maps.events),
      [](void* ctx, void* data, std::size_t size) -> int {
        auto* self = static_cast<Impl*>(ctx);
        if (self->handler) (*self->handler)(data, size);
        return 0;
      },
      this, nullptr));
  if (!rb) return Status::error(bpf_step_error("lifecycle", "ring buffer setup", errno));
  remember_task_stats(skel->maps.task_stats);
  lifecycle_links = std::move(links);
  lifecycle = std::move(skel);
  ring = std::move(rb);
  lifecycle_variant = std::string(variant);
  return Status::ok();
}

Status ProbeSet::Impl::load_tasks() {
  TasksSkel skel(procwatch_tasks__open());
  if (!skel) return Status::error(bpf_step_error("tasks", "open", errno));
  share_task_stats(skel->maps.task_stats);
  if (Status s = load_object(skel->obj, "tasks"); !s) return s;
  std::vector<LinkPtr> links;
  if (Status s = attach_programs(skel->obj, "tasks", links); !s) return s;
  remember_task_stats(skel->maps.task_stats);
  tasks_links = std::move(links);
  tasks = std::move(skel);
  return Status::ok();
}

ProbeSet::ProbeSet(const ProbeOptions& options) : impl_(std::make_unique<Impl>()) {
  install_libbpf_logging();
  if (Status s = evaluate_preflight(probe_preflight_inputs()); !s) throw FatalError(s.message());
  impl_->options = options;
  auto& notices = impl_->notices;

  if (options.scheduler) {
    if (Status s = impl_->load_sched(); !s) {
      notices.push_back("scheduler latency and off-CPU time unavailable: " + s.message());
      log_warn(notices.back());
    }
  }
  if (options.lifecycle) {
    const std::string& want = options.lifecycle_variant;
    Status s = impl_->load_lifecycle(want == "auto" ? "tp_btf" : want);
    if (!s && want == "auto") {
      log_info("lifecycle: tp_btf variant failed (" + s.message() + "); trying raw_tp");
      s = impl_->load_lifecycle("raw_tp");
      if (s) notices.push_back("lifecycle events use raw tracepoints (typed tp_btf unavailable)");
    }
    if (!s) {
      notices.push_back("process fork/exec/exit events unavailable: " + s.message());
      log_warn(notices.back());
    }
  }
  if (options.task_iterator) {
    if (Status s = impl_->load_tasks(); !s) {
      notices.push_back("BPF task iterator unavailable, reading counters from /proc: " +
                        s.message());
      log_warn(notices.back());
    }
  }
}

ProbeSet::~ProbeSet() = default;

bool ProbeSet::has_scheduler() const { return impl_->sched != nullptr; }
bool ProbeSet::has_lifecycle() const { return impl_->lifecycle != nullptr; }
bool ProbeSet::has_task_iterator() const { return impl_->tasks != nullptr; }
std::string ProbeSet::lifecycle_variant() const { return impl_->lifecycle_variant; }
const std::vector<std::string>& ProbeSet::notices() const { return impl_->notices; }

Status ProbeSet::read_task_records(std::vector<char>& out) {
  out.clear();
  if (!impl_->tasks) return Status::error("task iterator not loaded");
  UniqueFd fd(bpf_iter_create(bpf_link__fd(impl_->tasks_links.front().get())));
  if (!fd.valid()) return Status::error("creating a task iterator failed: " + errno_text(errno));
  std::size_t used = 0;
  if (out.capacity() < (1 << 16)) out.reserve(1 << 16);
  for (;;) {
    if (out.capacity() - used < 8192) out.reserve(out.capacity() * 2);
    out.resize(out.capacity());
    const ssize_t n = ::read(fd.get(), out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      // EAGAIN can end a pass when tasks change under the iterator: keep
      // what was read, the next pass will see the rest.
      const int err = errno;
      out.resize(used);
      return Status::error("reading the task iterator failed: " + errno_text(err));
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  out.resize(used);
  return Status::ok();
}

int ProbeSet::consume_events(const std::function<void(const void*, std::size_t)>& handler) {
  if (!impl_->ring) return 0;
  impl_->handler = &handler;
  const int n = ring_buffer__consume(impl_->ring.get());
  impl_->handler = nullptr;
  return n;
}

int ProbeSet::poll_events(const std::function<void(const void*, std::size_t)>& handler,
                          int timeout_ms) {
  if (!impl_->ring) return 0;
  impl_->handler = &handler;
  const int n = ring_buffer__poll(impl_->ring.get(), timeout_ms);
  impl_->handler = nullptr;
  return n;
}

std::uint64_t ProbeSet::dropped_events() const {
  if (!impl_->lifecycle) return 0;
  const int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return 0;
  std::vector<std::uint64_t> per_cpu(static_cast<std::size_t>(ncpu));
  std::uint64_t total = 0;
  const int fd = bpf_map__fd(impl_->lifecycle->maps.dropped_events);
  for (std::uint32_t kind = 0; kind < PW_EVENT_KIND_MAX; ++kind) {
    if (bpf_map_lookup_elem(fd, &kind, per_cpu.data()) != 0) continue;
    for (auto v : per_cpu) total += v;
  }
  return total;
}

std::vector<ProgramStats> ProbeSet::program_stats() const {
  std::vector<ProgramStats> out;
  auto collect = [&](bpf_object* obj, const char* object) {
    if (!obj) return;
    bpf_program* prog;
    bpf_object__for_each_program(prog, obj) {
      const int fd = bpf_program__fd(prog);
      if (fd < 0) continue;
      bpf_prog_info info{};
      __u32 len = sizeof(info);
      if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) continue;
      out.push_back({bpf_program__name(prog), object, info.run_cnt, info.run_time_ns});
    }
  };
  collect(impl_->sched ? impl_->sched->obj : nullptr, "sched");
  collect(impl_->lifecycle ? impl_->lifecycle->obj : nullptr, "lifecycle");
  collect(impl_->tasks ? impl_->tasks->obj : nullptr, "tasks");
  return out;
}

BpfStatsScope::BpfStatsScope() : fd_(bpf_enable_stats(BPF_STATS_RUN_TIME)) {
  if (fd_ < 0) log_info("BPF run-time statistics unavailable: " + errno_text(errno));
}

BpfStatsScope::~BpfStatsScope() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace pw
