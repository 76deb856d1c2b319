#include "imap/codec/response.hpp"

#include "core/text.hpp"
#include "imap/codec/cursor.hpp"

namespace l7::imap {
namespace {

using detail::cursor;

struct response_parser {
  cursor& c;
  std::size_t max_depth;

  // The rest of the line (text never holds a literal).
  std::string rest_of_line() {
    std::string out;
    while (!c.at_crlf() && c.peek() != '\0') {
      out.push_back(c.peek());
      c.eat(c.peek());
    }
    return out;
  }

  // An atom in a response may carry a section: BODY[HEADER.FIELDS (TO)]<0>.
  bool atom_value(value& v) {
    v.type = value::kind::atom;
    for (;;) {
      char p = c.peek();
      if (p == '[') {
        while (c.peek() != ']' && !c.at_crlf() && c.peek() != '\0') {
          v.text.push_back(c.peek());
          c.eat(c.peek());
        }
        if (!c.expect(']')) return false;
        v.text.push_back(']');
      } else if (p == '\\' || p == '<' || p == '>' || p == '*' || p == '%' || detail::is_atom_char(p)) {
        v.text.push_back(p);
        c.eat(p);
      } else {
        break;
      }
    }
    if (v.text.empty()) return c.fail(error::syntax);
    if (iequals(v.text, "NIL")) v.type = value::kind::nil;
    else if (auto n = parse_uint(v.text); n && v.text.size() < 20) {
      v.type = value::kind::number;
      v.number = *n;
    }
    return true;
  }

  bool one(value& v, std::size_t depth) {
    char p = c.peek();
    if (p == '(') {
      if (depth >= max_depth) return c.fail(error::too_deep);
      c.eat('(');
      v.type = value::kind::list;
      if (c.eat(')')) return true;
      do {
        v.items.emplace_back();
        if (!one(v.items.back(), depth + 1)) return false;
      } while (c.eat(' '));
      return c.expect(')');
    }
    if (p == '"' || p == '{' || (p == '~' && c.peek2() == '{')) {
      auto s = p == '"' ? c.quoted() : c.literal(true, &v.binary);
      if (!s) return false;
      v.type = value::kind::string;
      v.text = std::move(*s);
      return true;
    }
    return atom_value(v);
  }

  void status_text(response& out) {
    if (c.eat(' ') && c.eat('[')) {
      while (c.peek() != ']' && !c.at_crlf() && c.peek() != '\0') {
        out.code.push_back(c.peek());
        c.eat(c.peek());
      }
      if (!c.expect(']')) return;
      c.eat(' ');
    }
    out.text = rest_of_line();
  }
};

std::optional<status_kind> status_of(std::string_view word) {
  static constexpr std::string_view names[] = {"OK", "NO", "BAD", "BYE", "PREAUTH"};
  for (int i = 0; i < 5; ++i)
    if (iequals(word, names[i])) return static_cast<status_kind>(i);
  return std::nullopt;
}

}  // namespace

void parse_response(std::string_view raw, response& out, std::error_code& ec,
                    std::size_t max_depth) {
  out = response{};
  parse_options options;
  options.utf8 = true;  // servers send UTF-8 quoted strings once enabled; accept them always
  options.max_depth = max_depth;
  cursor c(raw, options);
  response_parser p{c, max_depth};
  if (c.eat('+')) {  // continue-req = "+" [SP (resp-text / base64)] CRLF
    out.type = response::kind::continuation;
    out.tag = "+";
    p.status_text(out);
  } else {
    auto tag = c.eat('*') ? std::optional<std::string>("*") : c.tag();
    auto word = tag && c.sp() ? c.atom() : std::nullopt;
    if (word) {
      out.tag = std::move(*tag);
      if (auto n = parse_uint(*word); n && *n <= 0xffffffffu && c.sp()) {  // "* 3 EXPUNGE"
        out.number = static_cast<std::uint32_t>(*n);
        word = c.atom();
      }
    }
    if (word) {
      auto status = status_of(*word);
      if (status && !out.number) {
        out.type = response::kind::status;
        out.status = *status;
        p.status_text(out);
      } else {
        out.name = to_upper(*word);
        while (!c.failed() && c.eat(' ')) {
          out.values.emplace_back();
          if (!p.one(out.values.back(), 0)) break;
        }
      }
    }
  }
  c.end();
  ec = c.error_code();
}

}  // namespace l7::imap
