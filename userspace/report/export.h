// `procwatch export`: a recording's series as CSV or JSON Lines, for other
// tools. By default the raw stored values (cumulative counters by their
// stable names, exactly as recorded); with fields, the derived figures of
// the field vocabulary (the same numbers top shows) for every process and
// sample.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <vector>

#include "model/fields.h"
#include "store/sample_source.h"

namespace pw {

enum class ExportTable : std::uint8_t {
  Processes,  // one row per process per sample
  System,     // one row per sample
  Events,     // one row per lifecycle event
};
enum class ExportFormat : std::uint8_t { Csv, Json };

struct ExportOptions {
  ExportTable table = ExportTable::Processes;
  ExportFormat format = ExportFormat::Csv;
  std::vector<FieldId> fields;     // Processes only: empty = raw counters
  std::vector<std::int32_t> pids;  // Processes/Events: only these (empty: all)
  std::optional<std::uint64_t> from_wall_ns, to_wall_ns;
};

// Exit status columns (processes and events): exit_code (a process that
// exited: 0-255), signal (one that was killed: the signal number) and
// wait_status (the raw wait(2) word: code << 8, or the signal | 0x80 if it
// dumped core). An exec event's ppid, which the kernel's exec event does not
// carry, comes from the sample's process table or the process's fork or exit
// event; it is empty (null) when the recording does not tell.
// Returns the rows written.
std::uint64_t write_export(std::ostream& out, SampleSource& source, const ExportOptions& options);

}  // namespace pw
