// The daemon's HTTP side on a loopback port (no root needed): --listen
// parsing, /metrics from the latest published Model, 404/405, a taken
// port as one sentence naming the address, and a clean stop.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>

#include "common/error.h"
#include "serve/http_server.h"
#include "serve/metrics_routes.h"
#include "serve/model_board.h"
#include "view_test_models.h"

namespace pw {
namespace {

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// A plain HTTP/1.1 request over a socket: what Prometheus sends, without
// trusting the server library's own client.
Reply request(int port, const std::string& method, const std::string& path) {
  Reply r;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return r;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return r;
  }
  const std::string req =
      method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    ::close(fd);
    return r;
  }
  std::string all;
  char buf[4096];
  for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;)
    all.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  const std::size_t split = all.find("\r\n\r\n");
  if (split == std::string::npos) return r;
  r.head = all.substr(0, split);
  r.body = all.substr(split + 4);
  if (r.head.starts_with("HTTP/1.1 ")) r.status = std::stoi(r.head.substr(9, 3));
  return r;
}

ListenAddress loopback_any_port() { return ListenAddress{"127.0.0.1", 0}; }

TEST(ServeHttp, ParsesListenAddresses) {
  auto ok = [](const char* text, const char* host, int port) {
    const ParsedListenAddress p = parse_listen_address(text);
    ASSERT_TRUE(p.address) << text << ": " << p.error;
    EXPECT_EQ(p.address->host, host) << text;
    EXPECT_EQ(p.address->port, port) << text;
  };
  ok("127.0.0.1:10464", "127.0.0.1", 10464);
  ok(":9464", "0.0.0.0", 9464);
  ok("0.0.0.0:80", "0.0.0.0", 80);
  ok("[::1]:10464", "::1", 10464);
  ok("[::]:1", "::", 1);
  ok("127.0.0.1:0", "127.0.0.1", 0);
  EXPECT_EQ((ListenAddress{"::1", 80}.text()), "[::1]:80");
  EXPECT_EQ((ListenAddress{"10.0.0.1", 80}.text()), "10.0.0.1:80");
  for (const char* bad :
       {"", "10464", "::1:80", "[::1]80", "[::1]:", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:8a",
        "1.2.3.4:-1", "1.2.3:80", "[1.2.3.4]:80", "1.2.3.4:999999"}) {
    const ParsedListenAddress p = parse_listen_address(bad);
    EXPECT_FALSE(p.address) << bad;
    EXPECT_FALSE(p.error.empty()) << bad;
    EXPECT_EQ(p.error.find('\n'), std::string::npos) << "one sentence";
  }
}

TEST(ServeHttp, ServesTheLatestModelAndRefusesTheRest) {
  ModelBoard board;
  HttpServer server(loopback_any_port());
  ASSERT_GT(server.port(), 0);
  add_metrics_routes(server, board, {"1.2.3", "testhost\x1b[2J"});
  server.start();
  const int port = server.port();

  Reply r = request(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 503) << "no sample yet: " << r.head;

  view_test::TwoSamples t;
  t.add({.pid = 1, .comm = "init"});
  t.self_after.rss_bytes = 12345;
  board.publish(std::make_shared<const Model>(t.derive()));
  r = request(port, "GET", "/metrics");
  EXPECT_EQ(r.status, 200) << r.head;
  EXPECT_NE(r.head.find("Content-Type: text/plain; version=0.0.4; charset=utf-8"),
            std::string::npos)
      << r.head;
  EXPECT_NE(r.body.find("\nprocwatch_self_resident_bytes 12345\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("procwatch_build_info{version=\"1.2.3\"} 1"), std::string::npos);

  t.self_after.rss_bytes = 67890;  // the next interval
  board.publish(std::make_shared<const Model>(t.derive()));
  EXPECT_NE(request(port, "GET", "/metrics").body.find("\nprocwatch_self_resident_bytes 67890\n"),
            std::string::npos);

  r = request(port, "HEAD", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());

  r = request(port, "GET", "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("/metrics"), std::string::npos);
  EXPECT_EQ(r.body.find('\x1b'), std::string::npos) << "the host name is sanitized";

  r = request(port, "GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("/metrics"), std::string::npos) << "says what is served";
  EXPECT_EQ(request(port, "GET", "/metrics/extra").status, 404) << "exact paths only";
  r = request(port, "DELETE", "/metrics");
  EXPECT_EQ(r.status, 405);
  EXPECT_NE(r.head.find("Allow: GET, HEAD"), std::string::npos) << r.head;
}

TEST(ServeHttp, HandlerErrorsBecome500) {
  HttpServer server(loopback_any_port());
  server.get("/boom", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("x"); });
  server.start();
  EXPECT_EQ(request(server.port(), "GET", "/boom").status, 500);
  EXPECT_EQ(request(server.port(), "GET", "/boom").status, 500) << "and it keeps serving";
}

TEST(ServeHttp, ATakenPortIsOneSentenceNamingTheAddress) {
  HttpServer first(loopback_any_port());
  first.start();
  const ListenAddress taken{"127.0.0.1", first.port()};
  try {
    HttpServer second(taken);
    FAIL() << "bound a port that is in use";
  } catch (const FatalError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot listen on 127.0.0.1:" + std::to_string(taken.port)),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("Address already in use"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
  // Not this host's address (unless the host lets anything bind anywhere).
  std::ifstream nonlocal("/proc/sys/net/ipv4/ip_nonlocal_bind");
  int anywhere = 0;
  if (!(nonlocal >> anywhere) || anywhere == 0) {
    EXPECT_THROW(HttpServer(ListenAddress{"192.0.2.1", 0}), FatalError);
  }
}

TEST(ServeHttp, StopsAndGivesThePortBack) {
  int port = 0;
  {
    HttpServer server(loopback_any_port());
    port = server.port();
    server.get("/", [](const HttpRequest&) { return HttpResponse{}; });
    server.start();
    EXPECT_EQ(request(port, "GET", "/").status, 200);
  }
  EXPECT_EQ(request(port, "GET", "/").status, 0) << "nothing listens after destruction";
  { HttpServer again(ListenAddress{"127.0.0.1", port}); }  // bound, never started
  HttpServer third(ListenAddress{"127.0.0.1", port});      // so the port is free again
  third.start();
}

}  // namespace
}  // namespace pw
