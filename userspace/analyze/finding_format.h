// Findings for people and programs: one line of text each, or JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <span>
#include <string>

#include "model/finding.h"

namespace pw {

// "LEAK pid 1234 leaker: +1.0 MiB/s anon RSS (...)": one line, no newline.
// Untrusted names (comm) are shown with control bytes escaped.
std::string finding_line(const Finding& f, bool utc = false);
nlohmann::json finding_json(const Finding& f);
// A table with one line per finding, or "no findings".
void write_findings_text(std::ostream& out, std::span<const Finding> findings, bool utc = false);

}  // namespace pw
