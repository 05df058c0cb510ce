// The findings of a session (schema version 2, table `findings`): what the
// detectors raised while recording, so `replay`, `report` and `analyze` can
// show them without running the detectors again.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "model/finding.h"
#include "store/db.h"

namespace pw {

// Replaces the session's findings (a finding's last state is what counts).
void write_findings(Database& db, std::int64_t session_id, std::span<const Finding> findings);

// Inserts or replaces these findings (by id), leaving the session's others:
// the recorder stores a finding when it is raised, refreshed and ended.
// Runs in the caller's transaction (the writer's, one per sample).
void upsert_findings(Database& db, std::int64_t session_id, std::span<const Finding> findings);

// Empty for a version 1 file (no table) or a session without findings.
std::vector<Finding> read_findings(Database& db, std::int64_t session_id);

}  // namespace pw
