// Process names and command lines are bytes chosen by whoever started the
// process: an ESC sequence in argv could clear the screen, move the cursor or
// retitle the terminal of anyone running procwatch. Everything untrusted goes
// through sanitize_for_terminal() before it reaches a terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pw {

enum class TextMode : unsigned char {
  Utf8,   // the terminal understands UTF-8: valid multi-byte sequences are kept
  Ascii,  // it does not: every non-ASCII code point becomes '?'
};

// Returns printable text: C0 controls and DEL become \t \n \r or \xNN, C1
// controls (U+0080..U+009F) and bidi overrides (which can reorder what
// follows them on the line) become \uNNNN, bytes that are not valid UTF-8
// (stray continuations, overlongs, surrogates, beyond U+10FFFF, truncated
// sequences) become \xNN. Backslashes are left alone, so the result is for
// reading, not for parsing back.
std::string sanitize_for_terminal(std::string_view bytes, TextMode mode = TextMode::Utf8);

// Columns a sanitized string occupies: one per code point. Wide (CJK) and
// zero-width characters are not special-cased.
std::size_t display_width(std::string_view text);

// The longest prefix of at most `width` code points; never splits a UTF-8
// sequence.
std::string truncate_to_width(std::string_view text, std::size_t width);

// Like truncate_to_width(), but a cut string ends in '+' (as top marks a
// clipped user name) so the reader knows something is missing.
std::string truncate_with_marker(std::string_view text, std::size_t width);

// Pads with spaces to `width` columns (on the right when left_align, else on
// the left); never truncates.
std::string pad_to_width(std::string_view text, std::size_t width, bool left_align);

// Escapes & < > " ' for HTML text and attribute values. Does not touch
// controls or invalid UTF-8: sanitize first if the bytes are untrusted.
std::string html_escape(std::string_view text);

}  // namespace pw
