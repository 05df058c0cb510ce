#include "cli/status_command.h"

#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "collect/collector.h"
#include "common/error.h"
#include "model/model.h"
#include "view/self_view.h"

namespace pw {

CLI::App* add_status_command(CLI::App& app, StatusCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "status", "Load the probes, measure procwatch's own cost per BPF program, and report");
  cmd->add_option("-d,--duration", o.duration_s, "Seconds to measure")->capture_default_str();
  cmd->add_flag("--json", o.json, "As JSON");
  return cmd;
}

int run_status_command(const StatusCommandOptions& o) {
  if (!(o.duration_s >= 0.1 && o.duration_s <= 3600))
    throw FatalError("--duration must be between 0.1 and 3600 seconds", 2);
  CollectorOptions copts;
  copts.bpf_stats = true;
  Collector collector(copts);
  auto first = std::make_shared<const Sample>(collector.collect());
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.duration_s);
  while (std::chrono::steady_clock::now() < end) {
    collector.drain_events();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  auto second = std::make_shared<const Sample>(collector.collect());
  const Model model = derive_model(second, first.get());
  if (o.json)
    std::cout << self_json(model, collector.notices()).dump(2) << "\n";
  else
    write_self_text(std::cout, model, collector.notices());
  return 0;
}

}  // namespace pw
