// make_hook and check_hook_settings share one reader, so what `config check`
// accepts is exactly what the daemon builds.
#include <stdexcept>

#include "alert/hooks/command_hook.h"
#include "alert/hooks/hook.h"
#include "alert/hooks/hook_settings.h"
#include "alert/hooks/http_hooks.h"
#include "alert/hooks/jsonl_hook.h"
#include "alert/hooks/syslog_hook.h"

namespace pw {

namespace {

std::chrono::milliseconds timeout_of(HookSettings& s) {
  return std::chrono::milliseconds(static_cast<long>(s.number("timeout", 10, 0.01, 3600) * 1000));
}

bool is_http_url(const std::string& u) {
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

std::unique_ptr<Hook> build(HookSettings& s) {
  const HookConfig& h = s.config();
  // Keys every hook has, handled by the dispatcher.
  s.number("max_per_minute", 30, 0, 1e6);
  s.number("retries", 5, 1, 100);
  s.number("retry_initial", 1, 0, 3600);
  if (h.type == "jsonl") {
    const std::string path = s.text("path");
    if (path.empty()) s.error("path", "must not be empty");
    return std::make_unique<JsonlHook>(h.name, path, s.flag("fsync", false));
  }
  if (h.type == "command") {
    const bool shell = s.flag("shell", false);
    std::vector<std::string> argv;
    if (shell)
      argv = {"/bin/sh", "-c", s.text("command")};
    else
      argv = s.list("command", true);
    if (argv.empty() || argv.front().empty()) s.error("command", "must name a program");
    return std::make_unique<CommandHook>(h.name, argv, timeout_of(s));
  }
  if (h.type == "webhook" || h.type == "alertmanager") {
    HttpPost p;
    p.url = s.text("url");
    if (!is_http_url(p.url))
      s.error("url", "must start with http:// or https://, not '" + p.url + "'");
    p.timeout = timeout_of(s);
    for (const auto& [k, v] : s.table("headers")) {
      if (k.find_first_of(":\r\n") != std::string::npos ||
          v.find_first_of("\r\n") != std::string::npos)
        s.error("headers", "header '" + k + "' has a ':' or a line break");
      p.headers.push_back(k + ": " + v);
    }
    if (h.type == "alertmanager")
      return std::make_unique<AlertmanagerHook>(h.name, p, s.text("generator_url"));
    const std::string f = s.text("format", "generic");
    WebhookFormat format = WebhookFormat::Generic;
    if (f == "slack")
      format = WebhookFormat::Slack;
    else if (f == "teams")
      format = WebhookFormat::Teams;
    else if (f != "generic")
      s.error("format", "must be generic, slack or teams, not '" + f + "'");
    return std::make_unique<WebhookHook>(h.name, p, format);
  }
  if (h.type == "smtp") {
    SmtpSend m;
    m.url = s.text("url", "smtp://localhost:25");
    if (m.url.rfind("smtp://", 0) != 0 && m.url.rfind("smtps://", 0) != 0)
      s.error("url", "must start with smtp:// or smtps://, not '" + m.url + "'");
    m.from = s.text("from");
    if (m.from.empty()) s.error("from", "a mail hook needs a sender address");
    m.to = s.list("to", false);
    if (m.to.empty()) s.error("to", "needs at least one address");
    for (const auto& a : m.to)
      if (a.find_first_of("\r\n<>, ") != std::string::npos || a.find('@') == std::string::npos)
        s.error("to", "'" + a + "' is not a plain address (user@host)");
    if (m.from.find_first_of("\r\n") != std::string::npos) s.error("from", "has a line break");
    m.username = s.text("username");
    m.password = s.text("password");
    m.starttls = s.flag("starttls", false);
    m.timeout = timeout_of(s);
    return std::make_unique<SmtpHook>(h.name, m);
  }
  if (h.type == "syslog") {
    const std::string name = s.text("facility", "daemon");
    const auto facility = syslog_facility(name);
    if (!facility)
      s.error("facility", "must be user, daemon or local0..local7, not '" + name + "'");
    return std::make_unique<SyslogHook>(h.name, facility.value_or(0));
  }
  s.error("type", "unknown hook type '" + h.type + "'");
  return nullptr;
}

}  // namespace

std::vector<std::string> check_hook_settings(const HookConfig& h) {
  HookSettings s(h);
  build(s);
  return s.errors();
}

std::unique_ptr<Hook> make_hook(const HookConfig& h) {
  HookSettings s(h);
  auto hook = build(s);
  if (!s.errors().empty()) {
    std::string all;
    for (const auto& e : s.errors()) all += (all.empty() ? "" : "\n") + e;
    throw std::invalid_argument(all);
  }
  return hook;
}

}  // namespace pw
