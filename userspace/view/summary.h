// The system lines above the process table, shared by batch text and the
// live screen. Missing figures (first frame) show as "-". The results are
// not sanitized: the hostname comes from the machine, so callers pass the
// lines through sanitize_for_terminal() like any other text.
#pragma once

#include <cstdint>
#include <string>

#include "common/time_text.h"
#include "model/model.h"

namespace pw {

// "1.00s", or "-" for a non-positive interval (first frame).
std::string format_interval(double interval_s);

// "CPU: 25.0% busy, 15.0% usr, 10.0% sys, 0.0% iowait, 0.0% steal"
std::string cpu_summary(const SystemRow& system);

// "Tasks: 3 processes, 7 threads, 1 running; load 0.50 0.40 0.30"
std::string tasks_summary(const Model& model);

// "Memory: 7.8G total, 5.1G available"
std::string memory_summary(const Model& model);

// "Events: 12.0/s, 0 dropped (+0 this interval)"
std::string events_summary(const SystemRow& system);

}  // namespace pw
