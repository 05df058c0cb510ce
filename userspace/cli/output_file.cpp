#include "cli/output_file.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "common/error.h"
#include "common/time_text.h"

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
  const auto bytes = std::filesystem::file_size(tmp_, ec);
  size_ = ec ? 0 : static_cast<std::uint64_t>(bytes);
  std::filesystem::rename(tmp_, path_, ec);
  if (ec) throw FatalError("cannot rename " + tmp_ + " to " + path_ + ": " + ec.message());
  committed_ = true;
}

void announce_output(const OutputFile& out, const std::string& what) {
  if (out.is_stdout() || !::isatty(STDERR_FILENO)) return;
  std::fprintf(stderr, "procwatch: wrote %s to %s (%s)\n", what.c_str(), out.path().c_str(),
               format_size_short(out.size()).c_str());
}

}  // namespace pw
