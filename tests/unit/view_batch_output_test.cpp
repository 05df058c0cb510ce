// Batch output as `top -b/--csv` and `procwatch fields` write it: text
// lines cut to a width (the terminal's, or -w N; 0 = no limit), a
// timestamp as the first CSV column so frames can be told apart, and the
// field list's columns as wide as their longest entry.
#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "cli/fields_command.h"
#include "cli/top_command.h"
#include "view/batch.h"
#include "view/sanitize.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::TwoSamples;

Model with_long_command() {
  TwoSamples t;
  t.add({.pid = 1, .ppid = 0, .comm = "init", .cmdline = "/sbin/init", .cpu_ns = kSec / 10});
  t.add(
      {.pid = 2, .comm = "java", .cmdline = "java " + std::string(2000, 'x'), .cpu_ns = kSec / 2});
  return t.derive();
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(BatchOutput, TextLinesAreCutToTheWidth) {
  const Model m = with_long_command();
  ViewOptions o;
  std::ostringstream unlimited;
  write_text_frame(unlimited, m, o, {"a notice " + std::string(300, 'n')});
  std::size_t longest = 0;
  for (const std::string& l : lines_of(unlimited.str()))
    longest = std::max(longest, display_width(l));
  EXPECT_GT(longest, 2000u) << "0: no limit";

  for (const std::size_t w : {80u, 132u, 20u}) {
    std::ostringstream cut;
    write_text_frame(cut, m, o, {"a notice " + std::string(300, 'n')}, {.text_width = w});
    const std::vector<std::string> lines = lines_of(cut.str());
    ASSERT_EQ(lines.size(), lines_of(unlimited.str()).size()) << "cut, not dropped or wrapped";
    for (const std::string& l : lines) EXPECT_LE(display_width(l), w) << l;
    bool java = false;
    for (const std::string& l : lines) java |= l.find("java") != std::string::npos;
    EXPECT_TRUE(java || w < 80) << "the row is still there, cut";
  }
}

TEST(BatchOutput, TopOptionsChooseTheWidthAndTimestampColumn) {
  TopCommandOptions o;
  o.width = 100;
  EXPECT_EQ(top_batch_options(o).text_width, 100u);
  o.width = 0;
  EXPECT_EQ(top_batch_options(o).text_width, 0u) << "-w 0: no limit";
  o.width.reset();
  if (!::isatty(STDOUT_FILENO)) {
    EXPECT_EQ(top_batch_options(o).text_width, 0u);
  }
  EXPECT_TRUE(top_batch_options(o).csv_timestamp_column);

  o.width = -1;
  EXPECT_THROW(top_view_options(o), FatalError);
  o.width.reset();
  for (const int n : {0, -5}) {
    o.iterations = n;
    try {
      top_view_options(o);
      ADD_FAILURE() << "-n " << n << " accepted";
    } catch (const FatalError& e) {
      EXPECT_EQ(e.exit_code(), 2);
      EXPECT_NE(std::string(e.what()).find("-n must be at least 1"), std::string::npos);
    }
  }
  o.iterations = 1;
  EXPECT_NO_THROW(top_view_options(o));
  EXPECT_TRUE(top_batch_mode(o));
}

TEST(BatchOutput, CsvFramesStartWithTheirTimestamp) {
  TwoSamples t;
  t.add({.pid = 1, .ppid = 0, .comm = "init", .cmdline = "init"});
  const Model first = t.derive();
  t.after.wall_ns += kSec;
  const Model second = t.derive();
  ViewOptions v;
  v.fields = {FieldId::Pid, FieldId::Comm};
  std::ostringstream out;
  BatchWriter w(out, BatchFormat::Csv, v, top_batch_options(TopCommandOptions{}));
  w.write(first, {});
  w.write(second, {});
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "timestamp_ns,pid,comm");
  EXPECT_EQ(lines[1], std::to_string(view_test::kWallNs) + ",1,init");
  EXPECT_EQ(lines[2], std::to_string(view_test::kWallNs + kSec) + ",1,init");
}

TEST(BatchOutput, FieldListColumnsFitTheLongestName) {
  std::ostringstream out;
  write_field_list(out, false);
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), all_fields().size());
  std::size_t header_col = std::string::npos;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const FieldDef& f = all_fields()[i];
    ASSERT_EQ(lines[i].compare(0, f.name.size(), f.name), 0) << lines[i];
    // At least one space between the name and the column title, and every
    // title starts in the same column.
    ASSERT_EQ(lines[i][f.name.size()], ' ') << lines[i];
    const std::size_t at = lines[i].find_first_not_of(' ', f.name.size());
    if (header_col == std::string::npos) header_col = at;
    EXPECT_EQ(at, header_col) << lines[i];
    EXPECT_EQ(lines[i].compare(at, f.header.size(), f.header), 0) << lines[i];
  }
  // The state help names every letter.
  for (const std::string& l : lines) {
    if (!l.starts_with("state ")) continue;
    for (const char* s : {"R ", "S ", "D ", "T ", "I ", "Z ", "X "}) {
      EXPECT_NE(l.find(s), std::string::npos) << s << " in " << l;
    }
  }
}

}  // namespace
}  // namespace pw
