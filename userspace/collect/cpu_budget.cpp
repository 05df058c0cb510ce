#include "collect/cpu_budget.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace pw {
namespace {

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", v);
  return buf;
}

std::string one_in(unsigned shift) { return "1 in " + std::to_string(1u << shift); }

}  // namespace

CpuBudget::CpuBudget(BudgetConfig config, std::vector<std::string> optional_probes)
    : config_(config), optional_(std::move(optional_probes)) {}

std::vector<std::string> CpuBudget::disabled_probes() const {
  std::vector<std::string> out;
  for (const auto& s : taken_)
    if (s.kind == BudgetStep::Kind::DisableProbe) out.push_back(s.probe);
  return out;
}

unsigned CpuBudget::sample_shift(const std::string& probe) const {
  unsigned shift = 0;
  for (const auto& s : taken_)
    if (s.kind == BudgetStep::Kind::SampleProbe && s.probe == probe) shift = s.shift;
  return shift;
}

BudgetStep CpuBudget::update(const SelfRow& self) {
  const double user = self.cpu_pct.value_or(0);
  // Kernel cost is known only in intervals measured with BPF statistics on.
  const bool kernel_known = self.kernel_cpu_pct.has_value() && !self.programs.empty();
  const double kernel = self.kernel_cpu_pct.value_or(0);

  over_user_ = user > config_.userspace_pct ? over_user_ + 1 : 0;
  if (kernel_known) over_kernel_ = kernel > config_.kernel_pct ? over_kernel_ + 1 : 0;
  const bool well_under =
      user < config_.userspace_pct / 2 && (!kernel_known || kernel < config_.kernel_pct / 2);
  under_ = well_under ? under_ + 1 : 0;

  if (kernel_known && over_kernel_ >= config_.over_intervals) {
    BudgetStep step = step_kernel_down(kernel, self);
    if (step.kind != BudgetStep::Kind::None) {
      over_kernel_ = 0;
      under_ = 0;
      taken_.push_back(step);
      return step;
    }
  }
  if (over_user_ >= config_.over_intervals && interval_factor_ < config_.max_interval_factor) {
    interval_factor_ *= 2;
    over_user_ = 0;
    under_ = 0;
    BudgetStep step;
    step.kind = BudgetStep::Kind::LengthenInterval;
    step.reason = "procwatch uses " + pct(user) + " of a core (budget " +
                  pct(config_.userspace_pct) + "): refresh interval x" +
                  std::to_string(interval_factor_);
    taken_.push_back(step);
    return step;
  }
  if (under_ >= config_.under_intervals && degraded()) {
    under_ = 0;
    return undo_last();
  }
  return {};
}

// The most expensive optional probe still on goes one step down: sampled
// more sparsely while it can be, off after that.
BudgetStep CpuBudget::step_kernel_down(double kernel, const SelfRow& self) {
  const auto disabled = disabled_probes();
  std::map<std::string, double> cost;
  for (const auto& p : self.programs)
    if (std::find(optional_.begin(), optional_.end(), p.object) != optional_.end() &&
        std::find(disabled.begin(), disabled.end(), p.object) == disabled.end())
      cost[p.object] += p.cpu_pct.value_or(0);
  const auto worst = std::max_element(
      cost.begin(), cost.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  if (worst == cost.end() || worst->second <= 0) return {};

  const std::string& probe = worst->first;
  const std::string why = "BPF programs use " + pct(kernel) + " of a core (budget " +
                          pct(config_.kernel_pct) + "): the '" + probe + "' probes, which cost " +
                          pct(worst->second) + ", ";
  BudgetStep step;
  step.probe = probe;
  const unsigned shift = sample_shift(probe);
  if (shift < config_.max_sample_shift && config_.sample_shift_step > 0) {
    step.kind = BudgetStep::Kind::SampleProbe;
    step.shift = std::min(shift + config_.sample_shift_step, config_.max_sample_shift);
    step.reason = why + "now count " + one_in(step.shift) + " events (scaled estimates)";
  } else {
    step.kind = BudgetStep::Kind::DisableProbe;
    step.reason = why + "are switched off";
  }
  return step;
}

BudgetStep CpuBudget::undo_last() {
  const BudgetStep last = taken_.back();
  taken_.pop_back();
  BudgetStep step;
  step.probe = last.probe;
  const std::string again = "cost well under budget again: ";
  switch (last.kind) {
    case BudgetStep::Kind::LengthenInterval:
      interval_factor_ /= 2;
      step.kind = BudgetStep::Kind::RestoreInterval;
      step.reason = again + "refresh interval x" + std::to_string(interval_factor_);
      break;
    case BudgetStep::Kind::SampleProbe:
      step.kind = BudgetStep::Kind::SampleProbe;
      step.shift = sample_shift(last.probe);  // what was in force before
      step.reason = again + "the '" + last.probe + "' probes count " +
                    (step.shift ? one_in(step.shift) + " events" : std::string("every event"));
      break;
    case BudgetStep::Kind::DisableProbe:
      step.kind = BudgetStep::Kind::EnableProbe;
      step.reason = again + "switched the '" + last.probe + "' probes back on";
      break;
    default:
      break;
  }
  return step;
}

BudgetState CpuBudget::state() const {
  BudgetState s;
  s.enabled = true;
  s.userspace_pct = config_.userspace_pct;
  s.kernel_pct = config_.kernel_pct;
  s.interval_factor = interval_factor_;
  s.degraded = degraded();
  s.description = describe();
  for (const BudgetStep& step : taken_) s.steps.push_back(step.reason);
  return s;
}

std::string CpuBudget::describe() const {
  if (!degraded()) return "";
  std::string out = "CPU budget exceeded:";
  if (interval_factor_ > 1) out += " refresh interval x" + std::to_string(interval_factor_) + ";";
  std::vector<std::string> seen;
  for (auto it = taken_.rbegin(); it != taken_.rend(); ++it) {
    if (it->probe.empty() || std::find(seen.begin(), seen.end(), it->probe) != seen.end()) continue;
    seen.push_back(it->probe);
    if (it->kind == BudgetStep::Kind::DisableProbe)
      out += " '" + it->probe + "' probes off;";
    else
      out += " '" + it->probe + "' sampled " + one_in(it->shift) + ";";
  }
  out.pop_back();
  return out;
}

}  // namespace pw
