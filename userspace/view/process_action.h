// Carries out what k and r asked for (top_state.h's ProcessAction) on the
// live system: kill(2) and setpriority(2) on the selected process, after
// checking that its PID still belongs to the process that was selected
// (same start time), so a PID reused since the last refresh is never hit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "view/top_state.h"

namespace pw {

// A task's start time on CLOCK_MONOTONIC (the clock of ProcessKey), from
// /proc/PID/stat (CLOCK_BOOTTIME ticks, minus the time spent suspended);
// nullopt when the task is gone. Good to one clock tick (10 ms).
std::optional<std::uint64_t> task_start_ns(std::int32_t pid, const char* proc_root = "/proc");

// Sends the signal or sets the nice value; returns the sentence for the
// status line: what was done, or why not ("PID 4242 has exited", "not
// permitted: ... needs root", ...).
std::string carry_out(const ProcessAction& action);

}  // namespace pw
