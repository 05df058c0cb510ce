#include "serve/prometheus_text.h"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "view/sanitize.h"

namespace pw {
namespace {

bool is_letter_or_underscore(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_metric_name(std::string_view n) {
  if (n.empty() || !(is_letter_or_underscore(n[0]) || n[0] == ':')) return false;
  for (char c : n)
    if (!(is_letter_or_underscore(c) || is_digit(c) || c == ':')) return false;
  return true;
}

// Names starting with "__" are reserved for Prometheus itself.
bool valid_label_name(std::string_view n) {
  if (n.empty() || !is_letter_or_underscore(n[0]) || n.starts_with("__")) return false;
  for (char c : n)
    if (!(is_letter_or_underscore(c) || is_digit(c))) return false;
  return true;
}

}  // namespace

std::string prometheus_label_value(std::string_view untrusted) {
  const std::string text = sanitize_for_terminal(untrusted);
  std::string out;
  out.reserve(text.size() + 2);
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;  // sanitize already spells it; kept for safety
      default:
        out += c;
    }
  }
  return out;
}

std::string prometheus_help_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string prometheus_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return "NaN";  // cannot happen: 64 bytes hold any double
  return std::string(buf, end);
}

std::string prometheus_seconds(std::uint64_t ns) {
  std::string out = std::to_string(ns / 1'000'000'000ULL);
  std::uint64_t frac = ns % 1'000'000'000ULL;
  if (frac == 0) return out;
  char digits[10];
  for (int i = 8; i >= 0; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  int len = 9;
  while (digits[len - 1] == '0') --len;
  out += '.';
  out.append(digits, static_cast<std::size_t>(len));
  return out;
}

void PrometheusText::family(std::string_view name, MetricType type, std::string_view help) {
  if (!valid_metric_name(name))
    throw std::logic_error("not a Prometheus metric name: " + std::string(name));
  if (type == MetricType::Counter && !name.ends_with("_total"))
    throw std::logic_error("a counter's name ends in _total: " + std::string(name));
  if (!families_.emplace(name).second)
    throw std::logic_error("metric family written twice: " + std::string(name));
  name_ = name;
  series_.clear();
  header_ = "# HELP " + name_ + " " + prometheus_help_text(help) + "\n# TYPE " + name_ +
            (type == MetricType::Counter ? " counter\n" : " gauge\n");
}

bool PrometheusText::add(std::initializer_list<MetricLabel> labels, const std::string& value) {
  if (name_.empty()) throw std::logic_error("a series before its family");
  std::string set;
  for (const MetricLabel& l : labels) {
    if (!valid_label_name(l.name))
      throw std::logic_error("not a Prometheus label name: " + std::string(l.name));
    set += set.empty() ? "{" : ",";
    set += l.name;
    set += "=\"";
    set += prometheus_label_value(l.value);
    set += '"';
  }
  if (!set.empty()) set += '}';
  if (!series_.insert(set).second) return false;
  if (!header_.empty()) {
    out_ += header_;
    header_.clear();
  }
  out_ += name_;
  out_ += set;
  out_ += ' ';
  out_ += value;
  out_ += '\n';
  return true;
}

bool PrometheusText::add_count(std::initializer_list<MetricLabel> labels, std::uint64_t value) {
  return add(labels, std::to_string(value));
}

bool PrometheusText::add_value(std::initializer_list<MetricLabel> labels, double value) {
  return add(labels, prometheus_number(value));
}

bool PrometheusText::add_seconds(std::initializer_list<MetricLabel> labels, std::uint64_t ns) {
  return add(labels, prometheus_seconds(ns));
}

namespace {

void render_self(PrometheusText& t, const Model& model) {
  const SelfSample& self = model.sample->self;
  t.family("procwatch_self_cpu_seconds_total", MetricType::Counter,
           "CPU time procwatch's own process used, user + system, all threads.");
  t.add_seconds({}, self.cpu_ns);
  t.family("procwatch_self_resident_bytes", MetricType::Gauge,
           "procwatch's own resident memory at the last collection.");
  t.add_count({}, self.rss_bytes);
  t.family("procwatch_lifecycle_events_total", MetricType::Counter,
           "Process lifecycle events (fork, exec, exit, OOM kill) received from the kernel.");
  t.add_count({}, model.sample->system.events_total);
  t.family("procwatch_lifecycle_events_dropped_total", MetricType::Counter,
           "Lifecycle events lost because the ring buffer was full, all CPUs.");
  t.add_count({}, model.sample->system.events_dropped);
}

void render_bpf(PrometheusText& t, const Model& model, const PrometheusContext& context) {
  const SelfSample& self = model.sample->self;
  t.family("procwatch_bpf_stats_enabled", MetricType::Gauge,
           "1 if kernel BPF run-time statistics were on during the last interval. They cost a "
           "little on every event, so procwatch turns them on one interval in ten (for the CPU "
           "budget) unless --bpf-stats keeps them on.");
  t.add_flag({}, self.bpf_stats);
  t.family("procwatch_bpf_stats_seconds_total", MetricType::Counter,
           "Time procwatch held BPF run-time statistics on. Divide the rate of the program "
           "counters by its rate for events per second and the share of a core while measured.");
  t.add_seconds({}, self.bpf_stats_ns);
  t.family("procwatch_bpf_program_runs_total", MetricType::Counter,
           "Times each procwatch BPF program ran. Advances only while BPF statistics are on "
           "(see procwatch_bpf_stats_seconds_total).");
  for (const ProgramCounters& p : self.programs)
    t.add_count({{"object", p.object}, {"program", p.name}}, p.run_count);
  t.family("procwatch_bpf_program_run_seconds_total", MetricType::Counter,
           "Time spent inside each procwatch BPF program. Advances only while BPF statistics "
           "are on (see procwatch_bpf_stats_seconds_total).");
  for (const ProgramCounters& p : self.programs)
    t.add_seconds({{"object", p.object}, {"program", p.name}}, p.run_time_ns);

  const std::vector<MapUsage>* maps = &self.maps;
  if (maps->empty() && context.last_counted_maps) maps = context.last_counted_maps;
  // Task and socket storage cannot be counted from userspace (the kernel
  // frees an entry with its task or socket): no series rather than a 0.
  t.family("procwatch_bpf_map_entries", MetricType::Gauge,
           "Entries in each countable procwatch BPF map (hash and LRU maps), counted in the "
           "last interval with BPF statistics on.");
  for (const MapUsage& m : *maps)
    if (m.entries) t.add_count({{"object", m.object}, {"map", m.name}}, *m.entries);
  t.family("procwatch_bpf_map_max_entries", MetricType::Gauge,
           "Capacity of each countable procwatch BPF map.");
  for (const MapUsage& m : *maps)
    if (m.entries) t.add_count({{"object", m.object}, {"map", m.name}}, m.max_entries);
}

void render_probes(PrometheusText& t, const Model& model) {
  const std::vector<ProbeState>& probes = model.sample->self.probes;
  t.family("procwatch_probe_loaded", MetricType::Gauge,
           "1 if the probe object loaded at start (the log says why one did not).");
  for (const ProbeState& p : probes) t.add_flag({{"probe", p.object}}, p.loaded);
  t.family("procwatch_probe_attached", MetricType::Gauge,
           "1 if the probe object's programs run now; the CPU budget may detach optional ones.");
  for (const ProbeState& p : probes) t.add_flag({{"probe", p.object}}, p.attached);
  t.family("procwatch_probe_program_up", MetricType::Gauge,
           "1 if the BPF program runs now; 0 if it was refused by the kernel (status "
           "\"refused at load\" or \"refused at attach\"), disabled by the user, detached by "
           "the CPU budget, or not needed on this kernel (\"unused\").");
  for (const ProbeState& p : probes)
    for (const ProgramState& g : p.programs)
      t.add_flag({{"object", p.object}, {"program", g.program}}, g.up);
  t.family("procwatch_probe_sampling_ratio", MetricType::Gauge,
           "Share of an optional probe's high-rate events counted (1: every event, 0.25: one "
           "in 4, scaled back up as estimates); set by the CPU budget.");
  for (const ProbeState& p : probes)
    if (p.optional && p.loaded)
      t.add_value({{"probe", p.object}}, std::ldexp(1.0, -static_cast<int>(p.sample_shift)));
}

void render_budget(PrometheusText& t, const Model& model) {
  const BudgetState& b = model.sample->self.budget;
  t.family("procwatch_budget_enabled", MetricType::Gauge,
           "1 if procwatch keeps its own CPU use under a budget (off with --no-budget).");
  t.add_flag({}, b.enabled);
  t.family("procwatch_budget_degraded", MetricType::Gauge,
           "1 while the CPU budget has procwatch degraded (interval lengthened, a probe sampled "
           "or detached); the log says which step and why.");
  t.add_flag({}, b.degraded);
  t.family("procwatch_budget_steps", MetricType::Gauge,
           "Degradation steps of the CPU budget in force now.");
  t.add_count({}, b.steps.size());
  t.family("procwatch_budget_interval_factor", MetricType::Gauge,
           "Factor the CPU budget has multiplied the collection interval by (1, 2 or 4).");
  t.add_count({}, static_cast<std::uint64_t>(b.interval_factor > 0 ? b.interval_factor : 1));
  if (!b.enabled) return;
  t.family("procwatch_budget_userspace_limit_ratio", MetricType::Gauge,
           "CPU budget for procwatch's userspace, as a share of one core.");
  t.add_value({}, b.userspace_pct / 100.0);
  t.family("procwatch_budget_kernel_limit_ratio", MetricType::Gauge,
           "CPU budget for all procwatch BPF programs together, as a share of one core.");
  t.add_value({}, b.kernel_pct / 100.0);
}

void render_system(PrometheusText& t, const Model& model) {
  const SystemSample& s = model.sample->system;
  t.family("procwatch_collection_timestamp_seconds", MetricType::Gauge,
           "Wall-clock time of the last collection, seconds since the Unix epoch (alert when it "
           "stops moving).");
  t.add_seconds({}, s.wall_ns);
  if (model.system.interval_s > 0) {
    t.family("procwatch_interval_seconds", MetricType::Gauge,
             "Length of the last collection interval (the configured one times the budget's "
             "factor).");
    t.add_value({}, model.system.interval_s);
  }
  t.family("procwatch_system_cpus", MetricType::Gauge, "CPUs online.");
  t.add_count({}, s.num_cpus);
  t.family("procwatch_system_processes", MetricType::Gauge,
           "Processes alive at the last collection, kernel threads included.");
  t.add_count({}, model.system.num_processes);
  t.family("procwatch_system_threads", MetricType::Gauge,
           "Threads of those processes at the last collection.");
  t.add_count({}, model.system.num_threads);
  t.family("procwatch_system_running_threads", MetricType::Gauge,
           "Threads running or runnable at the last collection (procs_running of /proc/stat).");
  t.add_count({}, model.system.num_running);
}

}  // namespace

std::string render_prometheus(const Model& model, const PrometheusContext& context) {
  PrometheusText t;
  t.family("procwatch_build_info", MetricType::Gauge,
           "Always 1; the labels say which procwatch this is.");
  t.add_count({{"version", context.version}}, 1);
  if (!model.sample) return t.take();
  render_self(t, model);
  render_bpf(t, model, context);
  render_probes(t, model);
  render_budget(t, model);
  render_system(t, model);
  return t.take();
}

}  // namespace pw
