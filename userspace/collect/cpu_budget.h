// Keeps procwatch's own CPU use under a budget. Fed the self-overhead of
// each interval (Model::self), it answers with at most one step per call:
//   over the userspace budget -> lengthen the interval (x2, up to a limit);
//   over the kernel budget    -> switch off the most expensive optional
//                                probe (net, io, mem, sched), by measured cost;
// and, once well under budget for a while, undoes the last step.
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
};

struct BudgetStep {
  enum class Kind { None, LengthenInterval, RestoreInterval, DisableProbe, EnableProbe };
  Kind kind = Kind::None;
  std::string probe;   // for Disable/EnableProbe: "net", "io", "mem", "sched"
  std::string reason;  // one sentence for the log and the UI
};

class CpuBudget {
 public:
  CpuBudget(BudgetConfig config, std::vector<std::string> optional_probes);

  BudgetStep update(const SelfRow& self);

  int interval_factor() const { return interval_factor_; }
  const std::vector<std::string>& disabled_probes() const { return disabled_; }
  bool degraded() const { return interval_factor_ > 1 || !disabled_.empty(); }
  // "" when nothing is degraded, else one line for the header.
  std::string describe() const;
  const BudgetConfig& config() const { return config_; }

 private:
  BudgetConfig config_;
  std::vector<std::string> optional_;
  std::vector<std::string> disabled_;  // in the order they were switched off
  int interval_factor_ = 1;
  int over_user_ = 0;
  int over_kernel_ = 0;
  int under_ = 0;
};

}  // namespace pw
