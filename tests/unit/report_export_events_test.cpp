// `export --table events` (and the raw processes table): an exec row
// carries the real parent (the kernel's exec event has none: it comes from
// the process table or the fork event), and an exit's wait status is given
// as exit_code and signal columns next to the raw wait_status.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "report/export.h"
#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"

namespace pw {
namespace {

using namespace store_test;

LifecycleEvent event(LifecycleEvent::Kind kind, std::int32_t pid, std::int32_t ppid,
                     std::optional<std::uint32_t> status = std::nullopt) {
  LifecycleEvent e;
  e.kind = kind;
  e.key = {pid, 1000 + static_cast<std::uint64_t>(pid)};
  e.ppid = ppid;
  e.comm = "p" + std::to_string(pid);
  e.exit_status = status;
  if (kind == LifecycleEvent::Kind::Exec) e.filename = "/bin/true";
  return e;
}

ProcessSample process(std::int32_t pid, std::int32_t ppid) {
  ProcessSample p;
  p.key = {pid, 1000 + static_cast<std::uint64_t>(pid)};
  p.ppid = ppid;
  p.comm = "p" + std::to_string(pid);
  p.state = 'S';
  p.num_threads = 1;
  p.counters.set(Counter::RuntimeNs, 1);
  return p;
}

struct Recorded {
  Database db = Database::open_memory();
  std::unique_ptr<SessionWriter> writer;
  std::unique_ptr<SessionReader> reader;
};

// Sample 0: 50 is forked by 7 and execs; 60 (forked before the recording,
// parent 8) execs. Sample 1: 50 exits with 3, 60 is SIGKILLed, 70 dies of
// SIGSEGV with a core, 80 execs and is gone before anything else is known.
std::unique_ptr<Recorded> record_lifecycle() {
  auto r = std::make_unique<Recorded>();
  migrate(r->db);
  SessionInfo info;
  info.interval_ns = kSec;
  r->writer = std::make_unique<SessionWriter>(r->db, info);
  using K = LifecycleEvent::Kind;
  Sample a;
  a.system.wall_ns = kWall0;
  a.system.monotonic_ns = 100 * kSec;
  a.processes = {process(7, 1), process(8, 1), process(50, 7), process(60, 8), process(70, 1)};
  a.events = {event(K::Fork, 50, 7), event(K::Exec, 50, 0), event(K::Exec, 60, 0)};
  r->writer->write(a);
  Sample b;
  b.system.wall_ns = kWall0 + kSec;
  b.system.monotonic_ns = 101 * kSec;
  b.processes = {process(7, 1), process(8, 1)};
  for (auto [pid, status] : {std::pair{50, 3u << 8}, std::pair{60, 9u}, std::pair{70, 0x8bu}}) {
    ProcessSample gone = process(pid, pid == 50 ? 7 : pid == 60 ? 8 : 1);
    gone.state = 'X';
    gone.exit_status = status;
    gone.exit_ns = 100 * kSec + kSec / 2;
    b.processes.push_back(gone);
    b.events.push_back(event(K::Exit, pid, gone.ppid, status));
  }
  b.events.push_back(event(K::Exec, 80, 0));
  r->writer->write(b);
  r->reader = std::make_unique<SessionReader>(r->db, r->writer->session_id());
  return r;
}

std::vector<nlohmann::json> export_json(SessionReader& reader, ExportTable table) {
  std::ostringstream out;
  ExportOptions o;
  o.table = table;
  o.format = ExportFormat::Json;
  write_export(out, reader, o);
  std::vector<nlohmann::json> rows;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

TEST(ExportEvents, ExecRowsCarryTheRealParent) {
  auto rec = record_lifecycle();
  std::map<std::pair<std::string, int>, nlohmann::json> by;
  for (const auto& row : export_json(*rec->reader, ExportTable::Events))
    by[{row["kind"].get<std::string>(), row["pid"].get<int>()}] = row;
  EXPECT_EQ(by.at({"fork", 50})["ppid"], 7);
  EXPECT_EQ(by.at({"exec", 50})["ppid"], 7) << "from the process table and the fork";
  EXPECT_EQ(by.at({"exec", 60})["ppid"], 8) << "forked before the recording: the process table";
  EXPECT_TRUE(by.at({"exec", 80})["ppid"].is_null()) << "unknown: null, never a made-up 0";
}

TEST(ExportEvents, ExitCodeAndSignalAreSeparateColumns) {
  auto rec = record_lifecycle();
  std::map<int, nlohmann::json> exits;
  for (const auto& row : export_json(*rec->reader, ExportTable::Events))
    if (row["kind"] == "exit") exits[row["pid"].get<int>()] = row;
  ASSERT_EQ(exits.size(), 3u);
  EXPECT_EQ(exits[50]["exit_code"], 3);  // exit 3, not 768
  EXPECT_TRUE(exits[50]["signal"].is_null());
  EXPECT_EQ(exits[50]["wait_status"], 768);
  EXPECT_TRUE(exits[60]["exit_code"].is_null());
  EXPECT_EQ(exits[60]["signal"], 9);
  EXPECT_EQ(exits[70]["signal"], 11);
  EXPECT_EQ(exits[70]["wait_status"], 0x8b);  // the core-dump bit stays in the raw word
  EXPECT_FALSE(exits[50].contains("exit_status")) << "the raw value is named wait_status";

  // The raw processes table names them the same way.
  bool seen = false;
  for (const auto& row : export_json(*rec->reader, ExportTable::Processes)) {
    if (row["pid"] != 50 || row["state"] != "X") continue;
    seen = true;
    EXPECT_EQ(row["exit_code"], 3);
    EXPECT_TRUE(row["signal"].is_null());
    EXPECT_EQ(row["wait_status"], 768);
  }
  EXPECT_TRUE(seen);
}

TEST(ExportEvents, CsvHeaderNamesTheColumns) {
  auto rec = record_lifecycle();
  std::ostringstream out;
  ExportOptions o;
  o.table = ExportTable::Events;
  write_export(out, *rec->reader, o);
  const std::string header = out.str().substr(0, out.str().find('\n'));
  EXPECT_EQ(header,
            "sample_timestamp_ns,ts_ns,kind,pid,start_ns,ppid,comm,filename,argv,exit_code,signal,"
            "wait_status,trigger_pid,trigger_comm,victim_rss_bytes");
}

}  // namespace
}  // namespace pw
