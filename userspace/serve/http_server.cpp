#include "serve/http_server.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "common/error.h"
#include "common/log.h"

namespace pw {
namespace {

// Scrapes are rare and cheap: a few workers are plenty, and each idle
// keep-alive connection holds one only briefly.
constexpr std::size_t kWorkerThreads = 4;
constexpr time_t kKeepAliveSeconds = 2;  // also bounds how long stopping waits
constexpr time_t kIoTimeoutSeconds = 5;
constexpr std::size_t kMaxRequestBody = 64 * 1024;  // we take no bodies at all

bool is_ipv4(const std::string& host) {
  in_addr a{};
  return ::inet_pton(AF_INET, host.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& host) {
  in6_addr a{};
  return ::inet_pton(AF_INET6, host.c_str(), &a) == 1;
}

// A host name to one numeric address to bind: the first IPv4 address the
// resolver gives (so "localhost" is 127.0.0.1, as the default), else the
// first IPv6 one. The error is the resolver's reason.
std::optional<std::string> resolve_host(const std::string& name, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &list);
  if (rc == EAI_NONAME || rc == EAI_ADDRFAMILY || rc == EAI_NODATA) {
    // AI_ADDRCONFIG hides loopback names on a host with only loopback up.
    hints.ai_flags = 0;
    rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &list);
  }
  if (rc != 0) {
    *error = rc == EAI_SYSTEM ? std::string(std::strerror(errno)) : ::gai_strerror(rc);
    return std::nullopt;
  }
  std::optional<std::string> v4, v6;
  for (const addrinfo* a = list; a; a = a->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (a->ai_family == AF_INET && !v4) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
      if (::inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf)) v4 = buf;
    } else if (a->ai_family == AF_INET6 && !v6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
      if (::inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf)) v6 = buf;
    }
  }
  ::freeaddrinfo(list);
  if (v4) return v4;
  if (v6) return v6;
  *error = "no IPv4 or IPv6 address";
  return std::nullopt;
}

bool looks_like_host_name(const std::string& host) {
  if (host.empty() || host.size() > 253) return false;
  bool letter = false;
  for (const char c : host) {
    if (c >= 'a' && c <= 'z')
      letter = true;
    else if (c >= 'A' && c <= 'Z')
      letter = true;
    else if (!((c >= '0' && c <= '9') || c == '-' || c == '.'))
      return false;
  }
  return letter;  // "1.2.3" is a malformed address, not a name
}

std::optional<int> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  int port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return std::nullopt;
  return port;
}

// httplib::Server keeps its listening socket to itself; a server that is
// bound but never started must still give the port back.
class BoundServer : public httplib::Server {
 public:
  void close_if_unstarted() {
    const socket_t sock = svr_sock_.exchange(INVALID_SOCKET);
    if (sock != INVALID_SOCKET) ::close(sock);
  }
};

}  // namespace

std::string ListenAddress::text() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ParsedListenAddress parse_listen_address(std::string_view text) {
  ParsedListenAddress out;
  const std::string quoted = "'" + std::string(text) + "'";
  std::string host;
  std::string_view port_text;
  if (text.starts_with("[")) {
    const std::size_t close = text.find("]:");
    if (close == std::string_view::npos) {
      out.error = quoted + " is not [IPV6]:PORT";
      return out;
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    if (!is_ipv6(host)) {
      out.error = quoted + ": '" + host + "' is not a numeric IPv6 address";
      return out;
    }
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      out.error = quoted + " is not ADDRESS:PORT (e.g. 127.0.0.1:10464, :10464, [::1]:10464)";
      return out;
    }
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (host.empty()) host = "0.0.0.0";  // ":PORT": every interface
    if (host.find(':') != std::string::npos) {
      out.error = quoted + ": put an IPv6 address in brackets, e.g. [::1]:10464";
      return out;
    }
    if (!is_ipv4(host)) {
      if (!looks_like_host_name(host)) {
        out.error = quoted + ": '" + host + "' is not an IPv4 address or a host name";
        return out;
      }
      std::string why;
      const std::optional<std::string> resolved = resolve_host(host, &why);
      if (!resolved) {
        out.error = quoted + ": cannot resolve '" + host + "': " + why;
        return out;
      }
      host = *resolved;
    }
  }
  const std::optional<int> port = parse_port(port_text);
  if (!port) {
    out.error = quoted + ": the port must be a number from 0 to 65535";
    return out;
  }
  out.address = ListenAddress{host, *port};
  return out;
}

struct HttpServer::Impl {
  ListenAddress address;
  BoundServer server;
  std::map<std::string, HttpHandler, std::less<>> routes;
  std::thread thread;
  std::atomic<bool> finished{false};
  bool started = false;

  void dispatch(const httplib::Request& req, httplib::Response& res) const {
    HttpResponse r;
    const auto it = routes.find(req.path);
    if (it == routes.end()) {
      r.status = 404;
      r.body = "not found; this procwatch serves:";
      for (const auto& [path, handler] : routes) r.body += " " + path;
      r.body += "\n";
    } else {
      try {
        HttpRequest request;
        request.path = req.path;
        request.params.insert(req.params.begin(), req.params.end());
        r = it->second(request);
      } catch (const std::exception& e) {
        log_warn("serving " + it->first + " failed: " + e.what());
        r = HttpResponse{500, "text/plain; charset=utf-8", "internal error\n"};
      }
    }
    res.status = r.status;
    res.set_content(r.body, r.content_type.c_str());
  }
};

HttpServer::HttpServer(const ListenAddress& address) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.address = address;
  httplib::Server& s = m.server;
  s.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  // SO_REUSEADDR so a restart finds the port free while old connections
  // linger in TIME_WAIT; never SO_REUSEPORT, which would let a second
  // daemon bind the same port and split the scrapes between the two.
  s.set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  s.set_keep_alive_timeout(kKeepAliveSeconds);
  s.set_read_timeout(kIoTimeoutSeconds);
  s.set_write_timeout(kIoTimeoutSeconds);
  s.set_payload_max_length(kMaxRequestBody);
  s.set_default_headers({{"X-Content-Type-Options", "nosniff"}, {"Cache-Control", "no-store"}});
  s.Get(".*", [&m](const httplib::Request& req, httplib::Response& res) { m.dispatch(req, res); });
  const auto not_allowed = [](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("only GET and HEAD\n", "text/plain; charset=utf-8");
  };
  s.Post(".*", httplib::Server::Handler(not_allowed));
  s.Put(".*", httplib::Server::Handler(not_allowed));
  s.Patch(".*", httplib::Server::Handler(not_allowed));
  s.Delete(".*", httplib::Server::Handler(not_allowed));
  // Errors httplib answers itself (malformed request, too long) get a
  // plain-text body too.
  s.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      res.set_content("HTTP error " + std::to_string(res.status) + "\n",
                      "text/plain; charset=utf-8");
  });

  errno = 0;
  bool bound = false;
  if (address.port == 0) {
    const int port = s.bind_to_any_port(address.host);
    bound = port > 0;
    if (bound) m.address.port = port;
  } else {
    bound = s.bind_to_port(address.host, address.port);
  }
  // httplib closes the socket after a failed bind() or listen(), which
  // leaves errno alone.
  const int err = errno;
  if (!bound)
    throw FatalError("cannot listen on " + address.text() + ": " +
                     (err ? errno_text(err) : std::string("the address cannot be bound")));
}

HttpServer::~HttpServer() {
  Impl& m = *impl_;
  if (m.thread.joinable()) {
    m.server.stop();
    m.thread.join();
  } else {
    m.server.close_if_unstarted();
  }
}

void HttpServer::get(const std::string& path, HttpHandler handler) {
  if (impl_->started) throw std::logic_error("HttpServer::get after start()");
  impl_->routes[path] = std::move(handler);
}

void HttpServer::start() {
  Impl& m = *impl_;
  if (m.started) return;
  m.started = true;
  m.thread = std::thread([&m] {
    if (!m.server.listen_after_bind()) log_warn("HTTP server on " + m.address.text() + " stopped");
    m.finished = true;
  });
  // stop() does nothing before the accept loop runs: wait for it, so the
  // destructor can always stop what it started.
  while (!m.server.is_running() && !m.finished)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

int HttpServer::port() const { return impl_->address.port; }

ListenAddress HttpServer::address() const { return impl_->address; }

}  // namespace pw
