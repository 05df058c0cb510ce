#include <unistd.h>

#include <atomic>
#include <ctime>
#include <sstream>

#include "alert/hooks/http_hooks.h"
#include "alert/hooks/payload.h"

namespace pw {

namespace {

std::string rfc5322_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string hostname() {
  char h[256] = "";
  ::gethostname(h, sizeof h - 1);
  return h[0] ? h : "localhost";
}

// Header values: control characters (CR, LF) stripped so no comm or rule
// name can add a header; non-ASCII is sent as an RFC 2047 encoded word.
std::string header_value(const std::string& v) {
  const std::string clean = strip_control(v);
  bool ascii = true;
  for (unsigned char c : clean) ascii = ascii && c < 0x80;
  if (ascii) return clean;
  static const char* b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out = "=?UTF-8?B?";
  std::size_t i = 0;
  for (; i + 2 < clean.size(); i += 3) {
    const unsigned v3 = (static_cast<unsigned char>(clean[i]) << 16) |
                        (static_cast<unsigned char>(clean[i + 1]) << 8) |
                        static_cast<unsigned char>(clean[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += b64[(v3 >> s) & 63];
  }
  if (i < clean.size()) {
    unsigned v3 = static_cast<unsigned char>(clean[i]) << 16;
    if (i + 1 < clean.size()) v3 |= static_cast<unsigned char>(clean[i + 1]) << 8;
    out += b64[(v3 >> 18) & 63];
    out += b64[(v3 >> 12) & 63];
    out += i + 1 < clean.size() ? b64[(v3 >> 6) & 63] : '=';
    out += '=';
  }
  return out + "?=";
}

}  // namespace

std::string mail_message(const Notification& n, const std::string& from,
                         const std::vector<std::string>& to) {
  static std::atomic<unsigned> seq{0};
  const std::time_t now = std::time(nullptr);
  std::string to_line;
  for (const auto& t : to) to_line += (to_line.empty() ? "" : ", ") + strip_control(t);
  std::ostringstream m;
  m << "Date: " << rfc5322_date(now) << "\r\n"
    << "From: " << strip_control(from) << "\r\n"
    << "To: " << to_line << "\r\n"
    << "Message-ID: <procwatch." << now << "." << ::getpid() << "." << seq++ << "@" << hostname()
    << ">\r\n"
    << "Subject: " << header_value("[procwatch] " + notification_title(n)) << "\r\n"
    << "MIME-Version: 1.0\r\n"
    << "Content-Type: text/plain; charset=utf-8\r\n"
    << "Content-Transfer-Encoding: 8bit\r\n"
    << "\r\n";
  // Body: CRLF line ends; a line of a lone "." is dot-stuffed by curl.
  std::istringstream body(notification_text(n));
  for (std::string line; std::getline(body, line);) m << line << "\r\n";
  for (const auto& a : n.alerts) {
    if (a.description.empty()) continue;
    m << "\r\n" << strip_control(a.comm) << ": " << strip_control(a.description) << "\r\n";
  }
  return m.str();
}

SmtpHook::SmtpHook(std::string name, SmtpSend send)
    : Hook(std::move(name)), send_(std::move(send)) {}

DeliveryResult SmtpHook::deliver(const Notification& n) {
  SmtpSend s = send_;
  s.message = mail_message(n, s.from, s.to);
  return curl_smtp_send(s);
}

}  // namespace pw
