// The JSON document and text bodies of a notification, with hostile process
// names (terminal escapes, HTML, header injection, invalid UTF-8), and the
// settings check `procwatch config check` runs.
#include <gtest/gtest.h>
#include <syslog.h>

#include "alert/hooks/hook.h"
#include "alert/hooks/http_hooks.h"
#include "alert/hooks/payload.h"
#include "alert/hooks/syslog_hook.h"
#include "alert_hooks_test_util.h"

namespace pw {
namespace {

TEST(AlertHooksPayload, JsonHasTheDocumentedShape) {
  const Notification n = test::sample_notification();
  const nlohmann::json j = notification_json(n);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["host"], "testhost");
  EXPECT_EQ(j["rule"], "cpu_hog");
  EXPECT_EQ(j["severity"], "critical");
  EXPECT_EQ(j["state"], "firing");
  EXPECT_EQ(j["count"], 1);
  ASSERT_EQ(j["alerts"].size(), 1u);
  const auto& a = j["alerts"][0];
  EXPECT_EQ(a["fingerprint"], "fp-4242");
  EXPECT_EQ(a["pid"], 4242);
  EXPECT_EQ(a["start_ns"], 777);
  EXPECT_EQ(a["comm"], "busy");
  EXPECT_EQ(a["identity"], "/system.slice/busy.service /usr/bin/busy");
  EXPECT_EQ(a["cmdline"], "/usr/bin/busy --spin");
  EXPECT_EQ(a["metric"], "cpu_pct");
  EXPECT_DOUBLE_EQ(a["value"].get<double>(), 97.5);
  EXPECT_DOUBLE_EQ(a["threshold"].get<double>(), 90);
  EXPECT_EQ(a["labels"]["team"], "infra");
  EXPECT_DOUBLE_EQ(a["values"]["cpu_pct"].get<double>(), 97.5);
  EXPECT_EQ(a["startsAt"], rfc3339(n.alerts[0].starts_wall_ns));
  EXPECT_TRUE(a["endsAt"].is_null());
  EXPECT_EQ(rfc3339(1'765'000'000'123'000'000ull), "2025-12-06T05:46:40.123Z");
}

TEST(AlertHooksPayload, ResolvedHasEndsAt) {
  const nlohmann::json j = notification_json(test::sample_notification(AlertState::Resolved));
  EXPECT_EQ(j["state"], "resolved");
  EXPECT_TRUE(j["alerts"][0]["endsAt"].is_string());
}

TEST(AlertHooksPayload, HostileNamesAreEscapedInJsonAndStrippedInText) {
  const std::string hostile = "x\x1b]0;owned\a<script>\"q\"\r\nBcc: evil@x\xff\xc2\x9b";
  const Notification n = test::sample_notification(AlertState::Firing, hostile);
  const std::string doc = notification_json(n).dump();
  // Valid JSON that round-trips the printable part, no raw control bytes.
  for (unsigned char c : doc) EXPECT_GE(c, 0x20) << "raw control byte in the JSON";
  const auto back = nlohmann::json::parse(doc);
  const std::string comm = back["alerts"][0]["comm"];
  EXPECT_NE(comm.find("<script>\"q\""), std::string::npos);
  EXPECT_NE(comm.find("\x1b"), std::string::npos);  // kept, but escaped as \u001b
  EXPECT_NE(doc.find("\\u001b"), std::string::npos);

  const std::string text = notification_text(n);
  for (char c : text) {
    if (c != '\n') {
      EXPECT_GE(static_cast<unsigned char>(c), 0x20);
    }
  }
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
  EXPECT_EQ(strip_control("a\r\nb\x1b[31m"), "a??b?[31m");
}

TEST(AlertHooksPayload, NoHeaderInjectionThroughRuleOrComm) {
  Notification n = test::sample_notification(AlertState::Firing, "evil\r\nBcc: victim@x");
  n.rule = "r\r\nX-Injected: 1";
  const std::string m = mail_message(n, "pw@localhost", {"ops@localhost"});
  const std::string headers = m.substr(0, m.find("\r\n\r\n"));
  EXPECT_EQ(headers.find("\r\nX-Injected"), std::string::npos);
  EXPECT_EQ(headers.find("\r\nBcc"), std::string::npos);
  EXPECT_NE(headers.find(
                "Subject: [procwatch] FIRING critical: r??X-Injected: 1 on testhost (1 process)"),
            std::string::npos);
  EXPECT_NE(headers.find("\r\nMessage-ID: <procwatch."), std::string::npos);
  EXPECT_EQ(headers.rfind("Date: ", 0), 0u);
}

TEST(AlertHooksPayload, SlackTeamsAndAlertmanagerBodies) {
  const Notification n = test::sample_notification();
  const auto slack = nlohmann::json::parse(webhook_body(n, WebhookFormat::Slack));
  EXPECT_EQ(slack["text"], "FIRING critical: cpu_hog on testhost (1 process)");
  EXPECT_EQ(slack["blocks"][0]["type"], "header");
  const auto teams = nlohmann::json::parse(webhook_body(n, WebhookFormat::Teams));
  EXPECT_EQ(teams["@type"], "MessageCard");
  const auto am = nlohmann::json::parse(alertmanager_body(n, "http://pw/"));
  ASSERT_TRUE(am.is_array());
  EXPECT_EQ(am[0]["labels"]["alertname"], "cpu_hog");
  EXPECT_EQ(am[0]["labels"]["pid"], "4242");
  EXPECT_EQ(am[0]["labels"]["team"], "infra");
  EXPECT_FALSE(am[0].contains("endsAt"));
  const auto am_resolved =
      nlohmann::json::parse(alertmanager_body(test::sample_notification(AlertState::Resolved), ""));
  EXPECT_TRUE(am_resolved[0].contains("endsAt"));
}

TEST(AlertHooksPayload, SettingsCheckNamesWhereAndKey) {
  auto errors = check_hook_settings(
      test::hook_config("webhook", {{"url", "ftp://x"}, {"timeout", "-1"}, {"format", "irc"}}));
  ASSERT_EQ(errors.size(), 3u);
  bool named = false;
  for (const auto& e : errors)
    named = named || e.rfind("test.toml:1:1: hook 'webhook-test' key 'timeout': ", 0) == 0;
  EXPECT_TRUE(named) << errors[0] << "\n" << errors[1];
  EXPECT_TRUE(check_hook_settings(test::hook_config("jsonl", {{"path", "/tmp/x"}})).empty());
  EXPECT_FALSE(
      check_hook_settings(test::hook_config("smtp", {{"to", "a\r\nb"}, {"from", "x@y"}})).empty());
  EXPECT_THROW(make_hook(test::hook_config("command", {{"command", ""}})), std::invalid_argument);
}

TEST(AlertHooksPayload, SyslogFacilityAndPriority) {
  EXPECT_EQ(syslog_facility("local3"), LOG_LOCAL3);
  EXPECT_FALSE(syslog_facility("kern"));
  EXPECT_EQ(syslog_priority(test::sample_notification()), LOG_CRIT);
  EXPECT_EQ(syslog_priority(test::sample_notification(AlertState::Resolved)), LOG_NOTICE);
  EXPECT_TRUE(check_hook_settings(test::hook_config("syslog", {{"facility", "local0"}})).empty());
  EXPECT_FALSE(check_hook_settings(test::hook_config("syslog", {{"facility", "kern"}})).empty());
}

}  // namespace
}  // namespace pw
