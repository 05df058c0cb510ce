// The live ModelFeed: a Collector plus the previous Sample.
#pragma once

#include <memory>
#include <optional>

#include "collect/collector.h"
#include "collect/cpu_budget.h"
#include "feed/model_feed.h"

namespace pw {

class LiveFeed : public ModelFeed {
 public:
  // threads_as_rows: one row per thread (top -H); the collector must keep
  // thread detail (CollectorOptions::keep_threads).
  explicit LiveFeed(Collector& collector, bool threads_as_rows = false)
      : collector_(collector), threads_as_rows_(threads_as_rows) {}
  Model next() override;
  void tick() override { collector_.drain_events(); }
  std::vector<std::string> notices() const override;
  double interval_scale() const override;
  // BPF statistics stay on while someone watches (else one interval in N).
  void watch_self(bool on) override;

  // Keeps procwatch under a CPU budget (see cpu_budget.h). Kernel costs are
  // measured with BPF statistics on for one interval in every
  // `kernel_sample_every`, since the statistics themselves cost a little.
  void enable_budget(const BudgetConfig& config, int kernel_sample_every = 10);

 private:
  void apply_budget(const Model& model);

  Collector& collector_;
  bool threads_as_rows_;
  std::optional<CpuBudget> budget_;
  int kernel_sample_every_ = 10;
  int intervals_ = 0;
  bool watching_self_ = false;
  std::shared_ptr<const Sample> previous_;
};

}  // namespace pw
