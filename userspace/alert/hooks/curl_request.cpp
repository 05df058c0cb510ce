#include "alert/hooks/curl_request.h"

#include <curl/curl.h>

#include <cstring>
#include <memory>
#include <mutex>

#include "alert/hooks/payload.h"

namespace pw {

namespace {

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Slist make_slist(const std::vector<std::string>& items) {
  curl_slist* l = nullptr;
  for (const auto& s : items) l = curl_slist_append(l, s.c_str());
  return Slist(l);
}

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < 4096) s->append(data, size * n);
  return size * n;
}

struct Reader {
  const std::string* text;
  std::size_t at = 0;
};
std::size_t feed(char* buf, std::size_t size, std::size_t n, void* in) {
  auto* r = static_cast<Reader*>(in);
  const std::size_t len = std::min(size * n, r->text->size() - r->at);
  std::memcpy(buf, r->text->data() + r->at, len);
  r->at += len;
  return len;
}

}  // namespace

DeliveryResult curl_post(const HttpPost& p) {
  global_init();
  Easy curl(curl_easy_init());
  if (!curl) return DeliveryResult::retryable("POST " + p.url + ": curl_easy_init failed");
  std::vector<std::string> headers = p.headers;
  headers.emplace_back("Expect:");  // no 100-continue round trip
  Slist list = make_slist(headers);
  std::string response;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, p.url.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, p.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(p.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(p.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK)
    return DeliveryResult::retryable("POST " + p.url + ": " +
                                     (errbuf[0] ? errbuf : curl_easy_strerror(rc)));
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  if (code >= 200 && code < 300) return DeliveryResult::ok();
  std::string m = "POST " + p.url + ": HTTP " + std::to_string(code);
  const std::string first =
      strip_control(response.substr(0, std::min<std::size_t>(200, response.find('\n'))));
  if (!first.empty()) m += ": " + first;
  if (code >= 500 || code == 429 || code == 408) return DeliveryResult::retryable(m);
  return DeliveryResult::permanent(m);
}

DeliveryResult curl_smtp_send(const SmtpSend& s) {
  global_init();
  Easy curl(curl_easy_init());
  if (!curl) return DeliveryResult::retryable("SMTP " + s.url + ": curl_easy_init failed");
  Slist rcpt = make_slist(s.to);
  Reader reader{&s.message};
  char errbuf[CURL_ERROR_SIZE] = "";
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, s.from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, feed);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(s.message.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (s.starttls) curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!s.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, s.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return DeliveryResult::ok();
  const std::string m = "SMTP " + s.url + ": " + (errbuf[0] ? errbuf : curl_easy_strerror(rc));
  if (rc == CURLE_LOGIN_DENIED || rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL)
    return DeliveryResult::permanent(m);
  return DeliveryResult::retryable(m);
}

}  // namespace pw
