#include "dns/codec/name.hpp"

#include <cstdint>

#include "core/text.hpp"
#include "dns/codec/error.hpp"

namespace l7::dns {
namespace {

bool needs_backslash(char c) {
  switch (c) {
    case '.': case '\\': case '"': case '(': case ')': case ';': case '@': case '$': return true;
    default: return false;
  }
}

void append_label_text(std::string& out, std::string_view label) {
  for (const char c : label) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7e) {
      out += '\\';
      out += char('0' + u / 100);
      out += char('0' + (u / 10) % 10);
      out += char('0' + u % 10);
    } else {
      if (needs_backslash(c)) out += '\\';
      out += c;
    }
  }
}

// Reads one escape after a backslash at text[i]; advances i past it. RFC 1035 §5.1.
bool read_escape(std::string_view text, std::size_t& i, std::string& label) {
  if (i + 1 >= text.size()) return false;
  if (!is_digit(text[i + 1])) {
    label += text[i + 1];
    i += 2;
    return true;
  }
  if (i + 4 > text.size() || !is_digit(text[i + 2]) || !is_digit(text[i + 3])) return false;
  const int v = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
  if (v > 255) return false;
  label += char(v);
  i += 4;
  return true;
}

}  // namespace

bool label_equal(std::string_view a, std::string_view b) { return iequals(a, b); }

name name::from_labels(std::vector<std::string> labels, std::error_code& ec) {
  std::size_t total = 1;
  for (const auto& l : labels) {
    if (l.empty()) { ec = error::bad_name_text; return {}; }
    if (l.size() > max_label_length) { ec = error::label_too_long; return {}; }
    total += 1 + l.size();
  }
  if (total > max_name_length) { ec = error::name_too_long; return {}; }
  name n;
  n.labels_ = std::move(labels);
  ec.clear();
  return n;
}

name name::parse(std::string_view text, std::error_code& ec) {
  if (text == "." || text.empty()) { ec.clear(); return {}; }
  std::vector<std::string> labels;
  std::string label;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '.') {
      if (label.empty()) { ec = error::bad_name_text; return {}; }
      labels.push_back(std::move(label));
      label.clear();
      ++i;
      // A trailing dot ends an absolute name.
      if (i == text.size()) return from_labels(std::move(labels), ec);
    } else if (c == '\\') {
      if (!read_escape(text, i, label)) { ec = error::bad_name_text; return {}; }
    } else {
      label += c;
      ++i;
    }
  }
  labels.push_back(std::move(label));
  return from_labels(std::move(labels), ec);
}

std::size_t name::wire_length() const {
  std::size_t total = 1;
  for (const auto& l : labels_) total += 1 + l.size();
  return total;
}

std::string name::to_string() const {
  if (labels_.empty()) return ".";
  std::string out;
  for (const auto& l : labels_) {
    append_label_text(out, l);
    out += '.';
  }
  return out;
}

std::string name::canonical_wire() const {
  std::string out;
  out.reserve(wire_length());
  for (const auto& l : labels_) {
    out += char(l.size());
    for (const char c : l) out += to_lower_ascii(c);
  }
  out += '\0';
  return out;
}

name name::suffix(std::size_t n) const {
  name out;
  out.labels_.assign(labels_.begin() + static_cast<std::ptrdiff_t>(n), labels_.end());
  return out;
}

bool name::is_subdomain_of(const name& other) const {
  if (other.labels_.size() > labels_.size()) return false;
  const std::size_t skip = labels_.size() - other.labels_.size();
  for (std::size_t i = 0; i < other.labels_.size(); ++i)
    if (!label_equal(labels_[skip + i], other.labels_[i])) return false;
  return true;
}

bool operator==(const name& a, const name& b) {
  return a.labels_.size() == b.labels_.size() && a.is_subdomain_of(b);
}

}  // namespace l7::dns
