// procwatch.toml parsing: good configs come through whole, every bad one
// names the line, column and key.
#include <gtest/gtest.h>

#include "config/config.h"

namespace pw {
namespace {

bool has_error(const ConfigResult& r, const std::string& needle) {
  for (const auto& e : r.errors)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}

std::string all(const ConfigResult& r) {
  std::string s;
  for (const auto& e : r.errors) s += e + "\n";
  return s;
}

TEST(ConfigParse, AFullConfig) {
  const auto r = parse_config_text(R"([daemon]
interval = "5s"
listen = "127.0.0.1:9464"
record = "/var/lib/procwatch/rec.db"
retention = "7d"

[detectors]
leak = true
anomaly = false

[[rule]]
name = "hot"
field = "cpu_pct"
warning = 80
critical = 95.5
for = "2m"
hysteresis = 5
match = { comm = "nginx", cmdline_regex = "worker" }

[[rule]]
name = "quiet"
field = "cpu_busy_pct"
scope = "system"
below = true
warning = 1

[[hook]]
name = "ops"
type = "webhook"
url = "http://127.0.0.1:8080/hook"
timeout = 3
)",
                                   "t.toml");
  ASSERT_TRUE(r.config) << all(r);
  const Config& c = *r.config;
  EXPECT_DOUBLE_EQ(c.daemon.interval_s, 5);
  EXPECT_EQ(c.daemon.listen, "127.0.0.1:9464");
  EXPECT_DOUBLE_EQ(c.daemon.retention_s, 7 * 86400);
  EXPECT_FALSE(c.detectors.anomaly);
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_EQ(c.rules[0].field, "cpu_pct");
  EXPECT_DOUBLE_EQ(*c.rules[0].critical, 95.5);
  EXPECT_DOUBLE_EQ(c.rules[0].for_s, 120);
  EXPECT_EQ(c.rules[0].match.comm, "nginx");
  EXPECT_EQ(c.rules[0].where, "t.toml:11:1");
  EXPECT_EQ(c.rules[1].scope, RuleScope::System);
  EXPECT_FALSE(c.rules[1].above);
  ASSERT_EQ(c.hooks.size(), 1u);
  EXPECT_EQ(c.hooks[0].type, "webhook");
  EXPECT_EQ(c.hooks[0].settings.at("url"), "http://127.0.0.1:8080/hook");
  EXPECT_EQ(c.hooks[0].settings.at("timeout"), "3");
}

TEST(ConfigParse, ErrorsNameLineColumnAndKey) {
  const auto r = parse_config_text(R"([daemon]
interval = "1s"
[[rule]]
name = "x"
field = "no_such_field"
warning = 1
for = "-5s"
critcal = 3
match = { cmdline_regex = "([" }
[[hook]]
type = "smtp"
[[hook]]
type = "pigeon"
)",
                                   "bad.toml");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, "bad.toml:5:9: key 'rule[0].field': unknown field 'no_such_field'"))
      << all(r);
  EXPECT_TRUE(has_error(r, "bad.toml:7:7: key 'rule[0].for': a duration cannot be negative"))
      << all(r);
  EXPECT_TRUE(has_error(r, "bad.toml:8:11: key 'rule[0].critcal': unknown key")) << all(r);
  EXPECT_TRUE(has_error(r, "bad.toml:9:")) << all(r);
  EXPECT_TRUE(has_error(r, "rule[0].match.cmdline_regex': bad regular expression")) << all(r);
  EXPECT_TRUE(has_error(r, "bad.toml:10:1: key 'hook[0].to': a hook of type smtp needs 'to'")) << all(r);
  EXPECT_TRUE(has_error(r, "bad.toml:13:8: key 'hook[1].type': unknown hook type 'pigeon'"))
      << all(r);
  EXPECT_EQ(r.errors.size(), 6u) << all(r);
}

TEST(ConfigParse, SyntaxErrorPointsAtTheLine) {
  const auto r = parse_config_text("[daemon]\ninterval = \"1s\"\nlisten = \n", "syn.toml");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind("syn.toml:3:", 0), 0u) << r.errors[0];
}

TEST(ConfigParse, RuleShapeErrors) {
  const auto r = parse_config_text(R"([[rule]]
name = "a"
field = "comm"
warning = 1
[[rule]]
name = "a"
field = "threads"
[[rule]]
name = "c"
field = "threads"
warning = 10
critical = 5
scope = "galaxy"
)",
                                   "r.toml");
  EXPECT_TRUE(has_error(r, "r.toml:3:9: key 'rule[0].field': field 'comm' is text")) << all(r);
  EXPECT_TRUE(has_error(r, "r.toml:5:1: key 'rule[1].warning': a rule needs warning")) << all(r);
  EXPECT_TRUE(has_error(r, "key 'rule[1].name': rule 'a' is defined twice (first at r.toml:1:1)"))
      << all(r);
  EXPECT_TRUE(has_error(r, "r.toml:12:12: key 'rule[2].critical': must not be below warning"))
      << all(r);
  EXPECT_TRUE(has_error(r, "r.toml:13:9: key 'rule[2].scope'")) << all(r);
}

TEST(ConfigParse, Durations) {
  EXPECT_DOUBLE_EQ(*parse_duration_s("30s"), 30);
  EXPECT_DOUBLE_EQ(*parse_duration_s("250ms"), 0.25);
  EXPECT_DOUBLE_EQ(*parse_duration_s("5m"), 300);
  EXPECT_DOUBLE_EQ(*parse_duration_s("2"), 2);
  EXPECT_FALSE(parse_duration_s("soon"));
  EXPECT_FALSE(parse_duration_s("5 parsecs"));
  EXPECT_FALSE(parse_duration_s(""));
}

TEST(ConfigParse, MissingFileIsAnError) {
  const auto r = load_config_file("/nonexistent/procwatch.toml");
  EXPECT_FALSE(r.config);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("/nonexistent/procwatch.toml"), std::string::npos);
}

}  // namespace
}  // namespace pw
