#include "probe/probe_set.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <span>
#include <utility>

#include "common/log.h"
#include "io.skel.h"
#include "lifecycle.skel.h"
#include "mem.skel.h"
#include "net.skel.h"
#include "oom.skel.h"
#include "probe/bpf_handles.h"
#include "probe/libbpf_logging.h"
#include "probe/object_loader.h"
#include "probe/preflight.h"
#include "procwatch_abi.h"
#include "sched.skel.h"
#include "tasks.skel.h"

namespace pw {
namespace {

// A loaded skeleton and the links of its programs; links first to go.
template <typename Skel, void (*Destroy)(Skel*)>
struct Loaded {
  SkeletonPtr<Skel, Destroy> skel;
  std::vector<LinkPtr> links;
  explicit operator bool() const { return skel != nullptr; }
};

// The four steps for one object: open, configure (callback), load, attach.
// Nothing is kept unless every step succeeds.
template <typename Skel, Skel* (*Open)(), void (*Destroy)(Skel*), typename Configure>
Status load_skeleton(std::string_view name, Loaded<Skel, Destroy>& out, Configure&& configure) {
  SkeletonPtr<Skel, Destroy> skel(Open());
  if (!skel) return Status::error(bpf_step_error(name, "open", errno));
  if (Status s = configure(*skel); !s) return s;
  if (Status s = load_object(skel->obj, name); !s) return s;
  std::vector<LinkPtr> links;
  if (Status s = attach_programs(skel->obj, name, links); !s) return s;
  out.skel = std::move(skel);
  out.links = std::move(links);
  return Status::ok();
}

// Runs an iterator (task, socket storage) to its end, handing each read to
// `sink` from one reused buffer.
Status read_iterator(bpf_link* link, const ProbeSet::ChunkSink& sink, std::string_view what) {
  if (!link) return Status::error("no link for the " + std::string(what) + " iterator");
  UniqueFd fd(bpf_iter_create(bpf_link__fd(link)));
  if (!fd.valid())
    return Status::error("creating the " + std::string(what) +
                         " iterator failed: " + errno_text(errno));
  // seq_file hands out at most a page-sized buffer's worth per read() after
  // the first; 64 KiB takes several at once.
  static thread_local std::array<char, 1 << 16> chunk;
  for (;;) {
    const ssize_t n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::error("reading the " + std::string(what) +
                           " iterator failed: " + errno_text(errno));
    }
    if (n == 0) return Status::ok();
    sink(std::span<const char>(chunk.data(), static_cast<std::size_t>(n)));
  }
}

// The same into one buffer.
Status read_iterator(bpf_link* link, std::vector<char>& out, std::string_view what) {
  out.clear();
  return read_iterator(
      link,
      [&out](std::span<const char> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); },
      what);
}

}  // namespace

struct ProbeSet::Impl {
  ProbeOptions options;
  std::vector<std::string> notices;
  // Maps shared across objects (see task_stats.bpf.h, events.bpf.h).
  UniqueFd task_stats_fd;
  UniqueFd events_fd;
  UniqueFd dropped_fd;

  Loaded<procwatch_sched, procwatch_sched__destroy> sched;
  Loaded<procwatch_lifecycle, procwatch_lifecycle__destroy> lifecycle;
  Loaded<procwatch_tasks, procwatch_tasks__destroy> tasks;
  Loaded<procwatch_io, procwatch_io__destroy> io;
  Loaded<procwatch_net, procwatch_net__destroy> net;
  Loaded<procwatch_mem, procwatch_mem__destroy> mem;
  Loaded<procwatch_oom, procwatch_oom__destroy> oom;
  LinkPtr socket_iter;  // iterates net's sock_stats map
  std::string lifecycle_variant;
  RingBufferPtr ring;

  // The ring buffer callback has a C signature; it forwards here.
  const std::function<void(const void*, std::size_t)>* handler = nullptr;

  static void share(UniqueFd& shared, bpf_map* map) {
    // libbpf dups the fd, so ours stays owned by us.
    if (shared.valid()) bpf_map__reuse_fd(map, shared.get());
  }
  static void remember(UniqueFd& shared, bpf_map* map) {
    if (!shared.valid()) shared.reset(::dup(bpf_map__fd(map)));
  }

  // Loads one object with the task_stats map shared.
  template <typename Skel, Skel* (*Open)(), void (*Destroy)(Skel*), typename Extra>
  Status try_load_with_task_stats(std::string_view name, Loaded<Skel, Destroy>& out,
                                  Extra&& extra) {
    Status s = load_skeleton<Skel, Open, Destroy>(name, out, [&](Skel& skel) {
      share(task_stats_fd, skel.maps.task_stats);
      return extra(skel);
    });
    if (s) remember(task_stats_fd, out.skel->maps.task_stats);
    return s;
  }

  // The same, degrading with a notice on failure.
  template <typename Skel, Skel* (*Open)(), void (*Destroy)(Skel*), typename Extra>
  void load_with_task_stats(std::string_view name, const std::string& degraded,
                            Loaded<Skel, Destroy>& out, Extra&& extra) {
    Status s = try_load_with_task_stats<Skel, Open, Destroy>(name, out, extra);
    if (!s) {
      notices.push_back(degraded + ": " + s.message());
      log_warn(notices.back());
    }
  }

  Status load_lifecycle(std::string_view variant);
  void load_oom();

  // Calls fn(bpf_object*, "sched") for each loaded object.
  template <typename Fn>
  void for_each_object(Fn&& fn) const {
    auto each = [&](const auto& loaded, const char* name) {
      if (loaded) fn(loaded.skel->obj, name);
    };
    each(sched, "sched");
    each(lifecycle, "lifecycle");
    each(tasks, "tasks");
    each(io, "io");
    each(net, "net");
    each(mem, "mem");
    each(oom, "oom");
  }
};

Status ProbeSet::Impl::load_lifecycle(std::string_view variant) {
  Loaded<procwatch_lifecycle, procwatch_lifecycle__destroy> loaded;
  Status s = load_skeleton<
      procwatch_lifecycle, procwatch_lifecycle__open,
      procwatch_lifecycle__destroy>("lifecycle", loaded, [&](procwatch_lifecycle& skel) {
    select_variant(skel.obj, variant == "raw_tp" ? "raw_tp/" : "tp_btf/", {"tp_btf/", "raw_tp/"});
    if (int err = bpf_map__set_max_entries(skel.maps.events, options.ringbuf_bytes); err)
      return Status::error(bpf_step_error("lifecycle", "sizing the event ring buffer", err));
    skel.rodata->wakeup_threshold_bytes = options.ringbuf_bytes / 16;
    share(task_stats_fd, skel.maps.task_stats);
    return Status::ok();
  });
  if (!s) return s;
  RingBufferPtr rb(ring_buffer__new(
      bpf_map__fd(loaded.skel->maps.events),
      [](void* ctx, void* data, std::size_t size) -> int {
        auto* self = static_cast<Impl*>(ctx);
        if (self->handler) (*self->handler)(data, size);
        return 0;
      },
      this, nullptr));
  if (!rb) return Status::error(bpf_step_error("lifecycle", "ring buffer setup", errno));
  remember(task_stats_fd, loaded.skel->maps.task_stats);
  remember(events_fd, loaded.skel->maps.events);
  remember(dropped_fd, loaded.skel->maps.dropped_events);
  lifecycle = std::move(loaded);
  ring = std::move(rb);
  lifecycle_variant = std::string(variant);
  return Status::ok();
}

void ProbeSet::Impl::load_oom() {
  if (!lifecycle) {
    notices.push_back("OOM kill events unavailable: they travel on the lifecycle ring buffer");
    return;
  }
  Status s = load_skeleton<procwatch_oom, procwatch_oom__open, procwatch_oom__destroy>(
      "oom", oom, [&](procwatch_oom& skel) {
        share(events_fd, skel.maps.events);
        share(dropped_fd, skel.maps.dropped_events);
        skel.rodata->wakeup_threshold_bytes = options.ringbuf_bytes / 16;
        return Status::ok();
      });
  if (!s) {
    notices.push_back("OOM kill events unavailable: " + s.message());
    log_warn(notices.back());
  }
}

ProbeSet::ProbeSet(const ProbeOptions& options) : impl_(std::make_unique<Impl>()) {
  install_libbpf_logging();
  if (Status s = evaluate_preflight(probe_preflight_inputs()); !s) throw FatalError(s.message());
  Impl& m = *impl_;
  m.options = options;
  auto no_extra = [](auto&) { return Status::ok(); };

  if (options.scheduler)
    m.load_with_task_stats<procwatch_sched, procwatch_sched__open, procwatch_sched__destroy>(
        "sched", "scheduler latency and off-CPU time unavailable", m.sched, no_extra);
  if (options.lifecycle) {
    const std::string& want = options.lifecycle_variant;
    Status s = m.load_lifecycle(want == "auto" ? "tp_btf" : want);
    if (!s && want == "auto") {
      log_info("lifecycle: tp_btf variant failed (" + s.message() + "); trying raw_tp");
      s = m.load_lifecycle("raw_tp");
      if (s) m.notices.push_back("lifecycle events use raw tracepoints (typed tp_btf unavailable)");
    }
    if (!s) {
      m.notices.push_back("process fork/exec/exit events unavailable: " + s.message());
      log_warn(m.notices.back());
    }
  }
  if (options.task_iterator)
    m.load_with_task_stats<procwatch_tasks, procwatch_tasks__open, procwatch_tasks__destroy>(
        "tasks", "BPF task iterator unavailable, reading counters from /proc", m.tasks, no_extra);
  if (options.block_io) {
    // block_getrq is only the fallback for kernels without block_io_start.
    Status s = m.try_load_with_task_stats<procwatch_io, procwatch_io__open, procwatch_io__destroy>(
        "io", m.io, [](procwatch_io& skel) {
          bpf_program__set_autoload(skel.progs.on_block_getrq, false);
          return Status::ok();
        });
    if (!s) {
      // block_io_start (6.5+) names each request in its submitter's context;
      // without it requests are traced back through their bios.
      log_info("io: " + s.message() + "; retrying without block_io_start");
      m.load_with_task_stats<procwatch_io, procwatch_io__open, procwatch_io__destroy>(
          "io", "block IO per device and IO latency unavailable", m.io, [](procwatch_io& skel) {
            bpf_program__set_autoload(skel.progs.on_block_io_start, false);
            skel.rodata->owners_from_bios = true;
            return Status::ok();
          });
      if (m.io)
        m.notices.push_back(
            "block IO: no block_io_start tracepoint; requests are attributed through their "
            "bios (merged requests may be charged to the first submitter)");
    }
  }
  if (options.network) {
    m.load_with_task_stats<procwatch_net, procwatch_net__open, procwatch_net__destroy>(
        "net", "network bytes, TCP events and connections unavailable", m.net,
        [](procwatch_net& skel) {
          bpf_program__set_autoattach(skel.progs.dump_sockets, false);
          return Status::ok();
        });
    if (m.net) {
      // A map iterator is bound to its map at attach time.
      union bpf_iter_link_info info {};
      info.map.map_fd = bpf_map__fd(m.net.skel->maps.sock_stats);
      LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &info, .link_info_len = sizeof info);
      m.socket_iter.reset(bpf_program__attach_iter(m.net.skel->progs.dump_sockets, &opts));
      if (!m.socket_iter) {
        m.notices.push_back("connection list unavailable: " +
                            bpf_step_error("net", "attach of the socket iterator", errno));
        log_warn(m.notices.back());
      }
    }
  }
  if (options.memory)
    m.load_with_task_stats<procwatch_mem, procwatch_mem__open, procwatch_mem__destroy>(
        "mem", "mmap/munmap/brk tracking unavailable", m.mem, no_extra);
  if (options.oom) m.load_oom();
}

ProbeSet::~ProbeSet() = default;

namespace {

template <typename L>
bool toggle(L& loaded, std::string_view name, bool attached) {
  if (!loaded) return false;
  if (!attached) {
    loaded.links.clear();
    return true;
  }
  if (!loaded.links.empty()) return true;
  if (Status s = attach_programs(loaded.skel->obj, name, loaded.links); !s) {
    log_warn(s.message());
    loaded.links.clear();
    return false;
  }
  return true;
}

}  // namespace

bool ProbeSet::set_attached(const std::string& object, bool attached) {
  Impl& m = *impl_;
  if (object == "net") return toggle(m.net, object, attached);
  if (object == "io") return toggle(m.io, object, attached);
  if (object == "mem") return toggle(m.mem, object, attached);
  if (object == "sched") return toggle(m.sched, object, attached);
  return false;
}

bool ProbeSet::is_attached(const std::string& object) const {
  const Impl& m = *impl_;
  if (object == "net") return m.net && !m.net.links.empty();
  if (object == "io") return m.io && !m.io.links.empty();
  if (object == "mem") return m.mem && !m.mem.links.empty();
  if (object == "sched") return m.sched && !m.sched.links.empty();
  return false;
}

namespace {

constexpr unsigned kMaxSampleShift = 6;  // one event in 64

// The sample_shift global of an object's mmaped .bss (sampling.bpf.h), or
// nullptr when the object is not loaded or has no sampling.
template <typename Impl>
__u32* sample_shift_var(Impl& m, const std::string& object) {
  if (object == "net") return m.net ? &m.net.skel->bss->sample_shift : nullptr;
  if (object == "io") return m.io ? &m.io.skel->bss->sample_shift : nullptr;
  if (object == "mem") return m.mem ? &m.mem.skel->bss->sample_shift : nullptr;
  if (object == "sched") return m.sched ? &m.sched.skel->bss->sample_shift : nullptr;
  return nullptr;
}

}  // namespace

bool ProbeSet::set_sample_shift(const std::string& object, unsigned shift) {
  __u32* var = sample_shift_var(*impl_, object);
  if (!var) return false;
  // The programs read it on their next event; no other synchronisation.
  __atomic_store_n(var, std::min(shift, kMaxSampleShift), __ATOMIC_RELAXED);
  return true;
}

unsigned ProbeSet::sample_shift(const std::string& object) const {
  const __u32* var = sample_shift_var(*impl_, object);
  return var ? __atomic_load_n(var, __ATOMIC_RELAXED) : 0;
}

bool ProbeSet::has_scheduler() const { return static_cast<bool>(impl_->sched); }
bool ProbeSet::has_lifecycle() const { return static_cast<bool>(impl_->lifecycle); }
bool ProbeSet::has_task_iterator() const { return static_cast<bool>(impl_->tasks); }
bool ProbeSet::has_block_io() const { return static_cast<bool>(impl_->io); }
bool ProbeSet::has_network() const { return static_cast<bool>(impl_->net); }
bool ProbeSet::has_memory() const { return static_cast<bool>(impl_->mem); }
bool ProbeSet::has_oom() const { return static_cast<bool>(impl_->oom); }
std::string ProbeSet::lifecycle_variant() const { return impl_->lifecycle_variant; }
const std::vector<std::string>& ProbeSet::notices() const { return impl_->notices; }

Status ProbeSet::read_task_records(const ChunkSink& sink, std::uint64_t now_ns) {
  if (!impl_->tasks) return Status::error("task iterator not loaded");
  const auto& t = impl_->tasks;
  t.skel->bss->pass_time_ns = now_ns;
  return read_iterator(link_of(t.skel->obj, t.links, t.skel->progs.dump_task), sink, "task");
}

Status ProbeSet::read_task_records(std::vector<char>& out, std::uint64_t now_ns) {
  out.clear();
  return read_task_records(
      [&out](std::span<const char> bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); },
      now_ns);
}

Status ProbeSet::read_socket_records(std::vector<char>& out) {
  out.clear();
  if (!impl_->net) return Status::error("network programs not loaded");
  return read_iterator(impl_->socket_iter.get(), out, "socket");
}

std::vector<IoStatsEntry> ProbeSet::read_io_stats() const {
  std::vector<IoStatsEntry> out;
  if (!impl_->io) return out;
  // One entry per (process, device): the hash holds latency and the IO of
  // exited threads (and of bios beyond a thread's device slots); live
  // threads count theirs in their own task storage, dumped by dump_io.
  std::map<std::pair<std::uint32_t, std::uint32_t>, IoStatsEntry> merged;
  auto entry = [&](std::uint32_t tgid, std::uint32_t dev) -> IoStatsEntry& {
    IoStatsEntry& e = merged[{tgid, dev}];
    e.tgid = tgid;
    e.dev = dev;
    return e;
  };
  const int fd = bpf_map__fd(impl_->io.skel->maps.io_stats);
  pw_io_key key{}, next{};
  pw_io_stats value{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    key = next;
    prev = &key;
    if (bpf_map_lookup_elem(fd, &key, &value) != 0) continue;  // deleted meanwhile
    IoStatsEntry& e = entry(key.tgid, key.dev);
    e.read_bytes += value.read_bytes;
    e.write_bytes += value.write_bytes;
    e.read_ops += value.read_ops;
    e.write_ops += value.write_ops;
    for (int i = 0; i < PW_HIST_BUCKETS; ++i) e.latency[i] += value.latency.buckets[i];
  }
  const auto& io = impl_->io;
  std::vector<char> records;
  if (Status s = read_iterator(link_of(io.skel->obj, io.links, io.skel->progs.dump_io), records,
                               "block IO");
      !s)
    log_debug(s.message());
  for (std::size_t pos = 0; records.size() - pos >= sizeof(pw_io_record);
       pos += sizeof(pw_io_record)) {
    pw_io_record r;
    std::memcpy(&r, records.data() + pos, sizeof r);
    IoStatsEntry& e = entry(r.tgid, r.dev);
    e.read_bytes += r.read_bytes;
    e.write_bytes += r.write_bytes;
    e.read_ops += r.read_ops;
    e.write_ops += r.write_ops;
  }
  out.reserve(merged.size());
  for (auto& [_, e] : merged) out.push_back(e);
  return out;
}

std::vector<TcpEventsEntry> ProbeSet::read_tcp_events() const {
  std::vector<TcpEventsEntry> out;
  if (!impl_->net) return out;
  const int fd = bpf_map__fd(impl_->net.skel->maps.tcp_events);
  std::uint32_t key = 0, next = 0;
  pw_tcp_events value{};
  const void* prev = nullptr;
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    key = next;
    prev = &key;
    if (bpf_map_lookup_elem(fd, &key, &value) != 0) continue;
    out.push_back({key, value.passive_opens, value.closes, value.retransmits, value.resets});
  }
  return out;
}

void ProbeSet::forget_processes(const std::vector<std::uint32_t>& tgids) {
  if (tgids.empty()) return;
  if (impl_->io) {
    const int fd = bpf_map__fd(impl_->io.skel->maps.io_stats);
    std::vector<pw_io_key> doomed;
    pw_io_key key{}, next{};
    const void* prev = nullptr;
    while (bpf_map_get_next_key(fd, prev, &next) == 0) {
      key = next;
      prev = &key;
      for (auto t : tgids)
        if (key.tgid == t) doomed.push_back(key);
    }
    for (const auto& k : doomed) bpf_map_delete_elem(fd, &k);
  }
  if (impl_->net) {
    const int fd = bpf_map__fd(impl_->net.skel->maps.tcp_events);
    for (auto t : tgids) bpf_map_delete_elem(fd, &t);
  }
}

int ProbeSet::consume_events(const std::function<void(const void*, std::size_t)>& handler) {
  if (!impl_->ring) return 0;
  impl_->handler = &handler;
  const int n = ring_buffer__consume(impl_->ring.get());
  impl_->handler = nullptr;
  return n;
}

std::uint64_t ProbeSet::dropped_events() const {
  if (!impl_->dropped_fd.valid()) return 0;
  const int ncpu = libbpf_num_possible_cpus();
  if (ncpu <= 0) return 0;
  std::vector<std::uint64_t> per_cpu(static_cast<std::size_t>(ncpu));
  std::uint64_t total = 0;
  for (std::uint32_t kind = 0; kind < PW_EVENT_KIND_MAX; ++kind) {
    if (bpf_map_lookup_elem(impl_->dropped_fd.get(), &kind, per_cpu.data()) != 0) continue;
    for (auto v : per_cpu) total += v;
  }
  return total;
}

std::vector<ProgramStats> ProbeSet::program_stats() const {
  std::vector<ProgramStats> out;
  auto collect = [&](bpf_object* obj, const char* object) {
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
  impl_->for_each_object(collect);
  return out;
}

namespace {

bool countable(bpf_map_type type) {
  switch (type) {
    case BPF_MAP_TYPE_HASH:
    case BPF_MAP_TYPE_LRU_HASH:
    case BPF_MAP_TYPE_PERCPU_HASH:
    case BPF_MAP_TYPE_LRU_PERCPU_HASH:
      return true;
    default:
      return false;
  }
}

// Keys in a hash map now. Deleting a key during the walk restarts it from
// the first key, so the walk is capped at max_entries steps.
std::uint64_t count_keys(int fd, std::uint32_t key_size, std::uint32_t max_entries) {
  std::vector<unsigned char> a(key_size), b(key_size);
  void* prev = nullptr;
  std::uint64_t n = 0;
  while (n < max_entries && bpf_map_get_next_key(fd, prev, b.data()) == 0) {
    ++n;
    a.swap(b);
    prev = a.data();
  }
  return n;
}

}  // namespace

std::vector<MapOccupancy> ProbeSet::map_occupancy() const {
  std::vector<MapOccupancy> out;
  std::vector<__u32> seen;  // map ids: shared maps appear in several objects
  auto collect = [&](bpf_object* obj, const char* object) {
    bpf_map* map;
    bpf_object__for_each_map(map, obj) {
      const int fd = bpf_map__fd(map);
      // .bss/.data/.rodata hold globals, not entries.
      if (fd < 0 || std::strchr(bpf_map__name(map), '.')) continue;
      bpf_map_info info{};
      __u32 len = sizeof(info);
      if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0) continue;
      if (std::find(seen.begin(), seen.end(), info.id) != seen.end()) continue;
      seen.push_back(info.id);
      const auto type = static_cast<bpf_map_type>(info.type);
      if (type == BPF_MAP_TYPE_ARRAY || type == BPF_MAP_TYPE_PERCPU_ARRAY) continue;
      MapOccupancy m{bpf_map__name(map), object, info.max_entries, std::nullopt};
      if (countable(type)) m.entries = count_keys(fd, info.key_size, info.max_entries);
      out.push_back(std::move(m));
    }
  };
  impl_->for_each_object(collect);
  return out;
}

BpfStatsScope::BpfStatsScope() : fd_(bpf_enable_stats(BPF_STATS_RUN_TIME)) {
  if (fd_ < 0) log_info("BPF run-time statistics unavailable: " + errno_text(errno));
}

BpfStatsScope::~BpfStatsScope() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace pw
