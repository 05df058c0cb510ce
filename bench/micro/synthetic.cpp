#include "synthetic.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>

#include "procwatch_abi.h"

namespace pw::bench {
namespace {

// Fixed seed: every run benchmarks the same bytes.
constexpr std::uint64_t kSeed = 0x70726f6377617463ULL;

constexpr std::uint64_t kPrevMonotonicNs = 1'000'000'000'000ULL;  // 1000 s after boot
constexpr std::uint64_t kIntervalNs = 1'000'000'000ULL;

constexpr std::array<const char*, 12> kComms = {
    "bash",    "sshd",        "postgres", "nginx",       "python3", "java",
    "systemd", "kworker/0:1", "node",     "containerd",  "cron",    "rsyslogd"};
constexpr std::array<const char*, 4> kUsers = {"root", "www-data", "postgres", "nobody"};

// 70% of processes are single-threaded, 20% have 2-4 threads, 10% 5-8.
std::size_t pick_thread_count(std::mt19937_64& rng) {
  const auto roll = rng() % 10;
  if (roll < 7) return 1;
  if (roll < 9) return 2 + rng() % 3;
  return 5 + rng() % 4;
}

std::uint32_t pick_state_bits(std::mt19937_64& rng) {
  const auto roll = rng() % 20;
  if (roll == 0) return 0;      // running
  if (roll == 1) return 0x402;  // idle kernel thread
  if (roll == 2) return 0x2;    // uninterruptible
  return 0x1;                   // sleeping
}

void fill_counters(pw_task_counters& c, std::mt19937_64& rng) {
  c.runtime_ns = rng() % 50'000'000'000ULL;
  c.utime_ns = c.runtime_ns / 2;
  c.stime_ns = c.runtime_ns / 3;
  c.vol_ctxsw = rng() % 1'000'000;
  c.invol_ctxsw = rng() % 10'000;
  c.min_flt = rng() % 100'000;
  c.maj_flt = rng() % 100;
  c.read_bytes = (rng() % 1'000'000) * 4096;
  c.write_bytes = (rng() % 1'000'000) * 4096;
}

void fill_sched(pw_sched_counters& s, std::mt19937_64& rng) {
  s.runq_waits = rng() % 100'000;
  s.runq_wait_ns = s.runq_waits * (1000 + rng() % 50'000);
  s.offcpu_ns = rng() % 900'000'000'000ULL;
}

void fill_hist(pw_hist& h, std::mt19937_64& rng) {
  for (int b = 8; b < 24; ++b) h.buckets[b] = static_cast<std::uint32_t>(rng() % 1000);
}

void fill_proc(pw_proc_counters& c, std::mt19937_64& rng) {
  c.net_tx_calls = rng() % 100'000;
  c.net_rx_calls = rng() % 100'000;
  c.net_tx_bytes = c.net_tx_calls * (rng() % 4096);
  c.net_rx_bytes = c.net_rx_calls * (rng() % 4096);
  c.tcp_active_opens = rng() % 100;
  c.block_read_ops = rng() % 10'000;
  c.block_write_ops = rng() % 10'000;
  c.block_read_bytes = c.block_read_ops * 4096;
  c.block_write_bytes = c.block_write_ops * 4096;
  c.mmap_bytes = (rng() % 10'000) << 16;
  c.munmap_bytes = c.mmap_bytes / 2;
  c.brk_grow_bytes = (rng() % 1000) << 12;
}

void fill_mem(pw_mem_gauges& m, std::mt19937_64& rng) {
  m.rss_anon_bytes = (rng() % 100'000) << 12;
  m.rss_file_bytes = (rng() % 10'000) << 12;
  m.rss_shmem_bytes = (rng() % 100) << 12;
  m.swap_bytes = 0;
  m.rss_peak_bytes = m.rss_anon_bytes + m.rss_file_bytes + m.rss_shmem_bytes;
  m.vm_size_bytes = m.rss_peak_bytes * 4;
}

template <std::size_t N>
void copy_comm(char (&dst)[N], const char* src) {
  std::memset(dst, 0, N);
  std::strncpy(dst, src, N - 1);
}

void append_bytes(std::vector<char>& out, const void* p, std::size_t n) {
  const auto* c = static_cast<const char*>(p);
  out.insert(out.end(), c, c + n);
}

ProcessSample make_process(std::int32_t pid, std::int32_t ppid, std::uint64_t start_ns,
                           std::mt19937_64& rng) {
  ProcessSample p;
  p.key = {pid, start_ns};
  p.ppid = ppid;
  const std::size_t name = rng() % kComms.size();
  p.comm = kComms[name];
  p.kernel_thread = p.comm.starts_with("kworker");
  if (!p.kernel_thread)
    p.cmdline = "/usr/bin/" + p.comm + " --config /etc/" + p.comm + "/main.conf --worker " +
                std::to_string(pid % 97);
  const std::size_t user = rng() % kUsers.size();
  p.uid = user == 0 ? 0 : static_cast<std::uint32_t>(100 + user);
  p.user = kUsers[user];
  p.cgroup = "/system.slice/" + p.comm + ".service";
  p.state = (rng() % 20 == 0) ? 'R' : 'S';
  p.num_threads = static_cast<std::uint32_t>(pick_thread_count(rng));
  for (std::size_t i = 0; i < kCounterCount; ++i)
    p.counters.set(static_cast<Counter>(i), rng() % 10'000'000'000ULL);
  for (int b = 8; b < 24; ++b) p.runq_hist.add(b, rng() % 1000);
  return p;
}

// The same process one interval later: every counter grew a little.
ProcessSample advance(const ProcessSample& old, std::mt19937_64& rng) {
  ProcessSample p = old;
  for (std::size_t i = 0; i < kCounterCount; ++i) {
    const auto c = static_cast<Counter>(i);
    p.counters.set(c, p.counters.get_or_zero(c) + rng() % 50'000'000);
  }
  for (int b = 8; b < 24; ++b) p.runq_hist.add(b, rng() % 10);
  return p;
}

SystemSample make_system(std::uint64_t monotonic_ns, std::uint64_t busy_scale) {
  SystemSample s;
  s.wall_ns = 1'700'000'000'000'000'000ULL + monotonic_ns;
  s.monotonic_ns = monotonic_ns;
  s.hostname = "bench-host";
  s.num_cpus = 2;
  s.cpu.user_ns = 300'000'000'000ULL + busy_scale * 400'000'000ULL;
  s.cpu.system_ns = 100'000'000'000ULL + busy_scale * 200'000'000ULL;
  s.cpu.idle_ns = 1'500'000'000'000ULL + busy_scale * 1'400'000'000ULL;
  s.load1 = 0.5;
  s.procs_running = 2;
  s.mem_total_bytes = 24ULL << 30;
  s.mem_available_bytes = 20ULL << 30;
  return s;
}

}  // namespace

std::vector<char> synth_thread_records(std::size_t threads) {
  std::mt19937_64 rng(kSeed);
  std::vector<char> out;
  out.reserve(threads * sizeof(pw_thread_record));
  constexpr std::size_t kPrefix = offsetof(pw_thread_record, dead_counters);
  std::uint32_t next_tid = 100;
  std::size_t written = 0;
  while (written < threads) {
    const std::size_t n = std::min(pick_thread_count(rng), threads - written);
    const std::uint32_t tgid = next_tid;
    const bool kthread = rng() % 10 == 0;
    for (std::size_t i = 0; i < n; ++i) {
      pw_thread_record r{};
      r.tid = next_tid++;
      r.tgid = tgid;
      r.ppid = kthread ? 2 : 1 + static_cast<std::uint32_t>(rng() % tgid);
      r.uid = kthread ? 0 : static_cast<std::uint32_t>(rng() % 2000);
      r.start_ns = kPrevMonotonicNs - rng() % kPrevMonotonicNs;
      r.state = pick_state_bits(rng);
      r.flags = PW_REC_HAS_SCHED | (kthread ? PW_REC_KTHREAD : 0u);
      r.cgroup_id = 1000 + tgid % 50;
      copy_comm(r.comm, kComms[rng() % kComms.size()]);
      fill_counters(r.counters, rng);
      fill_sched(r.sched, rng);
      fill_hist(r.runq_hist, rng);
      if (i == 0) {
        r.flags |= PW_REC_LEADER;
        r.nr_threads = static_cast<std::uint32_t>(n);
        fill_counters(r.dead_counters, rng);
        fill_sched(r.dead_sched, rng);
        fill_hist(r.dead_runq_hist, rng);
        if (!kthread) {
          fill_proc(r.proc, rng);
          fill_mem(r.mem, rng);
        }
        append_bytes(out, &r, sizeof r);
      } else {
        append_bytes(out, &r, kPrefix);
      }
    }
    written += n;
  }
  return out;
}

SamplePair synth_sample_pair(std::size_t processes) {
  std::mt19937_64 rng(kSeed);
  auto previous = std::make_shared<Sample>();
  previous->system = make_system(kPrevMonotonicNs, 0);
  previous->processes.reserve(processes);
  for (std::size_t i = 0; i < processes; ++i) {
    const auto pid = static_cast<std::int32_t>(100 + i);
    // Parents are earlier processes, so tree mode has real depth.
    const std::int32_t ppid = i == 0 ? 0 : static_cast<std::int32_t>(100 + rng() % i);
    previous->processes.push_back(
        make_process(pid, ppid, kPrevMonotonicNs - rng() % kPrevMonotonicNs, rng));
  }

  auto current = std::make_shared<Sample>();
  current->system = make_system(kPrevMonotonicNs + kIntervalNs, 1);
  current->processes.reserve(processes + processes / 100 + 1);
  std::size_t replaced = 0;
  for (const auto& old : previous->processes) {
    ProcessSample p = advance(old, rng);
    if (rng() % 100 == 0) {  // exited during the interval: final totals
      p.state = 'X';
      p.num_threads = 0;
      p.exit_status = 0;
      p.exit_ns = kPrevMonotonicNs + kIntervalNs / 2;
      ++replaced;
    }
    current->processes.push_back(std::move(p));
  }
  for (std::size_t i = 0; i < replaced; ++i) {  // as many new processes
    const auto pid = static_cast<std::int32_t>(100 + processes + i);
    current->processes.push_back(make_process(pid, 100, kPrevMonotonicNs + kIntervalNs / 3, rng));
  }
  return {std::move(previous), std::move(current)};
}

Model synth_model(const SamplePair& pair) {
  return derive_model(pair.current, pair.previous.get());
}

}  // namespace pw::bench
