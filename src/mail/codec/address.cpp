#include "mail/codec/address.hpp"

#include <algorithm>

#include "mail/codec/detail.hpp"
#include "mail/codec/encoded_word.hpp"

namespace l7::mail {
namespace {

enum class tok_kind { word, quoted, literal, comment, special };

struct token {
  tok_kind kind;
  std::string text;
  char special() const { return kind == tok_kind::special ? text[0] : '\0'; }
};

constexpr auto is_space = detail::is_fws;
bool is_special_char(char c) { return std::string_view("()<>[]:;@,.\"").find(c) != std::string_view::npos; }

// Reads up to `close`, honouring quoted-pairs; nested parentheses for comments.
std::string delimited(std::string_view s, std::size_t& i, char open, char close) {
  std::string out;
  int level = 1;
  for (++i; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      out += s[++i];
      continue;
    }
    if (open == '(' && c == '(') ++level;
    if (c == close && --level == 0) {
      ++i;
      return out;
    }
    out += c;
  }
  return out;
}

std::vector<token> tokenize(std::string_view s) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (is_space(c)) {
      ++i;
    } else if (c == '"') {
      out.push_back({tok_kind::quoted, delimited(s, i, '"', '"')});
    } else if (c == '(') {
      out.push_back({tok_kind::comment, delimited(s, i, '(', ')')});
    } else if (c == '[') {
      std::size_t j = i;
      auto inner = delimited(s, j, '[', ']');
      std::erase_if(inner, is_space);
      out.push_back({tok_kind::literal, "[" + inner + "]"});
      i = j;
    } else if (is_special_char(c)) {
      out.push_back({tok_kind::special, std::string(1, c)});
      ++i;
    } else {
      const auto from = i;
      while (i < s.size() && !is_space(s[i]) && !is_special_char(s[i])) ++i;
      out.push_back({tok_kind::word, std::string(s.substr(from, i - from))});
    }
  }
  return out;
}

using span_t = std::pair<std::size_t, std::size_t>;

// A phrase (§3.2.5, obs-phrase §4.1): words joined by one space, '.' kept in place.
std::string phrase(const std::vector<token>& t, span_t r) {
  std::string out;
  bool after_dot = false;
  for (auto i = r.first; i < r.second; ++i) {
    if (t[i].kind == tok_kind::comment) continue;
    if (t[i].special() == '.') {
      out += '.';
      after_dot = true;
      continue;
    }
    if (t[i].kind == tok_kind::special) continue;  // junk in a name
    if (!out.empty() && (after_dot || out.back() != ' ')) out += ' ';
    out += t[i].text;
    after_dot = false;
  }
  return out;
}

// Local part or domain: words, quoted strings, literals and dots, CFWS removed (§4.4).
std::string dotted(const std::vector<token>& t, span_t r) {
  std::string out;
  for (auto i = r.first; i < r.second; ++i)
    if (t[i].kind != tok_kind::comment && (t[i].kind != tok_kind::special || t[i].text == "."))
      out += t[i].text;
  return out;
}

std::string last_comment(const std::vector<token>& t, span_t r) {
  std::string out;
  for (auto i = r.first; i < r.second; ++i)
    if (t[i].kind == tok_kind::comment) out = t[i].text;
  return out;
}

void addr_spec_into(const std::vector<token>& t, span_t r, address& a) {
  std::size_t at = r.second;
  for (auto i = r.first; i < r.second; ++i)
    if (t[i].special() == '@') at = i;
  if (at == r.second) {
    a.local_part = dotted(t, r);
    return;
  }
  a.local_part = dotted(t, {r.first, at});
  a.domain = dotted(t, {at + 1, r.second});
  for (auto i = r.first; i < at; ++i)  // a phrase word with no '<' (garbage) or a stray special
    if (t[i].kind == tok_kind::special && t[i].text != ".") a.malformed = true;
}

// One mailbox from tokens r (no top-level ',' or ';' inside).
address mailbox_from(const std::vector<token>& t, span_t r) {
  address a;
  std::size_t lt = r.second;
  for (auto i = r.first; i < r.second && lt == r.second; ++i)
    if (t[i].special() == '<') lt = i;
  if (lt == r.second) {  // addr-spec alone
    addr_spec_into(t, r, a);
    a.name = last_comment(t, r);
    return a;
  }
  a.name = phrase(t, {r.first, lt});
  std::size_t gt = lt + 1;
  while (gt < r.second && t[gt].special() != '>') ++gt;
  std::size_t spec = lt + 1;
  if (spec < gt && t[spec].special() == '@') {  // obs-route (§4.4): "@a,@b:" before the addr-spec
    std::size_t colon = spec;
    while (colon < gt && t[colon].special() != ':') ++colon;
    if (colon < gt) {
      for (auto i = spec; i < colon; ++i)
        if (t[i].kind != tok_kind::comment) a.route += t[i].text;
      spec = colon + 1;
    }
  }
  addr_spec_into(t, {spec, gt}, a);
  if (a.name.empty()) a.name = last_comment(t, {gt, r.second});
  return a;
}

bool empty_span(const std::vector<token>& t, span_t r) {
  return std::all_of(t.begin() + static_cast<std::ptrdiff_t>(r.first),
                     t.begin() + static_cast<std::ptrdiff_t>(r.second),
                     [](const token& k) { return k.kind == tok_kind::comment; });
}

}  // namespace

std::string address::addr_spec() const { return domain.empty() ? local_part : local_part + "@" + domain; }

std::vector<address> parse_address_list(std::string_view value) {
  const auto t = tokenize(value);
  std::vector<address> out;
  bool in_group = false;
  std::size_t from = 0;
  int angle = 0;
  std::size_t lt = 0;  // the last '<'
  auto emit = [&](std::size_t to) {
    if (empty_span(t, {from, to})) return;
    auto a = mailbox_from(t, {from, to});
    if (!a.name.empty() || !a.local_part.empty() || !a.domain.empty()) out.push_back(std::move(a));
  };
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i].special();
    if (c == '<' && angle++ == 0) lt = i;
    if (c == '>' && angle > 0) --angle;
    // Inside brackets only an obs-route ("<@a,@b:x@y>") has commas; any other ',' means the
    // '<' was never closed: recover at it.
    const bool route = lt + 1 < t.size() && t[lt + 1].special() == '@';
    if (angle > 0 && (c != ',' || route)) continue;
    angle = 0;
    if (c == ':' && !in_group) {
      out.push_back({address::kind::group_start, phrase(t, {from, i}), {}, {}, {}, false});
      in_group = true;
      from = i + 1;
    } else if (c == ',' || c == ';') {
      emit(i);
      if (c == ';' && in_group) {
        out.push_back({address::kind::group_end, {}, {}, {}, {}, false});
        in_group = false;
      }
      from = i + 1;
    }
  }
  emit(t.size());
  if (in_group) out.push_back({address::kind::group_end, {}, {}, {}, {}, false});
  return out;
}

std::vector<address> parse_mailboxes(std::string_view value) {
  auto all = parse_address_list(value);
  std::erase_if(all, [](const address& a) { return a.type != address::kind::mailbox; });
  return all;
}

std::string format_mailbox(std::string_view name, std::string_view addr_spec, bool utf8) {
  if (name.empty()) return std::string(addr_spec);
  const bool ascii = std::all_of(name.begin(), name.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 32 && static_cast<unsigned char>(c) < 127;
  });
  std::string out;
  if ((!ascii && !utf8) || name.find("=?") != std::string_view::npos) {
    out = encode_encoded_words(name);  // also when the name would read as an encoded word
  } else {
    const bool atoms = std::all_of(name.begin(), name.end(), [](char c) {
      return c == ' ' || static_cast<unsigned char>(c) >= 128 ||
             (!is_special_char(c) && c != '\\' && static_cast<unsigned char>(c) > 32);
    });
    if (atoms && name.front() != ' ' && name.back() != ' ') {
      out = name;
    } else {
      out = "\"";
      for (char c : name) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      out += '"';
    }
  }
  return out + " <" + std::string(addr_spec) + ">";
}

}  // namespace l7::mail
