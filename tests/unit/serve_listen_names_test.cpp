// --listen with a host name: resolved once to a numeric address ("localhost"
// to 127.0.0.1, as the default listens), or one sentence saying why not.
#include <gtest/gtest.h>

#include "serve/http_server.h"

namespace pw {
namespace {

TEST(ServeListenNames, LocalhostResolvesToLoopback) {
  const ParsedListenAddress p = parse_listen_address("localhost:10464");
  ASSERT_TRUE(p.address) << p.error;
  EXPECT_TRUE(p.address->host == "127.0.0.1" || p.address->host == "::1") << p.address->host;
  EXPECT_EQ(p.address->port, 10464);
  // Bind to it: the server takes the resolved address.
  const ParsedListenAddress any = parse_listen_address("localhost:0");
  ASSERT_TRUE(any.address) << any.error;
  HttpServer server(*any.address);
  EXPECT_GT(server.port(), 0);
  EXPECT_EQ(server.address().host, any.address->host);
}

TEST(ServeListenNames, UnresolvableOrMalformedNamesAreOneSentence) {
  for (const char* bad : {"no-such-host.invalid:80", "bad_name:80", "exa mple:80", "-:80",
                          "localhost:", "localhost:99999"}) {
    const ParsedListenAddress p = parse_listen_address(bad);
    EXPECT_FALSE(p.address) << bad;
    EXPECT_FALSE(p.error.empty()) << bad;
    EXPECT_EQ(p.error.find('\n'), std::string::npos) << bad;
  }
  const ParsedListenAddress p = parse_listen_address("no-such-host.invalid:80");
  EXPECT_NE(p.error.find("cannot resolve 'no-such-host.invalid'"), std::string::npos) << p.error;
}

}  // namespace
}  // namespace pw
