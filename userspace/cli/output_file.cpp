#include "cli/output_file.h"

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common/error.h"

namespace pw {

OutputFile::OutputFile(std::string path) : path_(path == "-" ? std::string() : std::move(path)) {
  if (path_.empty()) return;
  tmp_ = path_ + ".tmp";
  file_.open(tmp_, std::ios::binary | std::ios::trunc);
  if (!file_) throw FatalError("cannot create " + tmp_ + ": " + errno_text(errno));
}

OutputFile::~OutputFile() {
  if (!path_.empty() && !committed_) {
    file_.close();
    std::error_code ec;
    std::filesystem::remove(tmp_, ec);
  }
}

std::ostream& OutputFile::stream() { return path_.empty() ? std::cout : file_; }

void OutputFile::commit() {
  stream().flush();
  if (!stream())
    throw FatalError("writing " + (path_.empty() ? std::string("the output") : tmp_) +
                     " failed (disk full or closed pipe?)");
  if (path_.empty()) return;
  file_.close();
  if (!file_) throw FatalError("writing " + tmp_ + " failed (disk full?)");
  std::error_code ec;
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw FatalError("cannot rename " + tmp_ + " to " + path_ + ": " + ec.message());
  committed_ = true;
}

}  // namespace pw
