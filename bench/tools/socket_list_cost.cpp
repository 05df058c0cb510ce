// Cost of one connection listing at N sockets: the socket-storage iterator
// where the kernel allows it, and the sock_diag + cookie-map join that
// replaces it (forced with net:dump_sockets disabled). Opens N/2 loopback
// TCP pairs, moves one byte on each so procwatch knows its owner, then
// times ProbeSet::read_socket_records. Usage: socket_list_cost [N] [REPS]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "probe/probe_set.h"

namespace {

double time_listing(pw::ProbeSet& probes, int reps, std::size_t& records) {
  std::vector<char> buf;
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    if (pw::Status s = probes.read_socket_records(buf); !s) {
      std::fprintf(stderr, "listing failed: %s\n", s.message().c_str());
      return -1;
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (ms < best) best = ms;
  }
  records = buf.size() / 72;
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int reps = argc > 2 ? std::atoi(argv[2]) : 10;
  rlimit lim{static_cast<rlim_t>(n + 256), static_cast<rlim_t>(n + 256)};
  setrlimit(RLIMIT_NOFILE, &lim);

  for (const char* mode : {"iterator", "sock_diag"}) {
    pw::ProbeOptions o;
    o.scheduler = o.lifecycle = o.task_iterator = o.block_io = o.memory = o.oom = false;
    if (std::string(mode) == "sock_diag") o.disabled_programs = {"net:dump_sockets"};
    pw::ProbeSet probes(o);
    if (!probes.has_network()) return 1;
    const std::string source = probes.connection_source();
    if (std::string(mode) == "iterator" && source != "socket-storage iterator") {
      std::printf("iterator: unavailable on this kernel (%s used instead)\n", source.c_str());
      continue;
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listener, 4096);
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    std::vector<int> fds;
    char byte = 'x';
    for (int i = 0; i < n / 2; ++i) {
      int c = socket(AF_INET, SOCK_STREAM, 0);
      if (c < 0 || connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) break;
      int a = accept(listener, nullptr, nullptr);
      if (a < 0) break;
      if (write(c, &byte, 1) != 1 || read(a, &byte, 1) != 1) break;
      fds.push_back(c);
      fds.push_back(a);
    }
    std::size_t records = 0;
    const double ms = time_listing(probes, reps, records);
    std::printf("%s: %zu sockets open, %zu listed, best of %d: %.2f ms per listing\n",
                source.c_str(), fds.size(), records, reps, ms);
    for (int fd : fds) close(fd);
    close(listener);
  }
  return 0;
}
