// Where report and export write: stdout, or a file that appears only when
// complete (written to FILE.tmp, then renamed), so a failed or interrupted
// run never leaves half a report where the last good one was.
#pragma once

#include <cstdint>
#include <fstream>
#include <ostream>
#include <string>

namespace pw {

class OutputFile {
 public:
  // "" or "-": stdout. Throws FatalError when the file cannot be created.
  explicit OutputFile(std::string path);
  ~OutputFile();  // removes the temporary file unless committed
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  std::ostream& stream();
  bool is_stdout() const { return path_.empty(); }
  // Flushes and renames into place; throws FatalError on a write error.
  void commit();
  // After commit(): bytes in the file (0 for stdout).
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_;
  std::ofstream file_;
  bool committed_ = false;
  std::uint64_t size_ = 0;
};

// After a committed file (not stdout), on a terminal only, as record's
// closing line: "procwatch: wrote WHAT to PATH (1.2 MB)" on stderr. Scripts
// (stderr not a terminal) see nothing.
void announce_output(const OutputFile& out, const std::string& what);

}  // namespace pw
