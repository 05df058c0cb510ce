// Where report and export write: stdout, or a file that appears only when
// complete (written to FILE.tmp, then renamed), so a failed or interrupted
// run never leaves half a report where the last good one was.
#pragma once

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

 private:
  std::string path_;
  std::string tmp_;
  std::ofstream file_;
  bool committed_ = false;
};

}  // namespace pw
