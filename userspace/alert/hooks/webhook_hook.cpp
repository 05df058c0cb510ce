#include "alert/hooks/http_hooks.h"
#include "alert/hooks/payload.h"

namespace pw {

std::string webhook_body(const Notification& n, WebhookFormat format) {
  using nlohmann::json;
  const std::string title = notification_title(n);
  const std::string text = notification_text(n);
  switch (format) {
    case WebhookFormat::Slack: {
      // Slack's incoming webhook: "text" is the fallback, "blocks" the layout.
      json blocks = json::array();
      blocks.push_back({{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", title}}}});
      blocks.push_back({{"type", "section"},
                        {"text", {{"type", "mrkdwn"}, {"text", text.substr(title.size() + 1)}}}});
      return json{{"text", title}, {"blocks", blocks}}.dump(-1, ' ', false,
                                                            json::error_handler_t::replace);
    }
    case WebhookFormat::Teams: {
      // Office 365 connector MessageCard: accepted by Teams incoming webhooks.
      json card = {{"@type", "MessageCard"},
                   {"@context", "https://schema.org/extensions"},
                   {"summary", title},
                   {"themeColor", n.state == AlertState::Resolved         ? "2EB886"
                                  : n.severity == AlertSeverity::Critical ? "D00000"
                                                                          : "FFA500"},
                   {"title", title},
                   {"text", text.substr(title.size() + 1)}};
      return card.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    case WebhookFormat::Generic:
      break;
  }
  return notification_json(n).dump();
}

WebhookHook::WebhookHook(std::string name, HttpPost request, WebhookFormat format)
    : Hook(std::move(name)), request_(std::move(request)), format_(format) {
  request_.headers.emplace_back("Content-Type: application/json");
}

DeliveryResult WebhookHook::deliver(const Notification& n) {
  HttpPost p = request_;
  p.body = webhook_body(n, format_);
  return curl_post(p);
}

}  // namespace pw
