#include "store/findings_table.h"

#include <string>

namespace pw {
namespace {

bool has_findings_table(Database& db) {
  return db.query_int("SELECT count(*) FROM sqlite_schema WHERE name = 'findings'") > 0;
}

}  // namespace

void write_findings(Database& db, std::int64_t session_id, std::span<const Finding> findings) {
  Transaction tx(db);
  db.prepare("DELETE FROM findings WHERE session_id = ?").bind(1, session_id).run();
  upsert_findings(db, session_id, findings);
  tx.commit();
}

void upsert_findings(Database& db, std::int64_t session_id, std::span<const Finding> findings) {
  Statement insert = db.prepare(
      "INSERT OR REPLACE INTO findings(session_id, id, kind, detector, pid, start_ns, comm, "
      "identity, metric, value, baseline, score, rate_per_s, confidence, window_s, limit_bytes, "
      "time_to_oom_s, start_wall_ns, end_wall_ns, active, evidence) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const Finding& f : findings) {
    insert.bind(1, session_id).bind(2, f.id).bind_text(3, finding_kind_name(f.kind));
    insert.bind_text(4, f.detector);
    if (f.process)
      insert.bind(5, std::int64_t{f.process->pid}).bind(6, f.process->start_ns);
    else
      insert.bind_null(5).bind_null(6);
    insert.bind_text(7, f.comm).bind_text(8, f.identity).bind_text(9, f.metric);
    insert.bind(10, f.value).bind(11, f.baseline).bind(12, f.score);
    insert.bind(13, f.rate_per_s).bind(14, f.confidence).bind(15, f.window_s);
    if (f.limit_bytes)
      insert.bind(16, *f.limit_bytes);
    else
      insert.bind_null(16);
    if (f.time_to_oom_s)
      insert.bind(17, *f.time_to_oom_s);
    else
      insert.bind_null(17);
    insert.bind(18, f.start_wall_ns).bind(19, f.end_wall_ns).bind(20, f.active ? 1 : 0);
    insert.bind_text(21, f.evidence);
    insert.run();
  }
}

std::vector<Finding> read_findings(Database& db, std::int64_t session_id) {
  std::vector<Finding> out;
  if (!has_findings_table(db)) return out;
  Statement q = db.prepare(
      "SELECT id, kind, detector, pid, start_ns, comm, identity, metric, value, baseline, score, "
      "rate_per_s, confidence, window_s, limit_bytes, time_to_oom_s, start_wall_ns, end_wall_ns, "
      "active, evidence FROM findings WHERE session_id = ? ORDER BY id");
  q.bind(1, session_id);
  while (q.step()) {
    Finding f;
    f.id = q.get_uint(0);
    f.kind = q.get_text(1) == "leak" ? Finding::Kind::Leak : Finding::Kind::Anomaly;
    f.detector = q.get_text(2);
    if (!q.is_null(3))
      f.process =
          ProcessKey{.pid = static_cast<std::int32_t>(q.get_int(3)), .start_ns = q.get_uint(4)};
    f.comm = q.get_text(5);
    f.identity = q.get_text(6);
    f.metric = q.get_text(7);
    f.value = q.get_double(8);
    f.baseline = q.get_double(9);
    f.score = q.get_double(10);
    f.rate_per_s = q.get_double(11);
    f.confidence = q.get_double(12);
    f.window_s = q.get_double(13);
    if (!q.is_null(14)) f.limit_bytes = q.get_uint(14);
    if (!q.is_null(15)) f.time_to_oom_s = q.get_double(15);
    f.start_wall_ns = q.get_uint(16);
    f.end_wall_ns = q.get_uint(17);
    f.active = q.get_int(18) != 0;
    f.evidence = q.get_text(19);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace pw
