#include "mail/codec/encoded_word.hpp"

#include <algorithm>
#include <optional>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "mail/codec/charset.hpp"
#include "mail/codec/detail.hpp"
#include "mail/codec/transfer.hpp"

namespace l7::mail {
namespace {

struct word {
  std::string charset;  // without a language suffix
  std::string bytes;    // decoded octets
  std::size_t length = 0;  // characters of the encoded word in the text
};

using detail::hex_value;

// RFC 2047 §4.2: "_" is a space, "=XX" an octet.
std::string decode_q(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') {
      out += ' ';
    } else if (s[i] == '=' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
               hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The first occurrence of one of `chars` (or of `needle`) at or after a position that never
// decreases between calls: a result still ahead stays valid, so hostile text full of "=?" is
// scanned once, not once per "=?".
class forward_finder {
 public:
  forward_finder(std::string_view text, std::string_view needle, bool any_of)
      : text_(text), needle_(needle), any_of_(any_of) {}

  std::size_t at_or_after(std::size_t pos) {
    if (!known_ || (hit_ != std::string_view::npos && hit_ < pos)) {
      hit_ = any_of_ ? text_.find_first_of(needle_, pos) : text_.find(needle_, pos);
      known_ = true;
    }
    return hit_;
  }

 private:
  std::string_view text_, needle_;
  bool any_of_;
  bool known_ = false;
  std::size_t hit_ = 0;
};

// An encoded word at `start` (RFC 2047 §2: no white space or '?' inside its parts).
std::optional<word> parse_word(std::string_view s, std::size_t start, forward_finder& closes,
                               forward_finder& spaces) {
  const auto q1 = s.find('?', start + 2);
  if (q1 == std::string_view::npos || q1 + 2 >= s.size() || s[q1 + 2] != '?')
    return std::nullopt;
  const auto end = closes.at_or_after(q1 + 3);
  if (end == std::string_view::npos || spaces.at_or_after(start) < end) return std::nullopt;
  auto charset = s.substr(start + 2, q1 - start - 2);
  const char enc = to_lower_ascii(s[q1 + 1]);
  const auto text = s.substr(q1 + 3, end - q1 - 3);
  if (charset.empty() || (enc != 'b' && enc != 'q')) return std::nullopt;
  charset = charset.substr(0, charset.find('*'));  // RFC 2231 §5 language
  word w{std::string(charset), enc == 'b' ? decode_base64(text) : decode_q(text), end + 2 - start};
  return w;
}

bool only_space(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Flushes a run of adjacent words in one charset.
void flush_run(std::string& charset, std::string& bytes, std::string& out) {
  if (charset.empty()) return;
  auto text = charset_to_utf8(charset, bytes);
  out += text ? *text : sanitize_utf8(bytes);
  charset.clear();
  bytes.clear();
}

}  // namespace

std::string decode_encoded_words(std::string_view text) {
  std::string out, run_charset, run_bytes;
  std::size_t plain_from = 0;  // start of text not yet copied
  bool after_word = false;
  forward_finder closes(text, "?=", false), spaces(text, " \t\r\n", true);
  std::size_t i = 0;
  while (i < text.size()) {
    const auto start = text.find("=?", i);
    if (start == std::string_view::npos) break;
    auto w = parse_word(text, start, closes, spaces);
    if (!w || !charset_to_utf8(w->charset, "")) {  // unknown charset: keep as written
      i = start + 2;
      continue;
    }
    const auto between = text.substr(plain_from, start - plain_from);
    if (!(after_word && only_space(between))) {  // §6.2: drop space between words
      flush_run(run_charset, run_bytes, out);
      out += sanitize_utf8(between);
    }
    if (!run_charset.empty() && !iequals(run_charset, w->charset))
      flush_run(run_charset, run_bytes, out);
    run_charset = w->charset;
    run_bytes += w->bytes;
    i = plain_from = start + w->length;
    after_word = true;
  }
  flush_run(run_charset, run_bytes, out);
  out += sanitize_utf8(text.substr(plain_from));
  return out;
}

namespace {

bool q_safe(unsigned char c) {  // RFC 2047 §5 (3): safe even inside a phrase
  return is_alpha(static_cast<char>(c)) || is_digit(static_cast<char>(c)) || c == '!' ||
         c == '*' || c == '+' || c == '-' || c == '/';
}

std::size_t q_width(std::string_view chunk) {
  std::size_t n = 0;
  for (char c : chunk) n += (q_safe(static_cast<unsigned char>(c)) || c == ' ') ? 1 : 3;
  return n;
}

std::string q_encode(std::string_view chunk) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : chunk) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ' ') out += '_';
    else if (q_safe(c)) out += ch;
    else out += {'=', hex[c >> 4], hex[c & 15]};
  }
  return out;
}

}  // namespace

std::string encode_encoded_words(std::string_view text) {
  bool plain = true;
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x7F || (c < 32 && c != '\t')) plain = false;
  // Text that looks like an encoded word is encoded too, or a reader would decode it.
  if (plain && text.find("=?") == std::string_view::npos) return std::string(text);
  const bool use_q = q_width(text) < text.size() * 2;
  constexpr std::size_t budget = 75 - 12;  // "=?utf-8?X?" + "?="
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    for (;;) {  // grow by whole UTF-8 sequences while the word fits
      const auto len = std::max<std::size_t>(1, detail::utf8_sequence_length(static_cast<unsigned char>(text[end])));
      const auto next = std::min(text.size(), end + len);
      const auto chunk = text.substr(i, next - i);
      const auto width = use_q ? q_width(chunk) : (chunk.size() + 2) / 3 * 4;
      if (width > budget && end > i) break;
      end = next;
      if (end == text.size()) break;
    }
    const auto chunk = text.substr(i, end - i);
    if (!out.empty()) out += ' ';
    out += use_q ? "=?utf-8?Q?" + q_encode(chunk) : "=?utf-8?B?" + base64_encode(chunk);
    out += "?=";
    i = end;
  }
  return out;
}

}  // namespace l7::mail
