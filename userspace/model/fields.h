// The field vocabulary: every per-process figure procwatch can show, sort,
// filter or export is one entry here. Columns, sort keys, --fields, JSON and
// CSV (and later the store and /metrics) all come from this one list.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/model.h"

namespace pw {

enum class FieldId : std::uint16_t {
  Pid,
  Ppid,
  User,
  Uid,
  Comm,
  Cmdline,
  State,
  Threads,
  Processes,
  CpuPct,
  UserPct,
  SysPct,
  CpuTimeS,
  RunqP50Us,
  RunqP99Us,
  RunqWaitPct,
  OffCpuPct,
  CtxSwPerSec,
  VolCtxSwPerSec,
  InvolCtxSwPerSec,
  MinFltPerSec,
  MajFltPerSec,
  ReadBytesPerSec,
  WriteBytesPerSec,
  IoBytesPerSec,
  DiskReadOpsPerSec,
  DiskWriteOpsPerSec,
  DiskReadBlockBytesPerSec,
  DiskWriteBlockBytesPerSec,
  IoP50Us,
  IoP99Us,
  NetRxBytesPerSec,
  NetTxBytesPerSec,
  NetBytesPerSec,
  NetRxCallsPerSec,
  NetTxCallsPerSec,
  Connections,
  TcpOpensPerSec,
  TcpRetransmits,
  TcpResets,
  RssBytes,
  RssAnonBytes,
  RssFileBytes,
  RssShmemBytes,
  RssPeakBytes,
  SwapBytes,
  VmSizeBytes,
  MmapBytesPerSec,
  MunmapBytesPerSec,
  BrkGrowBytesPerSec,
  Cgroup,
  ContainerId,
  Unit,
  StartNs,
  AgeS,
  ExitCode,
  Flags,
};

// Missing (not measured, first frame) is monostate, never a silent zero.
using FieldValue = std::variant<std::monostate, std::int64_t, double, std::string>;

enum class FieldKind : std::uint8_t { Integer, Real, Text };
enum class FieldFormat : std::uint8_t {
  Plain,    // integer or text as is
  Percent,  // 12.3
  Rate,     // 1.2k
  Bytes,    // 1.2M (binary units)
  Micros,   // 12.3 (microseconds)
  Seconds,  // 1:02.03 like top's TIME+
};

struct FieldDef {
  FieldId id;
  std::string_view name;    // --fields, --sort, JSON/CSV key: snake_case with unit
  std::string_view header;  // column title
  std::string_view unit;    // "%", "1/s", "B/s", "us", "s", ""
  std::string_view help;    // one line for the help screen and docs
  FieldKind kind;
  FieldFormat format;
  int width;  // preferred column width
  bool left_align;
  FieldValue (*get)(const ProcessRow&, double interval_s);
};

std::span<const FieldDef> all_fields();
const FieldDef& field(FieldId id);
const FieldDef* find_field(std::string_view name);

// Parses "pid,comm,cpu_pct" into ids; the error names the unknown field.
struct FieldListResult {
  std::vector<FieldId> ids;
  std::string error;
};
FieldListResult parse_field_list(std::string_view csv);

// Table cell text (no padding). Missing values render as "-".
std::string format_cell(const FieldDef& f, const FieldValue& v);

// Total order used for sorting: missing sorts below everything.
int compare_values(const FieldValue& a, const FieldValue& b);

}  // namespace pw
