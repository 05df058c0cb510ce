#include "probe/probe_set.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <unordered_set>
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
#include "probe/program_roles.h"
#include "probe/socket_diag.h"
#include "procwatch_abi.h"
#include "sched.skel.h"
#include "tasks.skel.h"

namespace pw {
namespace {

// A loaded skeleton, the links of its programs (links first to go) and
// what happened to each program.
template <typename Skel, void (*Destroy)(Skel*)>
struct Loaded {
  SkeletonPtr<Skel, Destroy> skel;
  std::vector<ProgramLink> links;
  std::vector<ProgramOutcome> refusals;  // refused at load or attach
  std::set<std::string> disabled;        // by the user
  bool detached = false;                 // by the CPU budget
  explicit operator bool() const { return skel != nullptr; }
};

// Open, configure (callback, told which programs are off), load and
// attach, giving up refused programs one at a time (object_loader.h).
// Nothing is kept unless the object loads with at least one program.
template <typename Skel, Skel* (*Open)(), void (*Destroy)(Skel*), typename Configure>
Status load_skeleton(std::string_view name, Loaded<Skel, Destroy>& out,
                     const std::set<std::string>& user_off, Configure&& configure) {
  SkeletonPtr<Skel, Destroy> skel;
  std::set<std::string> off = user_off;
  std::vector<ProgramOutcome> refusals;
  LoadAttempt attempt{[&](const std::set<std::string>& now_off) -> Status {
                        skel.reset(Open());
                        if (!skel) return Status::error(bpf_step_error(name, "open", errno));
                        return configure(*skel, now_off);
                      },
                      [&] { return skel->obj; }};
  if (Status s = load_with_degradation(name, attempt, off, refusals); !s) return s;
  std::vector<ProgramLink> links;
  const std::size_t attached = attach_programs(skel->obj, name, links, &refusals);
  std::size_t on_demand = 0;  // iterators: attached by their owner or run on demand
  bpf_program* prog;
  bpf_object__for_each_program(prog, skel->obj) {
    if (bpf_program__autoload(prog) && !bpf_program__autoattach(prog)) ++on_demand;
  }
  if (attached == 0 && on_demand == 0) {
    const std::string why = refusals.empty() ? "no program to attach" : refusals.back().reason;
    return Status::error(why);
  }
  out.skel = std::move(skel);
  out.links = std::move(links);
  out.refusals = std::move(refusals);
  out.disabled.clear();
  for (const std::string& p : user_off)
    if (bpf_object__find_program_by_name(out.skel->obj, p.c_str())) out.disabled.insert(p);
  return Status::ok();
}

// A tp_btf program that was refused falls back to its raw_tp twin
// ("on_process_fork" -> "on_process_fork_raw") when the object has one.
void enable_raw_twins(bpf_object* obj, const std::set<std::string>& off) {
  for (const std::string& name : off) {
    const std::string twin = name + "_raw";
    if (off.count(twin)) continue;
    if (bpf_program* p = bpf_object__find_program_by_name(obj, twin.c_str()))
      bpf_program__set_autoload(p, true);
  }
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
  // Programs the user switched off, by name (ProbeOptions and
  // PROCWATCH_DISABLE_PROGRAMS; "object:" prefixes already stripped per object).
  std::map<std::string, std::set<std::string>> user_off;
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
  LinkPtr socket_iter;                      // iterates net's sock_stats map
  std::unique_ptr<SocketDiag> socket_diag;  // the connection list without the iterator
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

  const std::set<std::string>& off_for(const std::string& object) { return user_off[object]; }

  // One notice per program given up, saying what is lost or what replaces it.
  template <typename L>
  void report_refusals(std::string_view object, const L& loaded) {
    for (const ProgramOutcome& r : loaded.refusals) {
      const ProgramRole role = program_role(object, r.program);
      std::string n = std::string(object) + ": program " + r.program + " (" + r.section + ") " +
                      program_status_name(r.status) + ": " + r.reason;
      n += role.fallback.empty() ? "; lost: " + role.provides : "; instead: " + role.fallback;
      notices.push_back(n);
      if (role.fallback.empty())
        log_warn(n);
      else
        log_info(n);
    }
    for (const std::string& d : loaded.disabled) {
      const ProgramRole role = program_role(object, d);
      notices.push_back(
          std::string(object) + ": program " + d + " disabled by the user" +
          (role.fallback.empty() ? "; lost: " + role.provides : "; instead: " + role.fallback));
      log_info(notices.back());
    }
  }

  // Loads one object with the task_stats map shared; degrades with a notice.
  template <typename Skel, Skel* (*Open)(), void (*Destroy)(Skel*), typename Extra>
  Status try_load_with_task_stats(std::string_view name, Loaded<Skel, Destroy>& out,
                                  Extra&& extra) {
    Status s = load_skeleton<Skel, Open, Destroy>(
        name, out, off_for(std::string(name)), [&](Skel& skel, const std::set<std::string>& off) {
          share(task_stats_fd, skel.maps.task_stats);
          return extra(skel, off);
        });
    if (s) remember(task_stats_fd, out.skel->maps.task_stats);
    return s;
  }

  template <typename Skel, Skel* (*Open)(), void (*Destroy)(Skel*), typename Extra>
  void load_with_task_stats(std::string_view name, const std::string& degraded,
                            Loaded<Skel, Destroy>& out, Extra&& extra) {
    Status s = try_load_with_task_stats<Skel, Open, Destroy>(name, out, extra);
    if (!s) {
      notices.push_back(degraded + ": " + s.message());
      log_warn(notices.back());
      return;
    }
    report_refusals(name, out);
  }

  Status load_lifecycle(std::string_view variant);
  void load_oom();
  void load_net();
  Status read_sockets_by_cookie(std::vector<char>& out);
  std::unordered_set<std::uint64_t> cookies_missing_once;

  // Calls fn(loaded, "sched") for each object, loaded or not.
  template <typename Fn>
  void for_each_loaded(Fn&& fn) const {
    fn(sched, "sched");
    fn(lifecycle, "lifecycle");
    fn(tasks, "tasks");
    fn(io, "io");
    fn(net, "net");
    fn(mem, "mem");
    fn(oom, "oom");
  }

  // Calls fn(bpf_object*, "sched") for each loaded object.
  template <typename Fn>
  void for_each_object(Fn&& fn) const {
    for_each_loaded([&](const auto& loaded, const char* name) {
      if (loaded) fn(loaded.skel->obj, name);
    });
  }
};

Status ProbeSet::Impl::load_lifecycle(std::string_view variant) {
  Loaded<procwatch_lifecycle, procwatch_lifecycle__destroy> loaded;
  Status s =
      load_skeleton<procwatch_lifecycle, procwatch_lifecycle__open, procwatch_lifecycle__destroy>(
          "lifecycle", loaded, off_for("lifecycle"),
          [&](procwatch_lifecycle& skel, const std::set<std::string>& off) {
            select_variant(skel.obj, variant == "raw_tp" ? "raw_tp/" : "tp_btf/",
                           {"tp_btf/", "raw_tp/"});
            if (variant != "raw_tp") enable_raw_twins(skel.obj, off);
            if (int err = bpf_map__set_max_entries(skel.maps.events, options.ringbuf_bytes); err)
              return Status::error(
                  bpf_step_error("lifecycle", "sizing the event ring buffer", err));
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
  report_refusals("lifecycle", lifecycle);
  return Status::ok();
}

void ProbeSet::Impl::load_oom() {
  if (!lifecycle) {
    notices.push_back("OOM kill events unavailable: they travel on the lifecycle ring buffer");
    return;
  }
  Status s = load_skeleton<procwatch_oom, procwatch_oom__open, procwatch_oom__destroy>(
      "oom", oom, off_for("oom"), [&](procwatch_oom& skel, const std::set<std::string>&) {
        share(events_fd, skel.maps.events);
        share(dropped_fd, skel.maps.dropped_events);
        skel.rodata->wakeup_threshold_bytes = options.ringbuf_bytes / 16;
        return Status::ok();
      });
  if (!s) {
    notices.push_back("OOM kill events unavailable: " + s.message());
    log_warn(notices.back());
    return;
  }
  report_refusals("oom", oom);
}

void ProbeSet::Impl::load_net() {
  // The connection list comes from the socket-storage iterator, or, when
  // this kernel refuses it (or the user disables it), from sock_diag
  // netlink joined to the owners and bytes the programs keep per socket
  // cookie (track_cookies).
  std::set<std::string> extra_off;
  std::optional<ProgramOutcome> refused_iter;
  for (int round = 0; round < 2; ++round) {
    std::set<std::string> off = off_for("net");
    off.insert(extra_off.begin(), extra_off.end());
    Loaded<procwatch_net, procwatch_net__destroy> loaded;
    Status s = load_skeleton<procwatch_net, procwatch_net__open, procwatch_net__destroy>(
        "net", loaded, off, [&](procwatch_net& skel, const std::set<std::string>& now_off) {
          share(task_stats_fd, skel.maps.task_stats);
          bpf_program__set_autoattach(skel.progs.dump_sockets, false);
          skel.rodata->track_cookies = now_off.count("dump_sockets") > 0;
          return Status::ok();
        });
    if (!s) {
      notices.push_back("network bytes, TCP events and connections unavailable: " + s.message());
      log_warn(notices.back());
      return;
    }
    remember(task_stats_fd, loaded.skel->maps.task_stats);
    // The user's own choices are reported as disabled, not as refusals.
    for (const std::string& p : extra_off) loaded.disabled.erase(p);
    if (!loaded.skel->rodata->track_cookies) {
      // A map iterator is bound to its map at attach time.
      union bpf_iter_link_info info {};
      info.map.map_fd = bpf_map__fd(loaded.skel->maps.sock_stats);
      LIBBPF_OPTS(bpf_iter_attach_opts, opts, .link_info = &info, .link_info_len = sizeof info);
      clear_libbpf_messages();
      LinkPtr iter(bpf_program__attach_iter(loaded.skel->progs.dump_sockets, &opts));
      if (!iter) {
        // Cookies must be tracked from the start: load again with them.
        const int err = errno;
        extra_off.insert("dump_sockets");
        std::string reason = bpf_step_error("net", "attach of the socket iterator", err);
        if (std::string hint = refusal_hint(err); !hint.empty()) reason += "; " + hint;
        refused_iter = ProgramOutcome{"dump_sockets", "iter/bpf_sk_storage_map",
                                      ProgramStatus::AttachRefused, err, reason};
        continue;
      }
      socket_iter = std::move(iter);
    } else {
      socket_diag = std::make_unique<SocketDiag>();
    }
    if (refused_iter) loaded.refusals.push_back(*refused_iter);
    net = std::move(loaded);
    report_refusals("net", net);
    return;
  }
}

ProbeSet::ProbeSet(const ProbeOptions& options) : impl_(std::make_unique<Impl>()) {
  install_libbpf_logging();
  if (Status s = evaluate_preflight(probe_preflight_inputs()); !s) throw FatalError(s.message());
  Impl& m = *impl_;
  m.options = options;
  std::vector<std::string> off = options.disabled_programs;
  if (const char* env = std::getenv("PROCWATCH_DISABLE_PROGRAMS"))
    for (const std::string& p : split_program_list(env)) off.push_back(p);
  for (const std::string& entry : off) {
    const auto colon = entry.find(':');
    if (colon == std::string::npos) {
      for (const char* o : {"sched", "lifecycle", "tasks", "io", "net", "mem", "oom"})
        m.user_off[o].insert(entry);
    } else {
      m.user_off[entry.substr(0, colon)].insert(entry.substr(colon + 1));
    }
  }
  auto no_extra = [](auto&, const std::set<std::string>&) { return Status::ok(); };

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
    // block_io_start (6.5+) names each request in its submitter's context;
    // without it requests are traced back through their bios (block_getrq).
    m.load_with_task_stats<procwatch_io, procwatch_io__open, procwatch_io__destroy>(
        "io", "block IO per device and IO latency unavailable", m.io,
        [](procwatch_io& skel, const std::set<std::string>& off) {
          const bool from_bios = off.count("on_block_io_start") > 0;
          bpf_program__set_autoload(skel.progs.on_block_getrq, from_bios);
          skel.rodata->owners_from_bios = from_bios;
          return Status::ok();
        });
  }
  if (options.network) m.load_net();
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
    loaded.detached = true;
    return true;
  }
  if (!loaded.detached) return true;
  std::vector<ProgramOutcome> refused = loaded.refusals;
  if (attach_programs(loaded.skel->obj, name, loaded.links, &refused) == 0) {
    log_warn(std::string(name) + ": re-attaching failed" +
             (refused.size() > loaded.refusals.size() ? ": " + refused.back().reason : ""));
    loaded.links.clear();
    return false;
  }
  loaded.detached = false;
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
  if (object == "net") return m.net && !m.net.detached;
  if (object == "io") return m.io && !m.io.detached;
  if (object == "mem") return m.mem && !m.mem.detached;
  if (object == "sched") return m.sched && !m.sched.detached;
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
  return read_iterator(link_of(t.links, t.skel->progs.dump_task), sink, "task");
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
  if (impl_->socket_iter) return read_iterator(impl_->socket_iter.get(), out, "socket");
  if (!impl_->socket_diag) return Status::error("no connection list source");
  return impl_->read_sockets_by_cookie(out);
}

namespace {

// Every entry of the cookie map, in as few syscalls as the kernel allows.
std::unordered_map<std::uint64_t, pw_sock_stats> read_cookie_map(int fd) {
  std::unordered_map<std::uint64_t, pw_sock_stats> out;
  constexpr std::uint32_t kBatch = 4096;
  std::vector<std::uint64_t> keys(kBatch);
  std::vector<pw_sock_stats> values(kBatch);
  std::uint64_t in_batch = 0, out_batch = 0;
  bool first = true;
  for (;;) {
    std::uint32_t count = kBatch;
    const int err = bpf_map_lookup_batch(fd, first ? nullptr : &in_batch, &out_batch, keys.data(),
                                         values.data(), &count, nullptr);
    const int e = err ? errno : 0;
    for (std::uint32_t i = 0; i < count; ++i) out.emplace(keys[i], values[i]);
    if (err && e == ENOENT) return out;  // the end
    if (err && (e == EINVAL || e == ENOTSUP || e == EOPNOTSUPP) && first) break;
    if (err) return out;
    in_batch = out_batch;
    first = false;
  }
  // Kernels without batch operations on this map: one key at a time.
  std::uint64_t key = 0, next = 0;
  const void* prev = nullptr;
  pw_sock_stats value{};
  while (bpf_map_get_next_key(fd, prev, &next) == 0) {
    key = next;
    prev = &key;
    if (bpf_map_lookup_elem(fd, &key, &value) == 0) out.emplace(key, value);
  }
  return out;
}

}  // namespace

Status ProbeSet::Impl::read_sockets_by_cookie(std::vector<char>& out) {
  const int fd = bpf_map__fd(net.skel->maps.sock_by_cookie);
  // Owners first: a socket created after this snapshot is missed for one
  // interval rather than listed without its owner.
  std::unordered_map<std::uint64_t, pw_sock_stats> owners = read_cookie_map(fd);
  std::vector<DiagSocket> sockets;
  if (Status s = socket_diag->dump(sockets); !s) return s;
  out.reserve(sockets.size() * sizeof(pw_socket_record));
  for (const DiagSocket& d : sockets) {
    auto it = owners.find(d.cookie);
    if (it == owners.end()) continue;  // a socket procwatch has not seen used
    pw_socket_record r{};
    r.owner_tgid = it->second.owner_tgid;
    r.family = d.family;
    r.protocol = d.protocol;
    r.state = d.protocol == IPPROTO_TCP ? d.state : 0;
    r.local_port = d.local_port;
    r.remote_port = d.remote_port;
    std::memcpy(r.local_addr, d.local_addr, sizeof r.local_addr);
    std::memcpy(r.remote_addr, d.remote_addr, sizeof r.remote_addr);
    r.srtt_us = d.rtt_us;
    r.tx_bytes = it->second.tx_bytes;
    r.rx_bytes = it->second.rx_bytes;
    r.retransmits = it->second.retransmits;
    const char* bytes = reinterpret_cast<const char*>(&r);
    out.insert(out.end(), bytes, bytes + sizeof r);
    owners.erase(it);
  }
  // What is left are sockets the kernel no longer lists (closed UDP
  // sockets; TCP entries go at close in the kernel). A socket between
  // connect() and being hashed is not listed for a moment, so an entry is
  // removed only when it is missing from two listings in a row.
  std::unordered_set<std::uint64_t> missing;
  std::vector<std::uint64_t> doomed;
  for (const auto& [cookie, _] : owners) {
    if (cookies_missing_once.count(cookie))
      doomed.push_back(cookie);
    else
      missing.insert(cookie);
  }
  for (std::uint64_t cookie : doomed) bpf_map_delete_elem(fd, &cookie);
  cookies_missing_once = std::move(missing);
  return Status::ok();
}

std::string ProbeSet::connection_source() const {
  if (impl_->socket_iter) return "socket-storage iterator";
  if (impl_->socket_diag) return "sock_diag netlink";
  return "";
}

std::vector<ObjectPrograms> ProbeSet::programs() const {
  std::vector<ObjectPrograms> out;
  const Impl& m = *impl_;
  m.for_each_loaded([&](const auto& loaded, const char* name) {
    ObjectPrograms o;
    o.object = name;
    o.loaded = static_cast<bool>(loaded);
    if (loaded)
      o.programs = program_outcomes(loaded.skel->obj, loaded.links, loaded.refusals,
                                    loaded.disabled, loaded.detached);
    out.push_back(std::move(o));
  });
  return out;
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
  if (Status s = read_iterator(link_of(io.links, io.skel->progs.dump_io), records, "block IO"); !s)
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
