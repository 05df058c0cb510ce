#include "cli/fields_command.h"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>

#include "model/fields.h"

namespace pw {

void write_field_list(std::ostream& out, bool json) {
  if (json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& f : all_fields())
      list.push_back({{"name", f.name}, {"header", f.header}, {"unit", f.unit}, {"help", f.help}});
    out << list.dump(2) << "\n";
    return;
  }
  // Each column as wide as its longest entry plus a space, so no name
  // runs into the next column.
  std::size_t name_w = 0, header_w = 0, unit_w = 0;
  for (const auto& f : all_fields()) {
    name_w = std::max(name_w, f.name.size());
    header_w = std::max(header_w, f.header.size());
    unit_w = std::max(unit_w, f.unit.size());
  }
  for (const auto& f : all_fields()) {
    out << std::left << std::setw(static_cast<int>(name_w + 2)) << f.name
        << std::setw(static_cast<int>(header_w + 2)) << f.header
        << std::setw(static_cast<int>(unit_w + 2)) << f.unit << f.help << "\n";
  }
}

CLI::App* add_fields_command(CLI::App& app, FieldsCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand("fields", "List every field usable in --fields and --sort");
  cmd->add_flag("--json", options.json, "As JSON");
  return cmd;
}

}  // namespace pw
