#include "cli/fields_command.h"

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
  for (const auto& f : all_fields())
    out << std::left << std::setw(22) << f.name << std::setw(9) << f.header << std::setw(5)
        << f.unit << f.help << "\n";
}

CLI::App* add_fields_command(CLI::App& app, FieldsCommandOptions& options) {
  CLI::App* cmd = app.add_subcommand("fields", "List every field usable in --fields and --sort");
  cmd->add_flag("--json", options.json, "As JSON");
  return cmd;
}

}  // namespace pw
