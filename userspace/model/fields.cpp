#include "model/fields.h"

#include <array>
#include <cmath>
#include <cstdio>

#include "model/cgroup_identity.h"

namespace pw {
namespace {

FieldValue opt(std::optional<double> v) {
  if (!v) return std::monostate{};
  return *v;
}

FieldValue rate(const ProcessRow& r, Counter c, double dt) { return opt(r.rate_per_s(c, dt)); }

// Share of the interval a counter in ns covers, top's convention:
// 100% = one full core.
FieldValue time_pct(const ProcessRow& r, Counter c, double dt) {
  const auto ns = r.rate_per_s(c, dt);
  if (!ns) return std::monostate{};
  return *ns / 1e9 * 100.0;
}

FieldValue sum_rate(const ProcessRow& r, Counter a, Counter b, double dt) {
  const auto x = r.rate_per_s(a, dt);
  const auto y = r.rate_per_s(b, dt);
  if (!x || !y) return std::monostate{};
  return *x + *y;
}

FieldValue quantile_us(const Log2Histogram& h, double q) {
  const auto ns = h.quantile_ns(q);
  if (!ns) return std::monostate{};
  return *ns / 1000.0;
}

FieldValue runq_quantile_us(const ProcessRow& r, double q) {
  return quantile_us(r.runq_hist_delta, q);
}

FieldValue level(const ProcessRow& r, Counter c) {
  const auto v = r.level(c);
  if (!v) return std::monostate{};
  return static_cast<std::int64_t>(*v);
}

// Events of this interval as a plain count (rare events: a rate would
// show 0.0 for one retransmit).
FieldValue interval_count(const ProcessRow& r, Counter c) {
  const auto d = r.delta.get(c);
  if (!d) return std::monostate{};
  return static_cast<std::int64_t>(*d);
}

FieldValue text_or_missing(std::string s) {
  if (s.empty()) return std::monostate{};
  return s;
}

const std::array kFields = {
    FieldDef{FieldId::Pid, "pid", "PID", "", "process id", FieldKind::Integer, FieldFormat::Plain,
             7, false,
             [](const ProcessRow& r, double) -> FieldValue { return std::int64_t{r.sample->key.pid}; }},
    FieldDef{FieldId::Ppid, "ppid", "PPID", "", "parent process id", FieldKind::Integer,
             FieldFormat::Plain, 7, false,
             [](const ProcessRow& r, double) -> FieldValue { return std::int64_t{r.sample->ppid}; }},
    FieldDef{FieldId::User, "user", "USER", "", "owner (real uid) name", FieldKind::Text,
             FieldFormat::Plain, 9, true,
             [](const ProcessRow& r, double) -> FieldValue {
               if (r.sample->user.empty()) return std::to_string(r.sample->uid);
               return r.sample->user;
             }},
    FieldDef{FieldId::Uid, "uid", "UID", "", "real user id", FieldKind::Integer, FieldFormat::Plain,
             6, false,
             [](const ProcessRow& r, double) -> FieldValue { return std::int64_t{r.sample->uid}; }},
    FieldDef{FieldId::Comm, "comm", "COMM", "", "kernel task name (15 bytes)", FieldKind::Text,
             FieldFormat::Plain, 16, true,
             [](const ProcessRow& r, double) -> FieldValue { return r.sample->comm; }},
    FieldDef{FieldId::Cmdline, "cmdline", "COMMAND", "", "command line ([comm] for kernel threads, else comm if none)",
             FieldKind::Text, FieldFormat::Plain, 30, true,
             [](const ProcessRow& r, double) -> FieldValue {
               if (r.sample->cmdline.empty()) return r.sample->kernel_thread ? "[" + r.sample->comm + "]" : r.sample->comm;
               return r.sample->cmdline;
             }},
    FieldDef{FieldId::State, "state", "S", "", "R running, S sleeping, D disk wait, T stopped, I idle kernel thread, Z zombie, X exited",
             FieldKind::Text, FieldFormat::Plain, 1, true,
             [](const ProcessRow& r, double) -> FieldValue { return std::string(1, r.sample->state); }},
    FieldDef{FieldId::Threads, "threads", "THR", "", "number of threads", FieldKind::Integer,
             FieldFormat::Plain, 4, false,
             [](const ProcessRow& r, double) -> FieldValue {
               return std::int64_t{r.sample->num_threads};
             }},
    // A process row stands for one process; grouped and subtree rows (see
    // view/grouping.h) sum this into how many they stand for.
    FieldDef{FieldId::Processes, "processes", "PROCS", "",
             "processes the row stands for: 1, or the members of a group or subtree",
             FieldKind::Integer, FieldFormat::Plain, 5, false,
             [](const ProcessRow&, double) -> FieldValue { return std::int64_t{1}; }},
    FieldDef{FieldId::CpuPct, "cpu_pct", "CPU%", "%", "on-CPU time share, 100 = one full core",
             FieldKind::Real, FieldFormat::Percent, 6, false,
             [](const ProcessRow& r, double dt) { return time_pct(r, Counter::RuntimeNs, dt); }},
    FieldDef{FieldId::UserPct, "user_pct", "USR%", "%", "user-mode CPU share (tick sampled)",
             FieldKind::Real, FieldFormat::Percent, 6, false,
             [](const ProcessRow& r, double dt) { return time_pct(r, Counter::UtimeNs, dt); }},
    FieldDef{FieldId::SysPct, "sys_pct", "SYS%", "%", "kernel-mode CPU share (tick sampled)",
             FieldKind::Real, FieldFormat::Percent, 6, false,
             [](const ProcessRow& r, double dt) { return time_pct(r, Counter::StimeNs, dt); }},
    FieldDef{FieldId::CpuTimeS, "cpu_time_s", "TIME+", "s", "total on-CPU time since start",
             FieldKind::Real, FieldFormat::Seconds, 9, false,
             [](const ProcessRow& r, double) -> FieldValue {
               const auto ns = r.sample->counters.get(Counter::RuntimeNs);
               if (!ns) return std::monostate{};
               return static_cast<double>(*ns) / 1e9;
             }},
    FieldDef{FieldId::RunqP50Us, "runq_p50_us", "RQ50us", "us",
             "median run-queue latency (runnable to running) this interval", FieldKind::Real,
             FieldFormat::Micros, 7, false,
             [](const ProcessRow& r, double) { return runq_quantile_us(r, 0.50); }},
    FieldDef{FieldId::RunqP99Us, "runq_p99_us", "RQ99us", "us",
             "99th percentile run-queue latency this interval", FieldKind::Real,
             FieldFormat::Micros, 7, false,
             [](const ProcessRow& r, double) { return runq_quantile_us(r, 0.99); }},
    FieldDef{FieldId::RunqWaitPct, "runq_wait_pct", "WAIT%", "%",
             "time spent runnable but waiting for a CPU, 100 = one thread all interval",
             FieldKind::Real, FieldFormat::Percent, 6, false,
             [](const ProcessRow& r, double dt) { return time_pct(r, Counter::RunqWaitNs, dt); }},
    FieldDef{FieldId::OffCpuPct, "offcpu_pct", "OFF%", "%",
             "time blocked off CPU (sleep, IO, locks), 100 = one thread all interval",
             FieldKind::Real, FieldFormat::Percent, 6, false,
             [](const ProcessRow& r, double dt) { return time_pct(r, Counter::OffCpuNs, dt); }},
    FieldDef{FieldId::CtxSwPerSec, "ctxsw_per_sec", "CSW/s", "1/s", "context switches per second",
             FieldKind::Real, FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) {
               return sum_rate(r, Counter::VolCtxSw, Counter::InvolCtxSw, dt);
             }},
    FieldDef{FieldId::VolCtxSwPerSec, "vol_ctxsw_per_sec", "VCSW/s", "1/s",
             "voluntary context switches (blocked) per second", FieldKind::Real, FieldFormat::Rate,
             6, false, [](const ProcessRow& r, double dt) { return rate(r, Counter::VolCtxSw, dt); }},
    FieldDef{FieldId::InvolCtxSwPerSec, "invol_ctxsw_per_sec", "ICSW/s", "1/s",
             "involuntary context switches (preempted) per second", FieldKind::Real,
             FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::InvolCtxSw, dt); }},
    FieldDef{FieldId::MinFltPerSec, "minflt_per_sec", "MINF/s", "1/s", "minor page faults per second",
             FieldKind::Real, FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::MinFlt, dt); }},
    FieldDef{FieldId::MajFltPerSec, "majflt_per_sec", "MAJF/s", "1/s", "major page faults per second",
             FieldKind::Real, FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::MajFlt, dt); }},
    FieldDef{FieldId::ReadBytesPerSec, "read_bytes_per_sec", "READ/s", "B/s",
             "bytes read from storage per second", FieldKind::Real, FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::ReadBytes, dt); }},
    FieldDef{FieldId::WriteBytesPerSec, "write_bytes_per_sec", "WRITE/s", "B/s",
             "bytes written to storage per second", FieldKind::Real, FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::WriteBytes, dt); }},
    FieldDef{FieldId::IoBytesPerSec, "io_bytes_per_sec", "IO/s", "B/s",
             "bytes read plus written to storage per second", FieldKind::Real, FieldFormat::Bytes,
             7, false,
             [](const ProcessRow& r, double dt) {
               return sum_rate(r, Counter::ReadBytes, Counter::WriteBytes, dt);
             }},
    FieldDef{FieldId::DiskReadOpsPerSec, "disk_read_ops_per_sec", "RIOPS", "1/s",
             "block read requests submitted per second", FieldKind::Real, FieldFormat::Rate, 6,
             false, [](const ProcessRow& r, double dt) { return rate(r, Counter::BlockReadOps, dt); }},
    FieldDef{FieldId::DiskWriteOpsPerSec, "disk_write_ops_per_sec", "WIOPS", "1/s",
             "block write requests submitted per second (direct IO, own sync writeback)",
             FieldKind::Real, FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::BlockWriteOps, dt); }},
    FieldDef{FieldId::DiskReadBlockBytesPerSec, "disk_read_bio_bytes_per_sec", "BIORD/s", "B/s",
             "bytes in block read requests this process submitted, per second", FieldKind::Real,
             FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::BlockReadBytes, dt); }},
    FieldDef{FieldId::DiskWriteBlockBytesPerSec, "disk_write_bio_bytes_per_sec", "BIOWR/s", "B/s",
             "bytes in block write requests this process submitted itself, per second",
             FieldKind::Real, FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::BlockWriteBytes, dt); }},
    FieldDef{FieldId::IoP50Us, "io_p50_us", "IO50us", "us",
             "median block IO latency (issue to completion) this interval", FieldKind::Real,
             FieldFormat::Micros, 7, false,
             [](const ProcessRow& r, double) { return quantile_us(r.io_hist_delta, 0.50); }},
    FieldDef{FieldId::IoP99Us, "io_p99_us", "IO99us", "us",
             "99th percentile block IO latency this interval", FieldKind::Real, FieldFormat::Micros,
             7, false, [](const ProcessRow& r, double) { return quantile_us(r.io_hist_delta, 0.99); }},
    FieldDef{FieldId::NetRxBytesPerSec, "net_rx_bytes_per_sec", "NETRX/s", "B/s",
             "socket payload bytes received per second (TCP, UDP, unix)", FieldKind::Real,
             FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::NetRxBytes, dt); }},
    FieldDef{FieldId::NetTxBytesPerSec, "net_tx_bytes_per_sec", "NETTX/s", "B/s",
             "socket payload bytes sent per second (TCP, UDP, unix)", FieldKind::Real,
             FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::NetTxBytes, dt); }},
    FieldDef{FieldId::NetBytesPerSec, "net_bytes_per_sec", "NET/s", "B/s",
             "socket payload bytes received plus sent per second", FieldKind::Real,
             FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) {
               return sum_rate(r, Counter::NetRxBytes, Counter::NetTxBytes, dt);
             }},
    FieldDef{FieldId::NetRxCallsPerSec, "net_rx_calls_per_sec", "RXC/s", "1/s",
             "successful socket receives per second", FieldKind::Real, FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::NetRxCalls, dt); }},
    FieldDef{FieldId::NetTxCallsPerSec, "net_tx_calls_per_sec", "TXC/s", "1/s",
             "successful socket sends per second", FieldKind::Real, FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::NetTxCalls, dt); }},
    FieldDef{FieldId::Connections, "connections", "CONN", "", "open TCP/UDP sockets (IPv4/IPv6)",
             FieldKind::Integer, FieldFormat::Plain, 5, false,
             [](const ProcessRow& r, double) -> FieldValue {
               // Not measured (no net probe, kernel threads): none, never 0.
               if (!r.sample->counters.get(Counter::NetTxBytes)) return std::monostate{};
               return static_cast<std::int64_t>(r.sample->connections.size());
             }},
    FieldDef{FieldId::TcpOpensPerSec, "tcp_opens_per_sec", "OPEN/s", "1/s",
             "TCP connections opened per second (active + passive)", FieldKind::Real,
             FieldFormat::Rate, 6, false,
             [](const ProcessRow& r, double dt) {
               return sum_rate(r, Counter::TcpActiveOpens, Counter::TcpPassiveOpens, dt);
             }},
    FieldDef{FieldId::TcpRetransmits, "tcp_retransmits", "RETR", "",
             "TCP segments retransmitted on this process's sockets this interval",
             FieldKind::Integer, FieldFormat::Plain, 5, false,
             [](const ProcessRow& r, double) { return interval_count(r, Counter::TcpRetransmits); }},
    FieldDef{FieldId::TcpResets, "tcp_resets", "RST", "", "TCP resets sent or received this interval",
             FieldKind::Integer, FieldFormat::Plain, 4, false,
             [](const ProcessRow& r, double) { return interval_count(r, Counter::TcpResets); }},
    FieldDef{FieldId::RssBytes, "rss_bytes", "RSS", "B", "resident memory: anon + file + shmem",
             FieldKind::Integer, FieldFormat::Bytes, 6, false,
             [](const ProcessRow& r, double) -> FieldValue {
               const auto a = r.level(Counter::RssAnonBytes);
               const auto f = r.level(Counter::RssFileBytes);
               const auto s = r.level(Counter::RssShmemBytes);
               if (!a || !f || !s) return std::monostate{};
               return static_cast<std::int64_t>(*a + *f + *s);
             }},
    FieldDef{FieldId::RssAnonBytes, "rss_anon_bytes", "ANON", "B", "resident anonymous memory",
             FieldKind::Integer, FieldFormat::Bytes, 6, false,
             [](const ProcessRow& r, double) { return level(r, Counter::RssAnonBytes); }},
    FieldDef{FieldId::RssFileBytes, "rss_file_bytes", "FILE", "B", "resident file-backed memory",
             FieldKind::Integer, FieldFormat::Bytes, 6, false,
             [](const ProcessRow& r, double) { return level(r, Counter::RssFileBytes); }},
    FieldDef{FieldId::RssShmemBytes, "rss_shmem_bytes", "SHMEM", "B", "resident shared memory",
             FieldKind::Integer, FieldFormat::Bytes, 6, false,
             [](const ProcessRow& r, double) { return level(r, Counter::RssShmemBytes); }},
    FieldDef{FieldId::RssPeakBytes, "rss_peak_bytes", "PEAK", "B", "peak resident memory (VmHWM)",
             FieldKind::Integer, FieldFormat::Bytes, 6, false,
             [](const ProcessRow& r, double) { return level(r, Counter::RssPeakBytes); }},
    FieldDef{FieldId::SwapBytes, "swap_bytes", "SWAP", "B", "swapped-out memory",
             FieldKind::Integer, FieldFormat::Bytes, 6, false,
             [](const ProcessRow& r, double) { return level(r, Counter::SwapBytes); }},
    FieldDef{FieldId::VmSizeBytes, "vm_size_bytes", "VIRT", "B", "mapped address space (VmSize)",
             FieldKind::Integer, FieldFormat::Bytes, 6, false,
             [](const ProcessRow& r, double) { return level(r, Counter::VmSizeBytes); }},
    FieldDef{FieldId::MmapBytesPerSec, "mmap_bytes_per_sec", "MMAP/s", "B/s",
             "bytes requested from mmap() per second", FieldKind::Real, FieldFormat::Bytes, 7,
             false, [](const ProcessRow& r, double dt) { return rate(r, Counter::MmapBytes, dt); }},
    FieldDef{FieldId::MunmapBytesPerSec, "munmap_bytes_per_sec", "MUNMAP/s", "B/s",
             "bytes released with munmap() per second", FieldKind::Real, FieldFormat::Bytes, 8,
             false, [](const ProcessRow& r, double dt) { return rate(r, Counter::MunmapBytes, dt); }},
    FieldDef{FieldId::BrkGrowBytesPerSec, "brk_grow_bytes_per_sec", "BRK/s", "B/s",
             "heap growth through brk() per second", FieldKind::Real, FieldFormat::Bytes, 7, false,
             [](const ProcessRow& r, double dt) { return rate(r, Counter::BrkGrowBytes, dt); }},
    FieldDef{FieldId::Cgroup, "cgroup", "CGROUP", "", "cgroup path", FieldKind::Text,
             FieldFormat::Plain, 24, true,
             [](const ProcessRow& r, double) -> FieldValue {
               if (r.sample->cgroup.empty()) return std::monostate{};
               return r.sample->cgroup;
             }},
    FieldDef{FieldId::ContainerId, "container_id", "CONTAINER", "",
             "container id from the cgroup path (docker, podman, containerd, cri-o; 12 chars)",
             FieldKind::Text, FieldFormat::Plain, 12, true,
             [](const ProcessRow& r, double) {
               return text_or_missing(cgroup_identity(r.sample->cgroup).container_id);
             }},
    FieldDef{FieldId::Unit, "unit", "UNIT", "", "systemd unit (service or scope) from the cgroup path",
             FieldKind::Text, FieldFormat::Plain, 20, true,
             [](const ProcessRow& r, double) {
               return text_or_missing(cgroup_identity(r.sample->cgroup).unit);
             }},
    FieldDef{FieldId::StartNs, "start_ns", "START", "ns", "start time, CLOCK_MONOTONIC ns",
             FieldKind::Integer, FieldFormat::Plain, 14, false,
             [](const ProcessRow& r, double) -> FieldValue {
               return static_cast<std::int64_t>(r.sample->key.start_ns);
             }},
    FieldDef{FieldId::AgeS, "age_s", "AGE", "s",
             "time since the process started (its whole lifetime once exited)", FieldKind::Real,
             FieldFormat::Seconds, 9, false,
             [](const ProcessRow& r, double) -> FieldValue {
               return static_cast<double>(r.age_ns) / 1e9;
             }},
    FieldDef{FieldId::ExitCode, "exit_code", "EXIT", "",
             "exit code, or 128+signal if killed; only for processes that exited",
             FieldKind::Integer, FieldFormat::Plain, 4, false,
             [](const ProcessRow& r, double) -> FieldValue {
               if (!r.sample->exit_status) return std::monostate{};
               const std::uint32_t st = *r.sample->exit_status;
               const std::uint32_t sig = st & 0x7f;
               return std::int64_t{sig ? 128 + sig : (st >> 8) & 0xff};
             }},
    // Empty (not missing) when analyzed and clean: "-" would read as "not
    // measured", and a clean process is a result.
    FieldDef{FieldId::Flags, "flags", "F", "",
             "active findings of the detectors: L leak suspicion, A anomaly (see 'procwatch "
             "analyze')",
             FieldKind::Text, FieldFormat::Plain, 2, true,
             [](const ProcessRow& r, double) -> FieldValue { return r.flags; }},
};

std::string human(double v, double base, const char* suffixes) {
  int i = 0;
  while (std::fabs(v) >= base * 0.9995 && suffixes[i + 1] != '\0') {
    v /= base;
    ++i;
  }
  char buf[32];
  if (i == 0)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, v < 9.95 ? "%.1f%c" : "%.0f%c", v, suffixes[i]);
  return buf;
}

}  // namespace

std::span<const FieldDef> all_fields() { return kFields; }

const FieldDef& field(FieldId id) {
  for (const auto& f : kFields)
    if (f.id == id) return f;
  return kFields[0];
}

const FieldDef* find_field(std::string_view name) {
  for (const auto& f : kFields)
    if (f.name == name) return &f;
  return nullptr;
}

FieldListResult parse_field_list(std::string_view csv) {
  FieldListResult out;
  while (!csv.empty()) {
    const auto comma = csv.find(',');
    std::string_view name = csv.substr(0, comma);
    csv = comma == std::string_view::npos ? std::string_view{} : csv.substr(comma + 1);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (name.empty()) continue;
    const FieldDef* f = find_field(name);
    if (!f) {
      out.error = "unknown field '" + std::string(name) + "' (see 'procwatch fields')";
      out.ids.clear();
      return out;
    }
    out.ids.push_back(f->id);
  }
  if (out.ids.empty()) out.error = "empty field list";
  return out;
}

std::string format_cell(const FieldDef& f, const FieldValue& v) {
  if (std::holds_alternative<std::monostate>(v)) return "-";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&v)) {
    if (f.format == FieldFormat::Plain) return std::to_string(*i);
    return format_cell(f, FieldValue{static_cast<double>(*i)});
  }
  const double d = std::get<double>(v);
  char buf[48];
  switch (f.format) {
    case FieldFormat::Percent:
    case FieldFormat::Micros:
      std::snprintf(buf, sizeof buf, d >= 999.95 ? "%.0f" : "%.1f", d);
      return buf;
    case FieldFormat::Rate:
      return human(d, 1000.0, " kMGTP");
    case FieldFormat::Bytes:
      return human(d, 1024.0, "BKMGTP");
    case FieldFormat::Seconds: {
      const auto total_cs = static_cast<std::uint64_t>(d * 100.0 + 0.5);
      const auto minutes = total_cs / 6000;
      std::snprintf(buf, sizeof buf, "%llu:%02llu.%02llu", static_cast<unsigned long long>(minutes),
                    static_cast<unsigned long long>((total_cs / 100) % 60),
                    static_cast<unsigned long long>(total_cs % 100));
      return buf;
    }
    case FieldFormat::Plain:
      break;
  }
  std::snprintf(buf, sizeof buf, "%.6g", d);
  return buf;
}

int compare_values(const FieldValue& a, const FieldValue& b) {
  const bool am = std::holds_alternative<std::monostate>(a);
  const bool bm = std::holds_alternative<std::monostate>(b);
  if (am || bm) return am == bm ? 0 : (am ? -1 : 1);
  auto num = [](const FieldValue& v) -> std::optional<double> {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* d = std::get_if<double>(&v)) return *d;
    return std::nullopt;
  };
  const auto x = num(a);
  const auto y = num(b);
  if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  if (x || y) return x ? -1 : 1;  // numbers below text: a total order, never a throw
  const auto& s = std::get<std::string>(a);
  const auto& t = std::get<std::string>(b);
  return s.compare(t) < 0 ? -1 : (s == t ? 0 : 1);
}

}  // namespace pw
