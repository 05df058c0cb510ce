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

}  // namespace

CpuBudget::CpuBudget(BudgetConfig config, std::vector<std::string> optional_probes)
    : config_(config), optional_(std::move(optional_probes)) {}

BudgetStep CpuBudget::update(const SelfRow& self) {
  BudgetStep step;
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
    // Sum the measured cost of each optional probe's programs.
    std::map<std::string, double> cost;
    for (const auto& p : self.programs)
      if (std::find(optional_.begin(), optional_.end(), p.object) != optional_.end() &&
          std::find(disabled_.begin(), disabled_.end(), p.object) == disabled_.end())
        cost[p.object] += p.cpu_pct.value_or(0);
    auto worst = std::max_element(cost.begin(), cost.end(),
                                  [](const auto& a, const auto& b) { return a.second < b.second; });
    if (worst != cost.end() && worst->second > 0) {
      disabled_.push_back(worst->first);
      over_kernel_ = 0;
      under_ = 0;
      step.kind = BudgetStep::Kind::DisableProbe;
      step.probe = worst->first;
      step.reason = "BPF programs use " + pct(kernel) + " of a core (budget " +
                    pct(config_.kernel_pct) + "): switched off the '" + worst->first +
                    "' probes, which cost " + pct(worst->second);
      return step;
    }
  }
  if (over_user_ >= config_.over_intervals && interval_factor_ < config_.max_interval_factor) {
    interval_factor_ *= 2;
    over_user_ = 0;
    under_ = 0;
    step.kind = BudgetStep::Kind::LengthenInterval;
    step.reason = "procwatch uses " + pct(user) + " of a core (budget " +
                  pct(config_.userspace_pct) + "): refresh interval x" +
                  std::to_string(interval_factor_);
    return step;
  }
  if (under_ >= config_.under_intervals && degraded()) {
    under_ = 0;
    if (!disabled_.empty()) {
      step.kind = BudgetStep::Kind::EnableProbe;
      step.probe = disabled_.back();
      disabled_.pop_back();
      step.reason =
          "cost well under budget again: switched the '" + step.probe + "' probes back on";
      return step;
    }
    interval_factor_ /= 2;
    step.kind = BudgetStep::Kind::RestoreInterval;
    step.reason =
        "cost well under budget again: refresh interval x" + std::to_string(interval_factor_);
    return step;
  }
  return step;
}

std::string CpuBudget::describe() const {
  if (!degraded()) return "";
  std::string out = "CPU budget exceeded:";
  if (interval_factor_ > 1) out += " refresh interval x" + std::to_string(interval_factor_);
  for (const auto& p : disabled_) out += " '" + p + "' probes off";
  return out;
}

}  // namespace pw
