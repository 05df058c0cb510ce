// sanitize_for_terminal() and friends: untrusted bytes must never reach the
// terminal as controls, and cutting text must never split a UTF-8 sequence.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "view/sanitize.h"

namespace pw {
namespace {

using namespace std::string_literals;

// True when s is valid UTF-8 with no C0, DEL or C1 control in it.
bool is_terminal_safe(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7f) return false;
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
    if (n == 0 || b > 0xf4 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    if (b == 0xc2 && static_cast<unsigned char>(s[i + 1]) <= 0x9f) return false;  // C1
    i += n;
  }
  return true;
}

TEST(ViewSanitizeTest, PlainTextIsUnchanged) {
  EXPECT_EQ(sanitize_for_terminal("nginx: worker process"), "nginx: worker process");
  EXPECT_EQ(sanitize_for_terminal(""), "");
  EXPECT_EQ(sanitize_for_terminal("C:\\path"), "C:\\path");  // backslashes stay
}

TEST(ViewSanitizeTest, ControlBytesBecomeEscapes) {
  EXPECT_EQ(sanitize_for_terminal("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(sanitize_for_terminal("a\tb\nc\rd"), "a\\tb\\nc\\rd");
  EXPECT_EQ(sanitize_for_terminal("\x7f"), "\\x7f");
  EXPECT_EQ(sanitize_for_terminal("a\0b"s), "a\\x00b");
  EXPECT_EQ(sanitize_for_terminal("\x07\x08"), "\\x07\\x08");
}

TEST(ViewSanitizeTest, C1ControlsEncodedAsUtf8AreEscaped) {
  EXPECT_EQ(sanitize_for_terminal("\xc2\x9b"
                                  "2J"),
            "\\u009b2J");  // CSI
  EXPECT_EQ(sanitize_for_terminal("\xc2\x80\xc2\x9f"), "\\u0080\\u009f");
  EXPECT_EQ(sanitize_for_terminal("\xc2\xa0"), "\xc2\xa0");  // U+00A0 is printable
}

TEST(ViewSanitizeTest, BidiOverridesAreEscaped) {
  EXPECT_EQ(sanitize_for_terminal("evil\xe2\x80\xaegpj.exe"), "evil\\u202egpj.exe");
  EXPECT_EQ(sanitize_for_terminal("\xe2\x81\xa6x"), "\\u2066x");
}

TEST(ViewSanitizeTest, InvalidUtf8BytesBecomeHexEscapes) {
  EXPECT_EQ(sanitize_for_terminal("\xff"), "\\xff");
  EXPECT_EQ(sanitize_for_terminal("a\x80z"), "a\\x80z");                // stray continuation
  EXPECT_EQ(sanitize_for_terminal("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(sanitize_for_terminal("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");  // overlong
  EXPECT_EQ(sanitize_for_terminal("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // surrogate
  EXPECT_EQ(sanitize_for_terminal("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // > U+10FFFF
  EXPECT_EQ(sanitize_for_terminal("ab\xe2\x82"), "ab\\xe2\\x82");  // truncated at the end
  EXPECT_EQ(sanitize_for_terminal("\xe2\x82z"), "\\xe2\\x82z");    // truncated inside
}

TEST(ViewSanitizeTest, ValidMultiByteUtf8IsKept) {
  EXPECT_EQ(sanitize_for_terminal("h\xc3\xa9llo"), "h\xc3\xa9llo");
  EXPECT_EQ(sanitize_for_terminal("\xe6\x97\xa5\xe6\x9c\xac"), "\xe6\x97\xa5\xe6\x9c\xac");
  EXPECT_EQ(sanitize_for_terminal("\xf0\x9f\x98\x80"), "\xf0\x9f\x98\x80");
}

TEST(ViewSanitizeTest, AsciiModeReplacesNonAscii) {
  EXPECT_EQ(sanitize_for_terminal("h\xc3\xa9llo \xf0\x9f\x98\x80", TextMode::Ascii), "h?llo ?");
  EXPECT_EQ(sanitize_for_terminal("\x1b\xff", TextMode::Ascii), "\\x1b\\xff");
}

TEST(ViewSanitizeTest, NoInputProducesUnsafeOutput) {
  for (int b = 0; b < 256; ++b) {
    const std::string one(1, static_cast<char>(b));
    EXPECT_TRUE(is_terminal_safe(sanitize_for_terminal(one))) << "byte " << b;
    const std::string two = "\xc2"s + static_cast<char>(b);
    EXPECT_TRUE(is_terminal_safe(sanitize_for_terminal(two))) << "c2 " << b;
  }
  std::mt19937 rng(12345);
  std::uniform_int_distribution<int> byte(0, 255), len(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<std::size_t>(len(rng)), '\0');
    for (char& c : s) c = static_cast<char>(byte(rng));
    const std::string out = sanitize_for_terminal(s);
    ASSERT_TRUE(is_terminal_safe(out)) << out;
    ASSERT_TRUE(is_terminal_safe(sanitize_for_terminal(s, TextMode::Ascii)));
  }
}

TEST(ViewSanitizeTest, DisplayWidthCountsCodePoints) {
  EXPECT_EQ(display_width(""), 0u);
  EXPECT_EQ(display_width("abc"), 3u);
  EXPECT_EQ(display_width("h\xc3\xa9llo"), 5u);
  EXPECT_EQ(display_width("\xe6\x97\xa5\xe6\x9c\xac"), 2u);
  EXPECT_EQ(display_width(sanitize_for_terminal("\x1b")), 4u);
}

TEST(ViewSanitizeTest, TruncateNeverSplitsASequence) {
  EXPECT_EQ(truncate_to_width("h\xc3\xa9llo", 2), "h\xc3\xa9");
  EXPECT_EQ(truncate_to_width("h\xc3\xa9llo", 1), "h");
  EXPECT_EQ(truncate_to_width("\xf0\x9f\x98\x80x", 1), "\xf0\x9f\x98\x80");
  EXPECT_EQ(truncate_to_width("abc", 0), "");
  EXPECT_EQ(truncate_to_width("abc", 3), "abc");
  EXPECT_EQ(truncate_to_width("abc", 10), "abc");
  const std::string s = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";
  for (std::size_t w = 0; w <= 4; ++w) {
    const std::string t = truncate_to_width(s, w);
    EXPECT_EQ(display_width(t), std::min<std::size_t>(w, 3));
    EXPECT_EQ(t.size() % 3, 0u);
  }
}

TEST(ViewSanitizeTest, TruncateWithMarkerAndPad) {
  EXPECT_EQ(truncate_with_marker("averyverylonguser", 9), "averyver+");
  EXPECT_EQ(truncate_with_marker("www-data", 9), "www-data");
  EXPECT_EQ(truncate_with_marker("abc", 1), "+");
  EXPECT_EQ(truncate_with_marker("abc", 0), "");
  EXPECT_EQ(pad_to_width("ab", 4, true), "ab  ");
  EXPECT_EQ(pad_to_width("ab", 4, false), "  ab");
  EXPECT_EQ(pad_to_width("h\xc3\xa9", 3, true), "h\xc3\xa9 ");
  EXPECT_EQ(pad_to_width("abcdef", 4, true), "abcdef");
}

TEST(ViewSanitizeTest, HtmlEscape) {
  EXPECT_EQ(html_escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(html_escape("plain"), "plain");
}

}  // namespace
}  // namespace pw
