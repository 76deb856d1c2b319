#include "mail/codec/header.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "mail/codec/detail.hpp"
#include "mail/codec/error.hpp"

namespace l7::mail {
namespace {

using detail::is_wsp;

// RFC 5322 §3.6.8: ftext is printable US-ASCII except ':'.
bool is_field_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < 33 || c > 126 || c == ':') return false;
  return true;
}

std::string_view strip_eol(std::string_view s) {
  if (!s.empty() && s.back() == '\n') s.remove_suffix(1);
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}

void trim_wsp_right(std::string& s) {
  while (!s.empty() && (is_wsp(s.back()) || s.back() == '\r' || s.back() == '\n')) s.pop_back();
}

}  // namespace

const header_field* header_section::find(std::string_view name) const {
  for (const auto& f : fields)
    if (!f.malformed && iequals(f.name, name)) return &f;
  return nullptr;
}

std::vector<const header_field*> header_section::find_all(std::string_view name) const {
  std::vector<const header_field*> out;
  for (const auto& f : fields)
    if (!f.malformed && iequals(f.name, name)) out.push_back(&f);
  return out;
}

std::string_view header_section::value(std::string_view name) const {
  const auto* f = find(name);
  return f ? std::string_view(f->value) : std::string_view{};
}

header_parser::header_parser(header_limits limits, std::size_t base)
    : limits_(limits), pos_(base) {
  section_.begin = base;
  section_.end = base;
}

std::size_t header_parser::parse(std::span<const std::byte> data, std::error_code& ec) {
  return parse(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), ec);
}

std::size_t header_parser::parse(std::string_view data, std::error_code& ec) {
  ec.clear();
  if (failed_) {
    ec = failed_;
    return 0;
  }
  std::size_t used = 0;
  while (!done_ && used < data.size()) {
    // A line given again with more bytes is not searched again from its start (bytes one at a
    // time would cost quadratic time).
    const auto lf = data.find('\n', used + (used == 0 ? std::min(no_lf_, data.size()) : 0));
    if (lf == std::string_view::npos) {
      // max_line bytes and a CR may still be one line within the limit.
      if (data.size() - used > limits_.max_line + 1) failed_ = ec = error::line_too_long;
      no_lf_ = data.size() - used;
      break;
    }
    no_lf_ = 0;
    const std::size_t n = lf + 1 - used;
    line(data.substr(used, n), n, ec);
    if (ec) break;
    used += n;
  }
  return used;
}

void header_parser::finish(std::string_view rest, std::error_code& ec) {
  ec.clear();
  if (failed_) {
    ec = failed_;
    return;
  }
  if (done_) return;
  if (!rest.empty()) line(rest, rest.size(), ec);
  if (ec) return;
  flush();
  done_ = true;
  section_.end = pos_;
}

void header_parser::line(std::string_view text, std::size_t length, std::error_code& ec) {
  if (length > limits_.max_line + 2) {
    failed_ = ec = error::line_too_long;
    return;
  }
  if (pos_ + length - section_.begin > limits_.max_header_bytes) {
    failed_ = ec = error::header_too_large;
    return;
  }
  const auto content = strip_eol(text);
  if (content.empty() && text.back() != '\n') {  // a lone CR at the end of input
    pos_ += length;
    return;
  }
  if (content.empty()) {  // the empty line (RFC 5322 §2.1)
    flush();
    pos_ += length;
    section_.end = pos_;
    section_.has_empty_line = true;
    done_ = true;
    return;
  }
  if (is_wsp(content.front()) && has_pending_) {  // RFC 5322 §2.2.3 unfolding
    trim_wsp_right(pending_.value);
    pending_.value += pending_.value.empty() ? trim_ows(content) : content;
  } else {
    flush();
    if (section_.fields.size() >= limits_.max_fields) {
      failed_ = ec = error::too_many_fields;
      return;
    }
    pending_ = header_field{};
    pending_.begin = pos_;
    start_field(content);
    has_pending_ = true;
  }
  pos_ += length;
  pending_.end = pos_;
}

void header_parser::start_field(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    pending_.malformed = true;
    pending_.value = text;
    return;
  }
  auto name = text.substr(0, colon);
  while (!name.empty() && is_wsp(name.back())) name.remove_suffix(1);  // RFC 5322 §4.5
  pending_.name = name;
  pending_.malformed = !is_field_name(name);
  pending_.value = trim_ows(text.substr(colon + 1));
}

void header_parser::flush() {
  if (!has_pending_) return;
  trim_wsp_right(pending_.value);
  section_.fields.push_back(std::move(pending_));
  has_pending_ = false;
}

header_section parse_header_section(std::string_view message, const header_limits& limits,
                                    std::error_code& ec, std::size_t base) {
  header_parser p(limits, base);
  const auto used = p.parse(message, ec);
  if (ec) return {};
  p.finish(message.substr(used), ec);
  if (ec) return {};
  return p.take();
}

}  // namespace l7::mail
