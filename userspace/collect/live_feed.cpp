#include "collect/live_feed.h"

#include "common/log.h"
#include "model/thread_rows.h"

namespace pw {

Model LiveFeed::next() {
  Sample sample = collector_.collect();
  if (threads_as_rows_) sample = threads_as_rows(sample);
  auto current = std::make_shared<const Sample>(std::move(sample));
  Model m = derive_model(current, previous_.get());
  previous_ = std::move(current);
  if (budget_) apply_budget(m);
  return m;
}

void LiveFeed::enable_budget(const BudgetConfig& config, int kernel_sample_every) {
  budget_.emplace(config, std::vector<std::string>{"net", "io", "mem", "sched"});
  kernel_sample_every_ = kernel_sample_every > 0 ? kernel_sample_every : 1;
}

void LiveFeed::set_bpf_stats_always(bool on) {
  stats_always_ = on;
  collector_.set_bpf_stats(on);
}

void LiveFeed::apply_budget(const Model& model) {
  const BudgetStep step = budget_->update(model.self);
  switch (step.kind) {
    case BudgetStep::Kind::None:
    case BudgetStep::Kind::LengthenInterval:
    case BudgetStep::Kind::RestoreInterval:
      break;
    case BudgetStep::Kind::DisableProbe:
      collector_.set_probe_enabled(step.probe, false);
      break;
    case BudgetStep::Kind::EnableProbe:
      collector_.set_probe_enabled(step.probe, true);
      break;
  }
  if (step.kind != BudgetStep::Kind::None) log_warn(step.reason);
  // Statistics on for the interval that ends at the next sample, one in N.
  ++intervals_;
  if (!stats_always_) collector_.set_bpf_stats(intervals_ % kernel_sample_every_ == 0);
}

std::vector<std::string> LiveFeed::notices() const {
  auto out = collector_.notices();
  if (budget_ && budget_->degraded()) out.push_back(budget_->describe());
  return out;
}

double LiveFeed::interval_scale() const {
  return budget_ ? static_cast<double>(budget_->interval_factor()) : 1.0;
}

}  // namespace pw
