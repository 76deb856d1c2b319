#include "mail/codec/params.hpp"

#include <algorithm>
#include <map>

#include "core/text.hpp"
#include "mail/codec/charset.hpp"
#include "mail/codec/detail.hpp"
#include "mail/codec/encoded_word.hpp"

namespace l7::mail {
namespace {

constexpr auto is_wsp = detail::is_fws;

// RFC 2045 §5.1 tspecials.
bool is_tspecial(char c) { return std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos; }

class cursor {
 public:
  explicit cursor(std::string_view s) : s_(s) {}
  bool at_end() const { return i_ >= s_.size(); }
  char peek() const { return s_[i_]; }
  void skip() { ++i_; }

  // Skips white space and (nested) comments.
  void skip_cfws() {
    while (i_ < s_.size()) {
      if (is_wsp(s_[i_])) {
        ++i_;
      } else if (s_[i_] == '(') {
        int level = 0;
        for (; i_ < s_.size(); ++i_) {
          if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;  // a quoted-pair
          else if (s_[i_] == '(') ++level;
          else if (s_[i_] == ')' && --level == 0) break;
        }
        if (i_ < s_.size()) ++i_;
      } else {
        return;
      }
    }
  }

  std::string quoted() {  // at '"'; RFC 5322 §3.2.4, unterminated runs to the end
    std::string out;
    for (++i_; i_ < s_.size() && s_[i_] != '"'; ++i_) {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) ++i_;
      out += s_[i_];
    }
    if (i_ < s_.size()) ++i_;
    return out;
  }

  // Up to `stop` (or a comment / end), trimmed.
  std::string until(std::string_view stop) {
    const auto from = i_;
    while (i_ < s_.size() && stop.find(s_[i_]) == std::string_view::npos && s_[i_] != '(') ++i_;
    auto v = s_.substr(from, i_ - from);
    while (!v.empty() && is_wsp(v.back())) v.remove_suffix(1);
    return std::string(v);
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

std::string main_value(cursor& c) {
  c.skip_cfws();
  std::string v;
  while (!c.at_end() && c.peek() != ';') {
    if (c.peek() == '(' || is_wsp(c.peek())) {
      c.skip_cfws();  // "text / plain (comment)" -> "text/plain"
      continue;
    }
    if (c.peek() == '"') {
      v += c.quoted();
      continue;
    }
    v += c.peek();
    c.skip();
  }
  return to_lower(v);
}

std::vector<mime_param> raw_parameters(cursor& c) {
  std::vector<mime_param> out;
  while (!c.at_end()) {
    c.skip();  // ';'
    c.skip_cfws();
    auto name = to_lower(c.until(";="));
    c.skip_cfws();
    if (c.at_end() || c.peek() != '=') {
      while (!c.at_end() && c.peek() != ';') c.skip();
      continue;
    }
    c.skip();
    c.skip_cfws();
    std::string value = (!c.at_end() && c.peek() == '"') ? c.quoted() : c.until(";");
    c.skip_cfws();
    while (!c.at_end() && c.peek() != ';') c.skip();  // junk after a value
    if (!name.empty()) out.push_back({std::move(name), std::move(value), {}, {}});
  }
  return out;
}

// RFC 2231 §4 percent-encoding; a malformed escape leaves the segment as written.
std::string percent_decode_or_keep(std::string_view s) {
  auto decoded = percent_decode(s);
  return decoded ? std::move(*decoded) : std::string(s);
}

struct segment {
  std::string text;
  bool extended = false;
};

struct joined {
  std::map<unsigned, segment> segments;  // RFC 2231 §3: ordered by number
  std::string charset, language;
};

// Splits "name*3*" into base "name", section 3, extended.
void split_name(std::string_view n, std::string& base, unsigned& section, bool& extended) {
  extended = n.ends_with('*');
  if (extended) n.remove_suffix(1);
  section = 0;
  base = std::string(n);
  const auto star = n.rfind('*');
  if (star == std::string_view::npos) return;
  if (const auto num = parse_uint(n.substr(star + 1)); num && *num < 1000) {
    section = static_cast<unsigned>(*num);
    base = std::string(n.substr(0, star));
  }
}

mime_param finish(const std::string& name, joined& j) {
  std::string bytes;
  bool any_extended = false;
  for (auto& [n, seg] : j.segments) {
    bytes += seg.extended ? percent_decode_or_keep(seg.text) : seg.text;
    any_extended = any_extended || seg.extended;
  }
  mime_param p{name, {}, j.charset, j.language};
  if (any_extended && !j.charset.empty()) {
    auto text = charset_to_utf8(j.charset, bytes);
    p.value = text ? *text : sanitize_utf8(bytes);
  } else {
    p.value = decode_encoded_words(bytes);  // common non-standard practice
  }
  return p;
}

}  // namespace

param_header parse_param_header(std::string_view field_value) {
  cursor c(field_value);
  param_header h;
  h.value = main_value(c);
  h.raw_params = raw_parameters(c);
  std::vector<std::string> order;
  std::map<std::string, joined> all;
  for (const auto& rp : h.raw_params) {
    std::string base;
    unsigned section = 0;
    bool extended = false;
    split_name(rp.name, base, section, extended);
    auto [it, fresh] = all.try_emplace(base);
    if (fresh) order.push_back(base);
    auto& j = it->second;
    if (j.segments.contains(section)) continue;  // first one wins
    std::string text = rp.value;
    if (extended && section == 0) {  // RFC 2231 §4: charset'language'value
      const auto q1 = text.find('\'');
      const auto q2 = q1 == std::string::npos ? q1 : text.find('\'', q1 + 1);
      if (q2 != std::string::npos) {
        j.charset = text.substr(0, q1);
        j.language = text.substr(q1 + 1, q2 - q1 - 1);
        text.erase(0, q2 + 1);
      }
    }
    j.segments[section] = {std::move(text), extended};
  }
  for (const auto& name : order) h.params.push_back(finish(name, all[name]));
  return h;
}

std::string_view param_header::param(std::string_view name) const {
  for (const auto& p : params)
    if (iequals(p.name, name)) return p.value;
  return {};
}

bool param_header::has(std::string_view name) const {
  return std::any_of(params.begin(), params.end(),
                     [&](const mime_param& p) { return iequals(p.name, name); });
}

std::string format_param_header(std::string_view value,
                                const std::vector<std::pair<std::string, std::string>>& params) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out(value);
  for (const auto& [name, v] : params) {
    const bool ascii = std::all_of(v.begin(), v.end(), [](char c) {
      return static_cast<unsigned char>(c) >= 32 && static_cast<unsigned char>(c) < 127;
    });
    out += "; ";
    if (!ascii) {  // RFC 2231 §4
      out += name + "*=utf-8''";
      for (char ch : v) {
        const auto u = static_cast<unsigned char>(ch);
        if (is_alpha(ch) || is_digit(ch) || ch == '.' || ch == '-' || ch == '_') out += ch;
        else out += {'%', hex[u >> 4], hex[u & 15]};
      }
      continue;
    }
    const bool token = !v.empty() && std::none_of(v.begin(), v.end(), [](char c) {
      return c == ' ' || is_tspecial(c);
    });
    out += name + "=";
    if (token) {
      out += v;
      continue;
    }
    out += '"';
    for (char ch : v) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out;
}

}  // namespace l7::mail
