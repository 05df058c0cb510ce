// One Model as a JSON document: batch --json, and later the REST API.
// Strings are raw bytes from the kernel; dump with
// nlohmann::json::error_handler_t::replace so invalid UTF-8 cannot throw.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/model.h"
#include "view/table.h"
#include "view/view_options.h"

namespace pw {

// Keys keep their insertion order, so a process object lists its fields in
// column order and people can read the output.
using Json = nlohmann::ordered_json;

// {field name: value or null} for exactly `fields`, in that order. Numbers
// stay numbers (not the column text); missing values are null.
Json process_json(const ProcessRow& row, const std::vector<FieldId>& fields, double interval_s);
// The same for a table row (a group or subtree row gives its sums).
Json process_json(const TableRow& row, const std::vector<FieldId>& fields, double interval_s);

// {"timestamp_ns", "interval_s" (null on the first frame), "host", "system",
//  "notices", "processes"} with the processes build_table(model, opts) shows.
// An invalid filter adds its error to the notices (and shows no process).
Json frame_json(const Model& model, const ViewOptions& opts,
                const std::vector<std::string>& notices);

// Serialized; invalid UTF-8 becomes U+FFFD instead of throwing, and C1
// controls are \u-escaped like C0 ones, so the output is safe to print on a
// terminal. indent < 0 gives one line.
std::string dump_json(const Json& j, int indent = -1);

}  // namespace pw
