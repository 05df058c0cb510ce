// What `procwatch report` says about a recorded session, computed in one
// pass over its Samples through derive_model() (the code live top runs):
// system series, per-process totals and peaks, top consumers, processes
// that started and exited, OOM kills and alerts, and time series of the top
// processes. The HTML, JSON and CSV writers only format this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/finding.h"
#include "model/sample.h"
#include "store/sample_source.h"
#include "store/session_writer.h"

namespace pw {

struct ReportOptions {
  std::size_t max_points = 600;  // points per time series (buckets averaged)
  std::size_t top_n = 10;        // rows per top list
  std::size_t max_series = 8;    // processes per time-series chart
  std::size_t max_lifecycle_rows = 500;
  std::optional<std::uint64_t> from_wall_ns, to_wall_ns;  // a part of the session
};

struct ProcessReport {
  ProcessKey key;
  std::int32_t ppid = 0;
  std::string comm, cmdline, user;
  std::uint64_t first_wall_ns = 0, last_wall_ns = 0;  // first / last sample it was in
  std::size_t samples = 0;
  bool started = false;  // born during the session (not there at its first sample)
  bool exited = false;   // its exit was seen during the session
  std::optional<std::uint32_t> exit_status;
  // Over the session, from counter deltas (nullopt: never measured).
  double cpu_s = 0;
  double peak_cpu_pct = 0;
  std::optional<std::uint64_t> read_bytes, write_bytes;  // storage IO
  std::optional<std::uint64_t> net_tx_bytes, net_rx_bytes;
  std::optional<std::uint64_t> peak_rss_bytes;  // anon + file + shmem
  std::uint64_t io_bytes() const { return read_bytes.value_or(0) + write_bytes.value_or(0); }
  std::uint64_t net_bytes() const { return net_tx_bytes.value_or(0) + net_rx_bytes.value_or(0); }
  std::string label() const;  // "comm (pid)", sanitized
};

// One value per time point; NaN where the process was not present.
struct ProcessSeries {
  std::size_t process = 0;  // index into ReportData::processes
  std::vector<double> cpu_pct, rss_bytes, io_bytes_per_s, net_bytes_per_s;
};

struct LifecycleRow {
  std::uint64_t wall_ns = 0;  // of the sample that received it
  LifecycleEvent event;
};

struct ReportData {
  SessionInfo session;
  std::size_t samples = 0;  // in the reported range
  std::uint64_t first_wall_ns = 0, last_wall_ns = 0;
  std::uint32_t num_cpus = 0;
  std::uint64_t mem_total_bytes = 0;
  // Time axis: the middle of each bucket, CLOCK_REALTIME ns.
  std::vector<std::uint64_t> times;
  std::vector<double> cpu_busy_pct, mem_used_bytes, load1, events_per_s, processes;
  std::vector<ProcessReport> processes_seen;
  // Indexes into processes_seen, largest first (only non-zero figures).
  std::vector<std::size_t> top_cpu, top_io, top_net, top_mem;
  std::vector<ProcessSeries> series;         // the top processes of any list, CPU first
  std::vector<std::size_t> started, exited;  // indexes into processes_seen, by time
  std::vector<LifecycleRow> lifecycle;       // fork/exec/exit (capped), time order
  std::size_t lifecycle_total = 0;           // before the cap
  std::vector<LifecycleRow> oom_kills;
  std::vector<AlertRecord> alerts;
  // What the detectors found while recording (the findings table), by id.
  std::vector<Finding> findings;
  std::uint64_t events_dropped = 0;  // lost kernel events during the session
};

ReportData build_report(SampleSource& source, const SessionInfo& session,
                        std::vector<AlertRecord> alerts, const ReportOptions& options = {});

}  // namespace pw
