// The hooks that speak HTTP or SMTP through libcurl: a webhook (generic
// JSON, Slack, Teams), Alertmanager's /api/v2/alerts, and mail.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "alert/hooks/curl_request.h"
#include "alert/hooks/hook.h"

namespace pw {

enum class WebhookFormat { Generic, Slack, Teams };

class WebhookHook final : public Hook {
 public:
  WebhookHook(std::string name, HttpPost request, WebhookFormat format);
  DeliveryResult deliver(const Notification& n) override;

 private:
  HttpPost request_;
  WebhookFormat format_;
};
std::string webhook_body(const Notification& n, WebhookFormat format);

class AlertmanagerHook final : public Hook {
 public:
  // `url` is the Alertmanager base ("http://am:9093"); /api/v2/alerts is added.
  AlertmanagerHook(std::string name, HttpPost request, std::string generator_url);
  DeliveryResult deliver(const Notification& n) override;

 private:
  HttpPost request_;
  std::string generator_url_;
};
std::string alertmanager_body(const Notification& n, const std::string& generator_url);

class SmtpHook final : public Hook {
 public:
  SmtpHook(std::string name, SmtpSend send);
  DeliveryResult deliver(const Notification& n) override;

 private:
  SmtpSend send_;
};
std::string mail_message(const Notification& n, const std::string& from,
                         const std::vector<std::string>& to);

}  // namespace pw
