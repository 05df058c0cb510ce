#include "collect/task_records.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <unordered_map>

#include "procwatch_abi.h"

namespace pw {
namespace {

constexpr std::size_t kThreadPrefix = offsetof(pw_thread_record, dead_counters);

std::string bounded_string(const char* s, std::size_t max) {
  return std::string(s, ::strnlen(s, max));
}

void add_task_counters(CounterSet& c, const pw_task_counters& k) {
  c.add(Counter::RuntimeNs, k.runtime_ns);
  c.add(Counter::UtimeNs, k.utime_ns);
  c.add(Counter::StimeNs, k.stime_ns);
  c.add(Counter::VolCtxSw, k.vol_ctxsw);
  c.add(Counter::InvolCtxSw, k.invol_ctxsw);
  c.add(Counter::MinFlt, k.min_flt);
  c.add(Counter::MajFlt, k.maj_flt);
  c.add(Counter::ReadBytes, k.read_bytes);
  c.add(Counter::WriteBytes, k.write_bytes);
}

// run_delay and off-CPU time come from the kernel's sched_info (read by the
// iterator); the number of waits is what the histogram recorded.
void add_sched_counters(CounterSet& c, const pw_sched_counters& k) {
  c.add(Counter::RunqWaitNs, k.runq_wait_ns);
  c.add(Counter::OffCpuNs, k.offcpu_ns);
}

void add_proc_counters(CounterSet& c, const pw_proc_counters& k, const DecodeOptions& o) {
  if (o.net_measured) {
    c.add(Counter::NetTxBytes, k.net_tx_bytes);
    c.add(Counter::NetRxBytes, k.net_rx_bytes);
    c.add(Counter::NetTxCalls, k.net_tx_calls);
    c.add(Counter::NetRxCalls, k.net_rx_calls);
    c.add(Counter::TcpActiveOpens, k.tcp_active_opens);
  }
  if (o.block_measured) {
    c.add(Counter::BlockReadOps, k.block_read_ops);
    c.add(Counter::BlockWriteOps, k.block_write_ops);
    c.add(Counter::BlockReadBytes, k.block_read_bytes);
    c.add(Counter::BlockWriteBytes, k.block_write_bytes);
  }
  if (o.memsys_measured) {
    c.add(Counter::MmapBytes, k.mmap_bytes);
    c.add(Counter::MunmapBytes, k.munmap_bytes);
    c.add(Counter::BrkGrowBytes, k.brk_grow_bytes);
  }
}

void set_mem_gauges(CounterSet& c, const pw_mem_gauges& m) {
  c.set(Counter::RssAnonBytes, m.rss_anon_bytes);
  c.set(Counter::RssFileBytes, m.rss_file_bytes);
  c.set(Counter::RssShmemBytes, m.rss_shmem_bytes);
  c.set(Counter::SwapBytes, m.swap_bytes);
  c.set(Counter::RssPeakBytes, m.rss_peak_bytes);
  c.set(Counter::VmSizeBytes, m.vm_size_bytes);
}

void add_hist(Log2Histogram& h, const pw_hist& k) {
  static_assert(PW_HIST_BUCKETS == Log2Histogram::kBuckets);
  std::array<std::uint64_t, Log2Histogram::kBuckets> counts;
  for (int i = 0; i < PW_HIST_BUCKETS; ++i) counts[i] = k.buckets[i];
  h.add_all(counts);
}

// Rank used to pick a process's state from its threads' states: the most
// "active" thread wins, as a user reading top expects (R beats D beats S).
int state_rank(char s) {
  switch (s) {
    case 'R':
      return 6;
    case 'D':
      return 5;
    case 'T':
    case 't':
      return 4;
    case 'S':
      return 3;
    case 'I':
      return 2;
    case 'Z':
      return 1;
    default:
      return 0;
  }
}

}  // namespace

char task_state_letter(std::uint32_t bits) {
  // Values from include/linux/sched.h; stable since 4.14.
  if (bits & 0x20) return 'Z';              // EXIT_ZOMBIE
  if (bits & 0x10) return 'X';              // EXIT_DEAD
  if ((bits & 0x402) == 0x402) return 'I';  // TASK_IDLE = UNINTERRUPTIBLE | NOLOAD
  if (bits & 0x1) return 'S';
  if (bits & 0x2) return 'D';
  if (bits & 0x4) return 'T';
  if (bits & 0x8) return 't';
  if (bits & 0x40) return 'P';
  if (bits == 0) return 'R';
  return '?';
}

TaskRecordAggregator::TaskRecordAggregator(const DecodeOptions& options,
                                           std::size_t expected_processes)
    : options_(options) {
  out_.reserve(expected_processes);
  index_.reserve(expected_processes);
}

void TaskRecordAggregator::feed(std::span<const char> bytes) {
  // A record may straddle two reads: complete the carried part first.
  // (Its size is known once its prefix is complete.)
  while (!carry_.empty()) {
    const std::size_t want = record_size(carry_);
    if (carry_.size() >= want) {
      add_record(carry_.data());
      carry_.clear();
      break;
    }
    if (bytes.empty()) return;
    const std::size_t take = std::min(want - carry_.size(), bytes.size());
    carry_.insert(carry_.end(), bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take));
    bytes = bytes.subspan(take);
  }
  std::size_t pos = 0;
  while (bytes.size() - pos >= kThreadPrefix) {
    const std::size_t size = record_size(bytes.subspan(pos));
    if (bytes.size() - pos < size) break;
    add_record(bytes.data() + pos);
    pos += size;
  }
  carry_.assign(bytes.begin() + static_cast<std::ptrdiff_t>(pos), bytes.end());
}

std::size_t TaskRecordAggregator::record_size(std::span<const char> bytes) {
  if (bytes.size() < kThreadPrefix) return kThreadPrefix;
  pw_thread_record r;
  std::memcpy(&r, bytes.data(), kThreadPrefix);
  return (r.flags & PW_REC_LEADER) ? sizeof(pw_thread_record) : kThreadPrefix;
}

void TaskRecordAggregator::add_record(const char* data) {
  pw_thread_record r{};
  std::memcpy(&r, data, kThreadPrefix);
  const bool leader = r.flags & PW_REC_LEADER;
  if (leader) std::memcpy(&r, data, sizeof(pw_thread_record));
  auto [it, inserted] = index_.try_emplace(r.tgid, out_.size());
  if (inserted) {
    out_.emplace_back();
    out_.back().key.pid = static_cast<std::int32_t>(r.tgid);
  }
  ProcessSample& p = out_[it->second];
  const char state = task_state_letter(r.state);
  add_task_counters(p.counters, r.counters);
  add_sched_counters(p.counters, r.sched);
  if (options_.sched_measured) add_hist(p.runq_hist, r.runq_hist);
  // Each thread counts its own socket, block and mmap work (kernel
  // threads have none to report).
  if (!(r.flags & PW_REC_KTHREAD)) add_proc_counters(p.counters, r.proc, options_);
  if (state_rank(state) > state_rank(p.state)) p.state = state;

  if (leader) {
    p.key.start_ns = r.start_ns;
    p.ppid = static_cast<std::int32_t>(r.ppid);
    p.uid = r.uid;
    p.comm = bounded_string(r.comm, sizeof r.comm);
    p.kernel_thread = r.flags & PW_REC_KTHREAD;
    p.num_threads = r.nr_threads;
    p.cgroup_id = r.cgroup_id;
    if (!p.kernel_thread) {
      add_proc_counters(p.counters, r.dead_proc, options_);
      // A zombie has no mm left: no levels to report.
      if (r.mem.vm_size_bytes) set_mem_gauges(p.counters, r.mem);
    }
    add_task_counters(p.counters, r.dead_counters);
    add_sched_counters(p.counters, r.dead_sched);
    if (options_.sched_measured) add_hist(p.runq_hist, r.dead_runq_hist);
    if (state == 'Z') p.state = 'Z';  // a zombie leader with no live threads
  }
  if (options_.keep_threads) {
    ThreadSample t;
    t.tid = static_cast<std::int32_t>(r.tid);
    t.start_ns = r.start_ns;
    t.comm = bounded_string(r.comm, sizeof r.comm);
    t.state = state;
    add_task_counters(t.counters, r.counters);
    add_sched_counters(t.counters, r.sched);
    if (options_.sched_measured) {
      add_hist(t.runq_hist, r.runq_hist);
      t.counters.set(Counter::RunqWaits, t.runq_hist.total());
    }
    p.threads.push_back(std::move(t));
  }
}

std::vector<ProcessSample> TaskRecordAggregator::finish(std::size_t* bad_bytes) {
  if (bad_bytes) *bad_bytes = carry_.size();
  carry_.clear();
  for (auto& p : out_) {
    if (p.num_threads == 0) p.num_threads = 1;
    if (options_.sched_measured) p.counters.set(Counter::RunqWaits, p.runq_hist.total());
  }
  index_.clear();
  return std::move(out_);
}

std::vector<ProcessSample> aggregate_task_records(std::span<const char> bytes,
                                                  const DecodeOptions& options,
                                                  std::size_t* bad_bytes) {
  TaskRecordAggregator aggregator(options, bytes.size() / sizeof(pw_thread_record) + 16);
  aggregator.feed(bytes);
  return aggregator.finish(bad_bytes);
}

std::optional<DecodedEvent> decode_event(const void* data, std::size_t size,
                                         const DecodeOptions& options) {
  if (size < sizeof(pw_event_header)) return std::nullopt;
  pw_event_header h;
  std::memcpy(&h, data, sizeof h);
  DecodedEvent d;
  d.event.ts_ns = h.ts_ns;
  switch (h.kind) {
    case PW_EVENT_FORK: {
      if (size < sizeof(pw_fork_event)) return std::nullopt;
      pw_fork_event e;
      std::memcpy(&e, data, sizeof e);
      d.event.kind = LifecycleEvent::Kind::Fork;
      d.event.key = {static_cast<std::int32_t>(e.child_tgid), e.child_start_ns};
      d.event.ppid = static_cast<std::int32_t>(e.parent_tgid);
      d.event.comm = bounded_string(e.comm, sizeof e.comm);
      return d;
    }
    case PW_EVENT_EXEC: {
      if (size < sizeof(pw_exec_event)) return std::nullopt;
      pw_exec_event e;
      std::memcpy(&e, data, sizeof e);
      d.event.kind = LifecycleEvent::Kind::Exec;
      d.event.key = {static_cast<std::int32_t>(e.tgid), e.start_ns};
      d.event.comm = bounded_string(e.comm, sizeof e.comm);
      d.event.filename = bounded_string(e.filename, sizeof e.filename);
      const std::size_t n = e.args_len <= sizeof e.args ? e.args_len : sizeof e.args;
      std::string args(e.args, n);
      while (!args.empty() && args.back() == '\0') args.pop_back();
      for (char& c : args)
        if (c == '\0') c = ' ';
      d.event.argv = std::move(args);
      return d;
    }
    case PW_EVENT_EXIT: {
      if (size < sizeof(pw_exit_event)) return std::nullopt;
      pw_exit_event e;
      std::memcpy(&e, data, sizeof e);
      d.event.kind = LifecycleEvent::Kind::Exit;
      d.event.key = {static_cast<std::int32_t>(e.tgid), e.start_ns};
      d.event.ppid = static_cast<std::int32_t>(e.ppid);
      d.event.comm = bounded_string(e.comm, sizeof e.comm);
      d.event.exit_status = e.exit_code;

      ProcessSample p;
      p.key = d.event.key;
      p.ppid = d.event.ppid;
      p.uid = e.uid;
      p.comm = d.event.comm;
      p.state = 'X';
      p.num_threads = 0;
      p.exit_status = e.exit_code;
      p.exit_ns = h.ts_ns;
      add_task_counters(p.counters, e.counters);
      add_sched_counters(p.counters, e.sched);
      if (options.sched_measured) {
        add_hist(p.runq_hist, e.runq_hist);
        p.counters.set(Counter::RunqWaits, p.runq_hist.total());
      }
      add_proc_counters(p.counters, e.proc, options);
      if (e.mem.rss_peak_bytes) p.counters.set(Counter::RssPeakBytes, e.mem.rss_peak_bytes);
      d.exited = std::move(p);
      return d;
    }
    case PW_EVENT_OOM_KILL: {
      if (size < sizeof(pw_oom_event)) return std::nullopt;
      pw_oom_event e;
      std::memcpy(&e, data, sizeof e);
      d.event.kind = LifecycleEvent::Kind::OomKill;
      d.event.key = {static_cast<std::int32_t>(e.victim_tgid), e.victim_start_ns};
      d.event.comm = bounded_string(e.victim_comm, sizeof e.victim_comm);
      d.event.trigger_pid = static_cast<std::int32_t>(e.trigger_tgid);
      d.event.trigger_comm = bounded_string(e.trigger_comm, sizeof e.trigger_comm);
      d.event.victim_rss_bytes = e.victim_rss_bytes;
      return d;
    }
    default:
      return std::nullopt;
  }
}

std::string format_endpoint(std::uint16_t family, const std::uint8_t* addr, std::uint16_t port) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET) {
    ::inet_ntop(AF_INET, addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(port);
  }
  ::inet_ntop(AF_INET6, addr, buf, sizeof buf);
  return "[" + std::string(buf) + "]:" + std::to_string(port);
}

std::string tcp_state_name(std::uint8_t state) {
  static const char* const kNames[] = {
      "",      "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",
      "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV"};
  if (state < std::size(kNames)) return kNames[state];
  return "STATE_" + std::to_string(state);
}

std::vector<OwnedConnection> decode_socket_records(std::span<const char> bytes) {
  std::vector<OwnedConnection> out;
  for (std::size_t pos = 0; bytes.size() - pos >= sizeof(pw_socket_record);
       pos += sizeof(pw_socket_record)) {
    pw_socket_record r;
    std::memcpy(&r, bytes.data() + pos, sizeof r);
    if (r.family != AF_INET && r.family != AF_INET6) continue;
    OwnedConnection oc;
    oc.owner_tgid = r.owner_tgid;
    Connection& c = oc.connection;
    c.protocol = r.protocol;
    c.family = r.family == AF_INET ? 4 : 6;
    c.local = format_endpoint(r.family, r.local_addr, r.local_port);
    c.remote = format_endpoint(r.family, r.remote_addr, r.remote_port);
    if (r.protocol == IPPROTO_TCP) {
      c.state = tcp_state_name(r.state);
      if (r.srtt_us) c.srtt_us = r.srtt_us;
    }
    c.tx_bytes = r.tx_bytes;
    c.rx_bytes = r.rx_bytes;
    c.retransmits = r.retransmits;
    out.push_back(std::move(oc));
  }
  return out;
}

}  // namespace pw
