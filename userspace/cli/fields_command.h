// `procwatch fields`: the field vocabulary, for --fields and --sort.
#pragma once

#include <CLI/CLI.hpp>

#include <ostream>

namespace pw {

struct FieldsCommandOptions {
  bool json = false;
};

CLI::App* add_fields_command(CLI::App& app, FieldsCommandOptions& options);
void write_field_list(std::ostream& out, bool json);

}  // namespace pw
