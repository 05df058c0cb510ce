// Formats a ReportData: one self-contained HTML page with Chart.js charts
// (readable offline), one JSON document, or CSV (one row per process).
// Every process name, command line and user is untrusted text: sanitized,
// then HTML-escaped in markup, and in the page's data block JSON-encoded
// with <, > and & escaped, so nothing can close the <script> element.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "report/report_data.h"

namespace pw {

enum class ReportFormat : std::uint8_t { Html, Json, Csv };

nlohmann::ordered_json report_json(const ReportData& data);
void write_report_json(std::ostream& out, const ReportData& data);
void write_report_csv(std::ostream& out, const ReportData& data);
void write_report_html(std::ostream& out, const ReportData& data);

// JSON text safe inside an HTML <script> element: <, >, &, U+2028 and
// U+2029 are \u-escaped (they only occur inside strings).
std::string json_for_script(const nlohmann::ordered_json& j);

// "exit 3", "signal 9 (core dumped)", from a wait(2) status word.
std::string exit_text(std::uint32_t status);

}  // namespace pw
