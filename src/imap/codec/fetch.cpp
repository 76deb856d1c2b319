// FETCH (RFC 9051 §6.4.5, BINARY RFC 3516 §4.1, CONDSTORE/QRESYNC modifiers RFC 7162), STORE
// (§6.4.6, UNCHANGEDSINCE), COPY/MOVE (§6.4.7, RFC 6851) and UID EXPUNGE (§6.4.9).
#include <cctype>

#include "core/text.hpp"
#include "imap/codec/parsers.hpp"

namespace l7::imap::detail {
namespace {

using fk = fetch_att::kind;
using tk = section::text_kind;

bool header_list(cursor& c, std::vector<std::string>& fields) {
  if (!c.sp() || !c.open_paren()) return false;
  do {
    auto f = c.astring();
    if (!f) return false;
    fields.push_back(to_upper(*f));
  } while (c.eat(' '));
  return c.close_paren();
}

// RFC 9051 §9 section-spec inside "[" "]"; `binary`: section-part only (RFC 3516 §4.1).
bool section_spec(cursor& c, section& out, bool binary) {
  if (!c.expect('[')) return false;
  bool need_text = false;
  while (is_digit(c.peek())) {
    auto n = c.nz_number();
    if (!n) return false;
    out.part.push_back(*n);
    if (!c.eat('.')) break;
    if (!is_digit(c.peek())) {
      need_text = true;
      break;
    }
  }
  if (out.part.empty() && c.peek() != ']') need_text = true;
  if (need_text) {
    std::string text;
    while (is_alpha(c.peek()) || c.peek() == '.') {
      text.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c.peek()))));
      c.eat(c.peek());
    }
    if (binary) return c.fail(error::syntax);
    if (text == "HEADER") out.text = tk::header;
    else if (text == "HEADER.FIELDS") out.text = tk::header_fields;
    else if (text == "HEADER.FIELDS.NOT") out.text = tk::header_fields_not;
    else if (text == "TEXT") out.text = tk::text;
    else if (text == "MIME" && !out.part.empty()) out.text = tk::mime;
    else return c.fail(error::syntax);
    if ((out.text == tk::header_fields || out.text == tk::header_fields_not) &&
        !header_list(c, out.fields))
      return false;
  }
  return c.expect(']');
}

// RFC 9051 §9 partial: "<" number64 "." nz-number64 ">".
bool partial_spec(cursor& c, std::optional<partial>& out) {
  if (!c.eat('<')) return true;
  auto offset = c.number64();
  if (!offset || !c.expect('.')) return false;
  auto length = c.number64();
  if (!length) return false;
  if (*length == 0) return c.fail(error::syntax);
  out = partial{*offset, *length};
  return c.expect('>');
}

struct simple_att {
  std::string_view name;
  fk kind;
};
constexpr simple_att simple_atts[] = {
    {"ENVELOPE", fk::envelope}, {"FLAGS", fk::flags}, {"INTERNALDATE", fk::internal_date},
    {"RFC822.SIZE", fk::rfc822_size}, {"BODYSTRUCTURE", fk::body_structure}, {"UID", fk::uid},
    {"RFC822", fk::rfc822}, {"RFC822.HEADER", fk::rfc822_header},
    {"RFC822.TEXT", fk::rfc822_text}, {"MODSEQ", fk::modseq},
};

bool fetch_att_(cursor& c, const std::string& name, std::vector<fetch_att>& out) {
  fetch_att att;
  for (const auto& s : simple_atts) {
    if (name != s.name) continue;
    att.type = s.kind;
    out.push_back(att);
    return true;
  }
  bool body = name == "BODY" || name == "BODY.PEEK";
  bool binary = name == "BINARY" || name == "BINARY.PEEK" || name == "BINARY.SIZE";
  if (!body && !binary) return c.fail(error::syntax);
  if (name == "BODY" && c.peek() != '[') {
    att.type = fk::body;
    out.push_back(att);
    return true;
  }
  att.type = body ? fk::body_section : name == "BINARY.SIZE" ? fk::binary_size : fk::binary;
  att.peek = name == "BODY.PEEK" || name == "BINARY.PEEK";
  if (!section_spec(c, att.section, binary)) return false;
  if (att.type != fk::binary_size && !partial_spec(c, att.partial)) return false;
  out.push_back(std::move(att));
  return true;
}

// RFC 7162 §3.1.4.1 / §3.2.6: fetch-modifiers.
bool fetch_modifiers(cursor& c, fetch& f) {
  if (!c.open_paren()) return false;
  do {
    if (c.eat_word("CHANGEDSINCE")) {
      auto n = c.sp() ? c.number64() : std::nullopt;
      if (!n) return false;
      f.changed_since = *n;
    } else if (c.eat_word("VANISHED")) {
      f.vanished = true;
    } else {
      return c.fail(error::syntax);
    }
  } while (c.eat(' '));
  return c.close_paren();
}

}  // namespace

void parse_fetch(cursor& c, command& out) {
  fetch f;
  if (!c.sp()) return;
  auto set = c.seq_set();
  if (!set || !c.sp()) return;
  f.set = std::move(*set);
  bool list = c.peek() == '(';
  if (list && !c.open_paren()) return;
  do {
    std::string name;
    while (is_alpha(c.peek()) || is_digit(c.peek()) || c.peek() == '.') {
      name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c.peek()))));
      c.eat(c.peek());
    }
    if (!list && (name == "ALL" || name == "FAST" || name == "FULL")) {  // §6.4.5 macros
      for (auto kind : {fk::flags, fk::internal_date, fk::rfc822_size, fk::envelope, fk::body}) {
        if (kind == fk::envelope && name == "FAST") break;
        if (kind == fk::body && name != "FULL") break;
        fetch_att att;
        att.type = kind;
        f.items.push_back(std::move(att));
      }
      break;
    }
    if (!fetch_att_(c, name, f.items)) return;
  } while (list && c.eat(' '));
  if (list && !c.close_paren()) return;
  if (c.eat(' ') && !fetch_modifiers(c, f)) return;
  if (f.vanished && !out.uid) {  // RFC 7162 §3.2.6: VANISHED only with UID FETCH
    c.fail(error::syntax);
    return;
  }
  out.args = std::move(f);
}

// "STORE" SP sequence-set [SP "(" "UNCHANGEDSINCE" SP mod-sequence-valzer ")"] SP
// store-att-flags; store-att-flags = (["+" / "-"] "FLAGS" [".SILENT"]) SP (flag-list / flag *(SP flag)).
void parse_store(cursor& c, command& out) {
  store s;
  if (!c.sp()) return;
  auto set = c.seq_set();
  if (!set || !c.sp()) return;
  s.set = std::move(*set);
  if (c.peek() == '(') {
    c.open_paren();
    auto n = c.eat_word("UNCHANGEDSINCE") && c.sp() ? c.number64() : std::nullopt;
    if (!n || !c.close_paren() || !c.sp()) {
      c.fail(error::syntax);
      return;
    }
    s.unchanged_since = *n;
  }
  if (c.eat('+')) s.how = store::mode::add;
  else if (c.eat('-')) s.how = store::mode::remove;
  auto item = c.atom();
  if (!item) return;
  auto upper = to_upper(*item);
  s.silent = upper == "FLAGS.SILENT";
  if ((upper != "FLAGS" && !s.silent) || !c.sp()) {
    c.fail(error::syntax);
    return;
  }
  if (c.peek() == '(') {
    auto flags = c.flag_list();
    if (!flags) return;
    s.flags = std::move(*flags);
  } else {
    do {
      auto f = c.flag();
      if (!f) return;
      s.flags.push_back(std::move(*f));
    } while (c.eat(' '));
  }
  out.args = std::move(s);
}

void parse_copy(cursor& c, command& out) {  // "COPY" / "MOVE" SP sequence-set SP mailbox
  copy cp;
  cp.move = out.name == command_name::move;
  if (!c.sp()) return;
  auto set = c.seq_set();
  if (!set || !c.sp()) return;
  auto name = c.mailbox();
  if (!name) return;
  cp.set = std::move(*set);
  cp.mailbox = std::move(*name);
  out.args = std::move(cp);
}

void parse_uid_expunge(cursor& c, command& out) {  // "UID EXPUNGE" SP sequence-set
  if (!c.sp()) return;
  auto set = c.seq_set();
  if (set) out.args = uid_expunge{std::move(*set)};
}

}  // namespace l7::imap::detail
