// Keeps procwatch's own CPU use under a budget. Fed the self-overhead of
// each interval (Model::self), it answers with at most one step per call:
//   over the userspace budget -> lengthen the interval (x2, up to a limit);
//   over the kernel budget    -> take the most expensive optional probe
//                                (by measured cost) one step down: sample
//                                its high-rate events 1 in 4, then 1 in 16,
//                                then switch it off;
// and, once well under budget for a while, undoes the steps one at a time,
// the latest first.
// Pure logic: the caller applies the steps (see LiveFeed).
#pragma once

#include <string>
#include <vector>

#include "model/model.h"

namespace pw {

struct BudgetConfig {
  double userspace_pct = 1.0;  // of one core
  double kernel_pct = 3.0;     // all BPF programs together, of one core
  int over_intervals = 3;      // consecutive intervals over before a step down
  int under_intervals = 10;    // consecutive intervals under half before a step back
  int max_interval_factor = 4;
  // Sampling steps before a probe is switched off: shift 2 (1 in 4), then 4.
  unsigned sample_shift_step = 2;
  unsigned max_sample_shift = 4;
};

struct BudgetStep {
  enum class Kind {
    None,
    LengthenInterval,
    RestoreInterval,
    SampleProbe,  // set `probe`'s sample shift to `shift` (up or back down)
    DisableProbe,
    EnableProbe,
  };
  Kind kind = Kind::None;
  std::string probe;   // "net", "io", "mem", "sched" for the probe steps
  unsigned shift = 0;  // SampleProbe: the new shift (1 event in 2^shift)
  std::string reason;  // one sentence for the log and the UI
};

class CpuBudget {
 public:
  CpuBudget(BudgetConfig config, std::vector<std::string> optional_probes);

  BudgetStep update(const SelfRow& self);

  int interval_factor() const { return interval_factor_; }
  // Probes switched off, in the order they went.
  std::vector<std::string> disabled_probes() const;
  // 0 unless the probe is sampled.
  unsigned sample_shift(const std::string& probe) const;
  bool degraded() const { return !taken_.empty(); }
  // "" when nothing is degraded, else one line for the header.
  std::string describe() const;
  // All of the above as the Sample carries it (SelfSample::budget).
  BudgetState state() const;
  const BudgetConfig& config() const { return config_; }

 private:
  BudgetStep step_kernel_down(double kernel, const SelfRow& self);
  BudgetStep undo_last();

  BudgetConfig config_;
  std::vector<std::string> optional_;
  // Steps down still in force, oldest first; recovery pops from the back.
  std::vector<BudgetStep> taken_;
  int interval_factor_ = 1;
  int over_user_ = 0;
  int over_kernel_ = 0;
  int under_ = 0;
};

}  // namespace pw
