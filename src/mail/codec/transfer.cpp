#include "mail/codec/transfer.hpp"

#include <cstdint>

#include "core/base64.hpp"
#include "core/text.hpp"
#include "mail/codec/detail.hpp"

namespace l7::mail {
namespace {

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

using detail::hex_value;
using detail::is_wsp;

// One line of QP text (without its line break) into `out`; returns true if it ended in a soft
// line break.
bool decode_qp_line(std::string_view line, std::string& out) {
  while (!line.empty() && is_wsp(line.back())) line.remove_suffix(1);  // RFC 2045 §6.7 (3)
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c != '=') {
      out += c;
      continue;
    }
    if (i + 1 == line.size()) return true;  // soft line break, rule (5)
    const int hi = hex_value(line[i + 1]);
    const int lo = i + 2 < line.size() ? hex_value(line[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      out += '=';  // lenient: a bad escape stays as written
      continue;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return false;
}

const char hex_digits[] = "0123456789ABCDEF";

void qp_escape(unsigned char c, std::string& out) {
  out += '=';
  out += hex_digits[c >> 4];
  out += hex_digits[c & 15];
}

bool qp_literal(unsigned char c) { return (c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t'; }

// One logical line (no line break) as QP lines of at most 76 characters.
void encode_qp_line(std::string_view line, std::string& out) {
  std::size_t col = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    const bool last = i + 1 == line.size();
    bool escape = !qp_literal(c) || (last && is_wsp(static_cast<char>(c)));
    if (col == 0 && (c == '.' || (c == 'F' && line.substr(i).starts_with("From ")))) escape = true;
    const std::size_t width = escape ? 3 : 1;
    // Keep room for the soft break '=' unless this is the line's last character.
    if (col + width > (last ? 76u : 75u)) {
      out += "=\r\n";
      col = 0;
      if (c == '.' || (c == 'F' && line.substr(i).starts_with("From "))) escape = true;
    }
    if (escape)
      qp_escape(c, out);
    else
      out += static_cast<char>(c);
    col += escape ? 3 : 1;
  }
}

}  // namespace

transfer_encoding parse_transfer_encoding(std::string_view value) {
  const auto v = to_lower(trim_ows(value));
  if (v.empty() || v == "7bit") return transfer_encoding::seven_bit;
  if (v == "8bit") return transfer_encoding::eight_bit;
  if (v == "binary") return transfer_encoding::binary;
  if (v == "quoted-printable") return transfer_encoding::quoted_printable;
  if (v == "base64") return transfer_encoding::base64;
  return transfer_encoding::other;
}

std::string_view to_string(transfer_encoding e) {
  switch (e) {
    case transfer_encoding::eight_bit: return "8bit";
    case transfer_encoding::binary: return "binary";
    case transfer_encoding::quoted_printable: return "quoted-printable";
    case transfer_encoding::base64: return "base64";
    default: return "7bit";
  }
}

std::string decode_base64(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 3);
  std::uint32_t acc = 0;
  int n = 0;
  for (char c : text) {
    if (c == '=') {  // padding ends the quantum; what it held is complete
      if (n == 2) out += static_cast<char>(acc >> 4);
      if (n == 3) {
        out += static_cast<char>(acc >> 10);
        out += static_cast<char>(acc >> 2);
      }
      acc = 0;
      n = 0;
      continue;
    }
    const int v = base64_value(c);
    if (v < 0) continue;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    if (++n == 4) {
      out += static_cast<char>(acc >> 16);
      out += static_cast<char>(acc >> 8);
      out += static_cast<char>(acc);
      acc = 0;
      n = 0;
    }
  }
  if (n == 2) out += static_cast<char>(acc >> 4);
  if (n == 3) {
    out += static_cast<char>(acc >> 10);
    out += static_cast<char>(acc >> 2);
  }
  return out;
}

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto lf = text.find('\n');
    auto line = text.substr(0, lf);
    std::string_view eol;
    if (lf != std::string_view::npos) {
      const bool cr = !line.empty() && line.back() == '\r';
      if (cr) line.remove_suffix(1);
      eol = text.substr(line.size(), lf + 1 - line.size());
      text.remove_prefix(lf + 1);
    } else {
      text = {};
    }
    if (!decode_qp_line(line, out)) out += eol;
  }
  return out;
}

std::string decode_transfer(std::string_view body, transfer_encoding e) {
  if (e == transfer_encoding::base64) return decode_base64(body);
  if (e == transfer_encoding::quoted_printable) return decode_quoted_printable(body);
  return std::string(body);
}

std::string encode_base64_lines(std::string_view data, std::size_t line_length) {
  const auto flat = base64_encode(data);
  if (line_length == 0) line_length = 76;
  std::string out;
  out.reserve(flat.size() + flat.size() / line_length * 2 + 2);
  for (std::size_t i = 0; i < flat.size(); i += line_length) {
    out.append(flat, i, line_length);
    out += "\r\n";
  }
  return out;
}

std::string encode_quoted_printable(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    const auto lf = text.find('\n');
    auto line = text.substr(0, lf);
    const bool has_break = lf != std::string_view::npos;
    if (has_break && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    text.remove_prefix(has_break ? lf + 1 : text.size());
    encode_qp_line(line, out);
    if (has_break) out += "\r\n";
  }
  return out;
}

}  // namespace l7::mail
