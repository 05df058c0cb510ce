#include "view/sanitize.h"

namespace pw {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex_byte(std::string& out, unsigned char b) {
  out += "\\x";
  out += kHex[b >> 4];
  out += kHex[b & 0xf];
}

void append_u_escape(std::string& out, char32_t cp) {
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xf];
}

// Length of the valid UTF-8 sequence starting at text[i] (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF), or 0 when the byte
// at i does not start one. Stores the code point in *cp.
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  std::size_t n = 0;
  char32_t c = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    n = 2;
    c = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    n = 3;
    c = b0 & 0x0f;
    if (b0 == 0xe0) lo = 0xa0;  // overlong
    if (b0 == 0xed) hi = 0x9f;  // surrogates
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    n = 4;
    c = b0 & 0x07;
    if (b0 == 0xf0) lo = 0x90;  // overlong
    if (b0 == 0xf4) hi = 0x8f;  // above U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(text[i + k]);
    const unsigned char min = k == 1 ? lo : 0x80;
    const unsigned char max = k == 1 ? hi : 0xbf;
    if (b < min || b > max) return 0;
    c = (c << 6) | (b & 0x3f);
  }
  *cp = c;
  return n;
}

// Explicit bidi embeddings, overrides and isolates: a terminal that
// implements bidi would reorder the rest of the line (CVE-2021-42574).
bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

bool is_continuation(unsigned char b) { return (b & 0xc0) == 0x80; }

}  // namespace

std::string sanitize_for_terminal(std::string_view bytes, TextMode mode) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    char32_t cp = 0;
    const std::size_t n = utf8_sequence(bytes, i, &cp);
    if (n == 0) {
      append_hex_byte(out, static_cast<unsigned char>(bytes[i]));
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7f) {
      switch (cp) {
        case '\t':
          out += "\\t";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        default:
          append_hex_byte(out, static_cast<unsigned char>(cp));
      }
    } else if ((cp >= 0x80 && cp <= 0x9f) || is_bidi_control(cp)) {
      append_u_escape(out, cp);
    } else if (n > 1 && mode == TextMode::Ascii) {
      out += '?';
    } else {
      out.append(bytes.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (const char c : text)
    if (!is_continuation(static_cast<unsigned char>(c))) ++width;
  return width;
}

std::string truncate_to_width(std::string_view text, std::size_t width) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_continuation(static_cast<unsigned char>(text[i]))) continue;
    if (seen == width) return std::string(text.substr(0, i));
    ++seen;
  }
  return std::string(text);
}

std::string truncate_with_marker(std::string_view text, std::size_t width) {
  if (display_width(text) <= width) return std::string(text);
  if (width == 0) return {};
  return truncate_to_width(text, width - 1) + '+';
}

std::string pad_to_width(std::string_view text, std::size_t width, bool left_align) {
  const std::size_t w = display_width(text);
  if (w >= width) return std::string(text);
  const std::string pad(width - w, ' ');
  return left_align ? std::string(text) + pad : pad + std::string(text);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace pw
