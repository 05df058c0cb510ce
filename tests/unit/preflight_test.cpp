#include "probe/preflight.h"

#include <gtest/gtest.h>

namespace pw {
namespace {

constexpr std::uint64_t kSysAdmin = 1ULL << 21;
constexpr std::uint64_t kPerfmon = 1ULL << 38;
constexpr std::uint64_t kBpf = 1ULL << 39;

PreflightInputs ready() {
  PreflightInputs in;
  in.effective_caps = kSysAdmin;
  in.btf_present = true;
  in.bpf_syscall_works = true;
  return in;
}

TEST(Preflight, RootWithBtfAndBpfIsOk) { EXPECT_TRUE(evaluate_preflight(ready()).is_ok()); }

TEST(Preflight, CapBpfPlusPerfmonIsEnoughWithoutRoot) {
  PreflightInputs in = ready();
  in.effective_caps = kBpf | kPerfmon;
  EXPECT_TRUE(evaluate_preflight(in).is_ok());
  in.effective_caps = kBpf;
  EXPECT_FALSE(evaluate_preflight(in).is_ok());
}

TEST(Preflight, EachFailureIsOneSentenceNamingTheCause) {
  PreflightInputs in = ready();
  in.effective_caps = 0;
  Status s = evaluate_preflight(in);
  EXPECT_NE(s.message().find("needs root"), std::string::npos);
  EXPECT_EQ(s.message().find('\n'), std::string::npos);

  in = ready();
  in.btf_present = false;
  s = evaluate_preflight(in);
  EXPECT_NE(s.message().find("BTF"), std::string::npos);

  in = ready();
  in.bpf_syscall_works = false;
  in.bpf_syscall_errno = 1;
  s = evaluate_preflight(in);
  EXPECT_NE(s.message().find("bpf() system call"), std::string::npos);
  EXPECT_NE(s.message().find("errno 1"), std::string::npos);
}

TEST(Preflight, ParsesCapEffFromStatus) {
  EXPECT_EQ(parse_cap_eff("Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n"),
            0x000001ffffffffffULL);
  EXPECT_EQ(parse_cap_eff("CapEff:\t0000000000000000\n"), 0u);
  EXPECT_EQ(parse_cap_eff("no caps here"), 0u);
  EXPECT_EQ(parse_cap_eff("CapEff:\tzz\n"), 0u);
}

}  // namespace
}  // namespace pw
