// Socket iterator records -> connections, and device names from sysfs.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "collect/device_names.h"
#include "collect/task_records.h"
#include "procwatch_abi.h"

namespace pw {
namespace {

pw_socket_record tcp4(const char* local, std::uint16_t lport, const char* remote,
                      std::uint16_t rport, std::uint8_t state) {
  pw_socket_record r{};
  r.owner_tgid = 42;
  r.family = AF_INET;
  r.protocol = IPPROTO_TCP;
  r.state = state;
  r.local_port = lport;
  r.remote_port = rport;
  inet_pton(AF_INET, local, r.local_addr);
  inet_pton(AF_INET, remote, r.remote_addr);
  r.srtt_us = 35;
  r.tx_bytes = 1000;
  r.rx_bytes = 2000;
  r.retransmits = 3;
  return r;
}

std::vector<char> bytes_of(std::initializer_list<pw_socket_record> records) {
  std::vector<char> out;
  for (const auto& r : records) {
    const char* p = reinterpret_cast<const char*>(&r);
    out.insert(out.end(), p, p + sizeof r);
  }
  return out;
}

TEST(SocketRecords, DecodesIpv4AndIpv6Endpoints) {
  pw_socket_record v6{};
  v6.owner_tgid = 7;
  v6.family = AF_INET6;
  v6.protocol = IPPROTO_UDP;
  v6.local_port = 53;
  inet_pton(AF_INET6, "::1", v6.local_addr);
  inet_pton(AF_INET6, "2001:db8::5", v6.remote_addr);
  v6.remote_port = 4000;
  const auto bytes = bytes_of({tcp4("127.0.0.1", 5201, "127.0.0.1", 40000, 1), v6});
  const auto conns = decode_socket_records(bytes);
  ASSERT_EQ(conns.size(), 2u);
  EXPECT_EQ(conns[0].owner_tgid, 42u);
  const Connection& c = conns[0].connection;
  EXPECT_EQ(c.local, "127.0.0.1:5201");
  EXPECT_EQ(c.remote, "127.0.0.1:40000");
  EXPECT_EQ(c.state, "ESTABLISHED");
  EXPECT_EQ(c.family, 4);
  EXPECT_EQ(c.srtt_us, 35u);
  EXPECT_EQ(c.tx_bytes, 1000u);
  EXPECT_EQ(c.rx_bytes, 2000u);
  EXPECT_EQ(c.retransmits, 3u);
  const Connection& u = conns[1].connection;
  EXPECT_EQ(u.local, "[::1]:53");
  EXPECT_EQ(u.remote, "[2001:db8::5]:4000");
  EXPECT_EQ(u.state, "");  // UDP has no state
  EXPECT_FALSE(u.srtt_us.has_value());
}

TEST(SocketRecords, SkipsUnknownFamiliesAndTruncatedTails) {
  pw_socket_record unix_sock = tcp4("0.0.0.0", 1, "0.0.0.0", 0, 10);
  unix_sock.family = 1;  // AF_UNIX: not a connection we list
  auto bytes = bytes_of({unix_sock, tcp4("0.0.0.0", 80, "0.0.0.0", 0, 10)});
  bytes.resize(bytes.size() + 10, '\0');  // half a record
  const auto conns = decode_socket_records(bytes);
  ASSERT_EQ(conns.size(), 1u);
  EXPECT_EQ(conns[0].connection.state, "LISTEN");
  EXPECT_EQ(tcp_state_name(99), "STATE_99");
}

TEST(DeviceNames, ReadsDevnameFromSysfsAndFallsBackToNumbers) {
  const auto root = std::filesystem::temp_directory_path() / "pw-sysfs-test";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "dev/block/254:1");
  std::ofstream(root / "dev/block/254:1/uevent") << "MAJOR=254\nMINOR=1\nDEVNAME=vda1\n";
  DeviceNames names(root);
  const std::uint32_t vda1 = (254u << 20) | 1u;
  EXPECT_EQ(names.name(vda1), "vda1");
  EXPECT_EQ(names.name((8u << 20) | 16u), "8:16");
  EXPECT_EQ(names.name(0), "");
  EXPECT_EQ(DeviceNames::major_of(vda1), 254u);
  EXPECT_EQ(DeviceNames::minor_of(vda1), 1u);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace pw
