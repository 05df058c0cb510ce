// bpf_floor: empty BPF programs on the same hooks procwatch uses
// (bpf/empty.bpf.c), attached until SIGINT or SIGTERM. It is the
// "empty programs" configuration of scripts/bench: whatever a workload loses
// under it is the price of the attach mechanism itself, which procwatch
// cannot go below.
//
// Prints "bpf_floor: attached N programs" once every program is attached;
// scripts/bench waits for that line before it measures.
#include <bpf/libbpf.h>
#include <signal.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "empty.skel.h"

namespace {

struct EmptyDeleter {
  void operator()(procwatch_empty* s) const { procwatch_empty__destroy(s); }
};
using EmptySkel = std::unique_ptr<procwatch_empty, EmptyDeleter>;

struct LinkDeleter {
  void operator()(bpf_link* l) const { bpf_link__destroy(l); }
};

int fail(const char* step, int err) {
  std::fprintf(stderr, "bpf_floor: %s the empty programs failed: %s\n", step,
               pw::errno_text(err).c_str());
  return 1;
}

}  // namespace

int main() {
  // Block the stop signals before anything else so none is lost between
  // the attach and sigwait(); the programs detach when the skeleton dies.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop, nullptr);

  EmptySkel skel(procwatch_empty__open());
  if (!skel) return fail("opening", errno);
  // The ref_* programs measure one operation for bpf_event_cost; they are
  // not part of the floor.
  bpf_program* prog;
  bpf_object__for_each_program(prog, skel->obj) {
    if (std::string_view(bpf_program__name(prog)).starts_with("ref_"))
      bpf_program__set_autoload(prog, false);
  }
  if (int err = procwatch_empty__load(skel.get())) return fail("loading", err);

  // Attach one by one (not __attach) to count them and name a failure.
  std::vector<std::unique_ptr<bpf_link, LinkDeleter>> links;
  bpf_object__for_each_program(prog, skel->obj) {
    if (!bpf_program__autoload(prog)) continue;
    bpf_link* link = bpf_program__attach(prog);
    if (!link) {
      const int err = errno;
      std::fprintf(stderr, "bpf_floor: attaching %s: %s\n", bpf_program__name(prog),
                   pw::errno_text(err).c_str());
      return 1;
    }
    links.emplace_back(link);
  }
  std::printf("bpf_floor: attached %zu programs\n", links.size());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop, &sig);
  return 0;
}
