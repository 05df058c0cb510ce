// One HTTP POST or SMTP send through libcurl, with the result classified the
// way the dispatcher retries: 2xx ok; 5xx, 429 and transport errors
// retryable; other 4xx permanent.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "alert/hooks/hook.h"

namespace pw {

struct HttpPost {
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::chrono::milliseconds timeout{10000};
};
DeliveryResult curl_post(const HttpPost& p);

struct SmtpSend {
  std::string url;  // smtp://host:port or smtps://
  std::string from;
  std::vector<std::string> to;
  std::string username, password;
  bool starttls = false;
  std::string message;  // the whole RFC 5322 message, CRLF line ends
  std::chrono::milliseconds timeout{10000};
};
DeliveryResult curl_smtp_send(const SmtpSend& s);

}  // namespace pw
