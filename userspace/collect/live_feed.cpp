#include "collect/live_feed.h"

#include "common/log.h"
#include "model/thread_rows.h"

namespace pw {

Model LiveFeed::next() {
  Sample sample = collector_.collect();
  if (threads_as_rows_) sample = threads_as_rows(sample);
  // The budget in force while this sample's interval ran; a step taken
  // below shows in the next one (as the probes it changes do).
  if (budget_) sample.self.budget = budget_->state();
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

void LiveFeed::watch_self(bool on) {
  watching_self_ = on;
  // Off again: the budget's one-in-N schedule takes over at the next sample.
  if (on || !budget_) collector_.set_bpf_stats(on);
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
    case BudgetStep::Kind::SampleProbe:
      collector_.set_probe_sample_shift(step.probe, step.shift);
      break;
  }
  if (step.kind != BudgetStep::Kind::None) log_warn(step.reason);
  // Statistics on for the interval that ends at the next sample, one in N.
  ++intervals_;
  if (!watching_self_) collector_.set_bpf_stats(intervals_ % kernel_sample_every_ == 0);
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
