// A small HTTP server for `procwatch daemon`, over cpp-httplib: it binds
// when constructed (so a taken port is one clear sentence before anything
// else starts), serves GET routes on a few background threads once
// started, and stops and joins them when destroyed. /metrics today; the
// REST API and the dashboard add their routes the same way.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace pw {

struct ListenAddress {
  std::string host;  // numeric IPv4 or IPv6 address (a name resolved), no brackets
  int port = 0;      // 0: any free port (see HttpServer::port())
  // "127.0.0.1:10464", "[::1]:10464"
  std::string text() const;
};

// ADDR:PORT, [IPV6]:PORT, NAME:PORT, or :PORT for every interface (IPv4
// 0.0.0.0). A host name is resolved once, here: to its first IPv4 address
// ("localhost" is 127.0.0.1), else its first IPv6 one; `host` is then that
// numeric address. On failure, `error` is one sentence.
struct ParsedListenAddress {
  std::optional<ListenAddress> address;
  std::string error;
};
ParsedListenAddress parse_listen_address(std::string_view text);

struct HttpRequest {
  std::string path;
  std::multimap<std::string, std::string> params;  // query parameters
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// Runs on a server thread: it must only read data it shares safely (a
// ModelBoard snapshot). An exception becomes a 500 and one log line.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // Binds and listens; throws FatalError ("cannot listen on ADDR: reason
  // (errno N)") when the port is taken or the address is not this host's.
  explicit HttpServer(const ListenAddress& address);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // GET (and HEAD) of exactly `path`. Only before start().
  void get(const std::string& path, HttpHandler handler);
  // Serves on background threads until destroyed. Other paths get 404,
  // other methods 405.
  void start();

  int port() const;               // the bound port (the real one when 0 was asked)
  ListenAddress address() const;  // host as given, port as bound

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pw
