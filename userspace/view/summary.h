// The system lines above the process table, shared by batch text and the
// live screen. Missing figures (first frame) show as "-". The results are
// not sanitized: the hostname comes from the machine, so callers pass the
// lines through sanitize_for_terminal() like any other text.
#pragma once

#include <cstdint>
#include <string>

#include "model/model.h"

namespace pw {

// "2024-05-01 12:00:00" in local time, or with " UTC" appended in UTC;
// "-" when wall_ns is 0. with_date=false gives "12:00:00".
std::string format_wall_time(std::uint64_t wall_ns, bool utc, bool with_date = true);

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
