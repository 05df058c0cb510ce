#include "report/export.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <variant>

#include "view/batch.h"
#include "view/json_frame.h"

namespace pw {
namespace {

using OJson = nlohmann::ordered_json;

// A row as (column, value) pairs; written as CSV or as one JSON object.
using Value = std::variant<std::monostate, std::int64_t, std::uint64_t, double, std::string>;
using Row = std::vector<std::pair<std::string_view, Value>>;

std::string number_text(double d) {
  if (!std::isfinite(d)) return {};
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc{} ? std::string(buf, end) : std::string();
}

class RowWriter {
 public:
  RowWriter(std::ostream& out, ExportFormat format) : out_(out), format_(format) {}
  void write(const Row& row) {
    if (format_ == ExportFormat::Json) {
      OJson j = OJson::object();
      for (const auto& [k, v] : row) j[std::string(k)] = json(v);
      out_ << dump_json(j) << '\n';
    } else {
      if (!header_done_) {
        for (std::size_t i = 0; i < row.size(); ++i) out_ << (i ? "," : "") << row[i].first;
        out_ << '\n';
        header_done_ = true;
      }
      for (std::size_t i = 0; i < row.size(); ++i) out_ << (i ? "," : "") << csv(row[i].second);
      out_ << '\n';
    }
    ++rows_;
  }
  std::uint64_t rows() const { return rows_; }

 private:
  static OJson json(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* u = std::get_if<std::uint64_t>(&v)) return *u;
    if (const auto* d = std::get_if<double>(&v)) return std::isfinite(*d) ? OJson(*d) : OJson();
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    return nullptr;
  }
  static std::string csv(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* u = std::get_if<std::uint64_t>(&v)) return std::to_string(*u);
    if (const auto* d = std::get_if<double>(&v)) return number_text(*d);
    if (const auto* s = std::get_if<std::string>(&v)) return csv_escape(*s);
    return {};
  }
  std::ostream& out_;
  ExportFormat format_;
  bool header_done_ = false;
  std::uint64_t rows_ = 0;
};

Value field_value(const FieldValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return std::monostate{};
}

// A wait(2) status as the two things it holds: the exit code of a process
// that exited, the signal that ended one that was killed (the other is
// empty); the raw word stays available as wait_status.
void exit_columns(Row& row, const std::optional<std::uint32_t>& status) {
  Value code, signal;
  if (status) {
    const std::uint32_t s = *status;
    if ((s & 0x7f) == 0)
      code = std::int64_t{(s >> 8) & 0xff};
    else if ((s & 0x7f) != 0x7f)  // 0x7f: stopped, not an exit
      signal = std::int64_t{s & 0x7f};
  }
  row.emplace_back("exit_code", code);
  row.emplace_back("signal", signal);
  row.emplace_back("wait_status", status ? Value(std::uint64_t{*status}) : Value());
}

struct KeyHash {
  std::size_t operator()(const ProcessKey& k) const {
    return std::hash<std::uint64_t>()(k.start_ns * 0x9e3779b97f4a7c15ULL ^
                                      static_cast<std::uint32_t>(k.pid));
  }
};

// Who is whose parent, as far as the recording tells: the kernel's exec
// event does not carry the parent (only fork and exit do), so an exec row
// takes it from the process table of its sample, else from the fork or
// exit event of the same process.
class ParentTable {
 public:
  void learn(const Sample& s) {
    for (const ProcessSample& p : s.processes) parents_[p.key] = p.ppid;
    for (const LifecycleEvent& e : s.events)
      if (e.kind == LifecycleEvent::Kind::Fork || e.kind == LifecycleEvent::Kind::Exit)
        parents_.try_emplace(e.key, e.ppid);
  }
  std::optional<std::int32_t> of(const ProcessKey& key) const {
    const auto it = parents_.find(key);
    if (it == parents_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<ProcessKey, std::int32_t, KeyHash> parents_;
};

bool wanted(const std::vector<std::int32_t>& pids, std::int32_t pid) {
  return pids.empty() || std::find(pids.begin(), pids.end(), pid) != pids.end();
}

void raw_process_row(Row& row, const Sample& s, const ProcessSample& p) {
  row.emplace_back("timestamp_ns", s.system.wall_ns);
  row.emplace_back("monotonic_ns", s.system.monotonic_ns);
  row.emplace_back("pid", std::int64_t{p.key.pid});
  row.emplace_back("start_ns", p.key.start_ns);
  row.emplace_back("ppid", std::int64_t{p.ppid});
  row.emplace_back("uid", std::uint64_t{p.uid});
  row.emplace_back("user", p.user);
  row.emplace_back("comm", p.comm);
  row.emplace_back("cmdline", p.cmdline);
  row.emplace_back("cgroup", p.cgroup);
  row.emplace_back("state", std::string(1, p.state));
  row.emplace_back("threads", std::uint64_t{p.num_threads});
  row.emplace_back("kernel_thread", std::int64_t{p.kernel_thread ? 1 : 0});
  exit_columns(row, p.exit_status);
  for (const CounterInfo& c : counter_infos()) {
    const auto v = p.counters.get(c.id);
    row.emplace_back(c.name, v ? Value(*v) : Value());
  }
}

}  // namespace

std::uint64_t write_export(std::ostream& out, SampleSource& source, const ExportOptions& o) {
  RowWriter writer(out, o.format);
  Row row;
  ParentTable parents;
  for (std::size_t i = 0; i < source.size(); ++i) {
    const std::uint64_t wall = source.time_at(i).wall_ns;
    if (o.from_wall_ns && wall < *o.from_wall_ns) continue;
    if (o.to_wall_ns && wall > *o.to_wall_ns) break;
    switch (o.table) {
      case ExportTable::System: {
        const Sample& s = *source.load(i);
        const SystemSample& y = s.system;
        row = {{"timestamp_ns", y.wall_ns},
               {"monotonic_ns", y.monotonic_ns},
               {"hostname", y.hostname},
               {"num_cpus", std::uint64_t{y.num_cpus}},
               {"cpu_user_ns", y.cpu.user_ns},
               {"cpu_nice_ns", y.cpu.nice_ns},
               {"cpu_system_ns", y.cpu.system_ns},
               {"cpu_idle_ns", y.cpu.idle_ns},
               {"cpu_iowait_ns", y.cpu.iowait_ns},
               {"cpu_irq_ns", y.cpu.irq_ns},
               {"cpu_softirq_ns", y.cpu.softirq_ns},
               {"cpu_steal_ns", y.cpu.steal_ns},
               {"load1", y.load1},
               {"load5", y.load5},
               {"load15", y.load15},
               {"procs_running", std::uint64_t{y.procs_running}},
               {"mem_total_bytes", y.mem_total_bytes},
               {"mem_available_bytes", y.mem_available_bytes},
               {"events_total", y.events_total},
               {"events_dropped", y.events_dropped}};
        writer.write(row);
        break;
      }
      case ExportTable::Events: {
        const Sample& s = *source.load(i);
        parents.learn(s);
        for (const LifecycleEvent& e : s.events) {
          if (!wanted(o.pids, e.key.pid)) continue;
          Value ppid = std::int64_t{e.ppid};
          if (e.kind == LifecycleEvent::Kind::Exec && e.ppid == 0) {
            const std::optional<std::int32_t> known = parents.of(e.key);
            ppid = known ? Value(std::int64_t{*known}) : Value();
          }
          row = {{"sample_timestamp_ns", s.system.wall_ns},
                 {"ts_ns", e.ts_ns},
                 {"kind", std::string(event_kind_name(e.kind))},
                 {"pid", std::int64_t{e.key.pid}},
                 {"start_ns", e.key.start_ns},
                 {"ppid", ppid},
                 {"comm", e.comm},
                 {"filename", e.filename},
                 {"argv", e.argv}};
          exit_columns(row, e.exit_status);
          row.emplace_back("trigger_pid",
                           e.trigger_pid ? Value(std::int64_t{e.trigger_pid}) : Value());
          row.emplace_back("trigger_comm", e.trigger_comm);
          row.emplace_back("victim_rss_bytes",
                           e.victim_rss_bytes ? Value(e.victim_rss_bytes) : Value());
          writer.write(row);
        }
        break;
      }
      case ExportTable::Processes: {
        if (o.fields.empty()) {
          const auto s = source.load(i);
          for (const ProcessSample& p : s->processes) {
            if (!wanted(o.pids, p.key.pid)) continue;
            row.clear();
            raw_process_row(row, *s, p);
            writer.write(row);
          }
        } else {
          const Model m = source.model_at(i);
          for (const ProcessRow& r : m.processes) {
            if (!wanted(o.pids, r.sample->key.pid)) continue;
            row.clear();
            row.emplace_back("timestamp_ns", m.sample->system.wall_ns);
            row.emplace_back("interval_s", m.interval_s() > 0 ? Value(m.interval_s()) : Value());
            for (const FieldId id : o.fields) {
              const FieldDef& f = field(id);
              row.emplace_back(f.name, field_value(f.get(r, m.interval_s())));
            }
            writer.write(row);
          }
        }
        break;
      }
    }
    if (!out) break;
  }
  return writer.rows();
}

}  // namespace pw
