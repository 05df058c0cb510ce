// The predefined views of top (CPU, IO, network, memory): their columns,
// keys, --view, the help screen and the header.
#include "view/view_presets.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cli/top_command.h"
#include "common/error.h"
#include "view/table.h"
#include "view/top_screen.h"
#include "view/top_state.h"
#include "view_test_models.h"

namespace pw {
namespace {

TEST(ViewPresetsTest, PresetsReferenceExistingFieldsAndUniqueKeys) {
  std::set<std::string_view> names;
  std::set<char> keys;
  ASSERT_EQ(all_view_presets().size(), 4u);
  for (const ViewPresetDef& p : all_view_presets()) {
    EXPECT_TRUE(names.insert(p.name).second) << p.name;
    EXPECT_TRUE(keys.insert(p.digit_key).second) << p.name;
    EXPECT_TRUE(keys.insert(p.letter_key).second) << p.name;
    EXPECT_EQ(find_view_preset(p.name), &p);
    EXPECT_EQ(view_preset_for_key(p.digit_key), &p);
    EXPECT_EQ(view_preset_for_key(p.letter_key), &p);
    EXPECT_EQ(&view_preset(p.id), &p);
    ASSERT_FALSE(p.fields.empty());
    std::set<FieldId> seen;
    for (const FieldId id : p.fields) {
      const FieldDef& f = field(id);
      EXPECT_EQ(f.id, id) << p.name;
      EXPECT_EQ(find_field(f.name), &f) << p.name;
      EXPECT_TRUE(seen.insert(id).second) << p.name << ": duplicate " << f.name;
    }
    EXPECT_EQ(field(p.sort_by).id, p.sort_by);
    EXPECT_NE(field(p.sort_by).kind, FieldKind::Text) << p.name;
    // Every view says whose figures they are.
    EXPECT_EQ(p.fields.front(), FieldId::Pid) << p.name;
    EXPECT_EQ(p.fields.back(), FieldId::Cmdline) << p.name;
  }
  EXPECT_EQ(find_view_preset("disk"), nullptr);
  EXPECT_EQ(view_preset_for_key('x'), nullptr);
  // The default columns are the CPU view's.
  const auto cpu = view_preset(ViewPreset::Cpu).fields;
  EXPECT_EQ(default_top_fields(), std::vector<FieldId>(cpu.begin(), cpu.end()));
}

TEST(ViewPresetsTest, ViewKeysDoNotShadowOtherKeys) {
  // Keys top already uses must keep their meaning.
  for (const int k :
       {'q', 'P', '<', '>', 'R', 's', '/', 'o', 'u', 'd', 't', 'H', ' ', 'h', '?', 'g', 'S'})
    EXPECT_EQ(view_preset_for_key(k), nullptr) << static_cast<char>(k);
}

TEST(ViewPresetsTest, KeysSwitchColumnsAndSort) {
  const Model m = view_test::TwoSamples().add({.pid = 1, .ppid = 0, .comm = "init"}).derive();
  TopState st;
  st.opts.fields = default_top_fields();
  Table t = build_table(m, st.opts);
  const std::vector<std::pair<int, ViewPreset>> keys = {
      {'2', ViewPreset::Io},  {'n', ViewPreset::Net}, {'4', ViewPreset::Mem},
      {'c', ViewPreset::Cpu}, {'i', ViewPreset::Io},  {'3', ViewPreset::Net},
      {'m', ViewPreset::Mem}, {'1', ViewPreset::Cpu}};
  for (const auto& [key, want] : keys) {
    st.opts.sort_descending = false;
    EXPECT_EQ(handle_key(st, key, t, 10), KeyEffect::Rebuild);
    const ViewPresetDef& p = view_preset(want);
    EXPECT_EQ(st.opts.view, want);
    EXPECT_EQ(st.opts.fields, std::vector<FieldId>(p.fields.begin(), p.fields.end()));
    EXPECT_EQ(st.opts.sort_by, p.sort_by);
    EXPECT_TRUE(st.opts.sort_descending);
    EXPECT_NE(st.message.find(p.title), std::string::npos);
    t = build_table(m, st.opts);
    const ScreenFrame f = render_top_screen({&m, &t, nullptr, &st}, 200, 20);
    EXPECT_NE(f.lines[0].text.find(std::string(p.name) + " view"), std::string::npos)
        << f.lines[0].text;
  }
}

TEST(ViewPresetsTest, HelpListsEveryView) {
  std::string help;
  for (const std::string& l : help_lines()) help += l + "\n";
  for (const ViewPresetDef& p : all_view_presets()) {
    std::string line = "  ";
    line += p.digit_key;
    line += ' ';
    line += p.letter_key;
    line += "  " + std::string(p.name) + ": ";
    EXPECT_NE(help.find(line), std::string::npos) << line;
  }
  for (const std::string_view key : {"  g ", "  S ", "  Enter "})
    EXPECT_NE(help.find(key), std::string::npos) << key;
}

TEST(ViewPresetsTest, ViewAndGroupOptionsOfTop) {
  TopCommandOptions o;
  ViewOptions v = top_view_options(o);
  EXPECT_EQ(v.view, ViewPreset::Cpu);
  EXPECT_EQ(v.sort_by, FieldId::CpuPct);

  o.view = "io";
  v = top_view_options(o);
  EXPECT_EQ(v.view, ViewPreset::Io);
  const auto io = view_preset(ViewPreset::Io).fields;
  EXPECT_EQ(v.fields, std::vector<FieldId>(io.begin(), io.end()));
  EXPECT_EQ(v.sort_by, FieldId::IoBytesPerSec);

  // --fields and --sort still win over the view's.
  o.view = "mem";
  o.fields = "pid,rss_bytes";
  o.sort = "pid";
  v = top_view_options(o);
  EXPECT_EQ(v.fields, (std::vector<FieldId>{FieldId::Pid, FieldId::RssBytes}));
  EXPECT_EQ(v.sort_by, FieldId::Pid);

  o.group = "container";
  EXPECT_EQ(top_view_options(o).group, GroupBy::Container);
  o.tree = true;
  EXPECT_THROW(top_view_options(o), FatalError);
  o.tree = false;
  o.view = "disk";
  EXPECT_THROW(top_view_options(o), FatalError);
}

}  // namespace
}  // namespace pw
