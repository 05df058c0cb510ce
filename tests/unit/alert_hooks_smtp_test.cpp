// The smtp hook against a real SMTP server: Debian's aiosmtpd writing a
// Maildir. The message must arrive with our subject and body.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "alert/hooks/hook.h"
#include "alert_hooks_test_util.h"

namespace pw {
namespace {

TEST(AlertHooksSmtp, MailArrivesWithSubjectAndBody) {
  ASSERT_EQ(std::system("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null"), 0)
      << "python3-aiosmtpd is not installed; run scripts/setup (apt-get install python3-aiosmtpd)";
  const auto dir = test::temp_dir("smtp");
  const auto maildir = dir / "Maildir";
  const int port = test::free_port();
  test::Child server(
      {"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(port), "-c",
       "aiosmtpd.handlers.Mailbox", maildir.string()},
      (dir / "server.log").string());
  ASSERT_TRUE(server.wait_listening(port, std::chrono::seconds(10)))
      << "aiosmtpd did not listen on " << port;
  auto hook = make_hook(
      test::hook_config("smtp", {{"url", "smtp://127.0.0.1:" + std::to_string(port)},
                                 {"from", "procwatch@localhost"},
                                 {"to", R"(["ops@example.org", "oncall@example.org"])"}}));
  const auto t0 = std::chrono::steady_clock::now();
  const DeliveryResult r = hook->deliver(test::sample_notification());
  std::printf(
      "smtp delivery to aiosmtpd: %.2f ms\n",
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  ASSERT_TRUE(r.is_ok()) << r.message;
  std::string mail;
  for (int i = 0; i < 100 && mail.empty(); ++i) {
    if (std::filesystem::exists(maildir / "new"))
      for (const auto& e : std::filesystem::directory_iterator(maildir / "new")) {
        std::ifstream in(e.path());
        std::stringstream s;
        s << in.rdbuf();
        mail = s.str();
      }
    if (mail.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(mail.empty()) << "no message in " << maildir;
  EXPECT_NE(mail.find("Subject: [procwatch] FIRING critical: cpu_hog on testhost (1 process)"),
            std::string::npos)
      << mail;
  EXPECT_NE(mail.find("pid 4242 busy: cpu_pct 97.5 (threshold 90)"), std::string::npos) << mail;
  EXPECT_NE(mail.find("To: ops@example.org, oncall@example.org"), std::string::npos) << mail;
  EXPECT_NE(mail.find("Message-ID: <procwatch."), std::string::npos) << mail;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pw
