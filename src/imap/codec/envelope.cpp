#include "imap/codec/envelope.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "imap/codec/encode.hpp"
#include "mail/codec/address.hpp"

namespace l7::imap {
namespace {

using mail::address;

// RFC 9051 §9 address: "(" addr-name SP addr-adl SP addr-mailbox SP addr-host ")".
void append_address(std::string& out, const address& a, bool utf8) {
  out.push_back('(');
  switch (a.type) {
    case address::kind::group_start:  // RFC 9051 §7.5.2: group syntax
      out += "NIL NIL ";
      append_nstring(out, a.name.empty() ? std::string_view("") : a.name, utf8);
      out += " NIL";
      break;
    case address::kind::group_end:
      out += "NIL NIL NIL NIL";
      break;
    case address::kind::mailbox:
      append_nstring(out, a.name, utf8);
      out.push_back(' ');
      append_nstring(out, a.route, utf8);
      out.push_back(' ');
      append_nstring(out, a.local_part, utf8);
      out.push_back(' ');
      // An empty host would read as a group marker: send "" for a mailbox without one.
      append_string(out, a.domain, utf8);
      break;
  }
  out.push_back(')');
}

// "(" 1*address ")" / nil.
void append_address_list(std::string& out, std::string_view value, bool utf8) {
  auto list = mail::parse_address_list(value);
  if (list.empty()) {
    out += "NIL";
    return;
  }
  out.push_back('(');
  for (const auto& a : list) append_address(out, a, utf8);
  out.push_back(')');
}

bool has_addresses(const mail::header_section& h, std::string_view name) {
  return !mail::parse_address_list(h.value(name)).empty();
}

void append_params(std::string& out, const std::vector<mail::mime_param>& params, bool utf8) {
  if (params.empty()) {
    out += "NIL";
    return;
  }
  out.push_back('(');
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (i) out.push_back(' ');
    append_string(out, params[i].name, utf8);
    out.push_back(' ');
    append_string(out, params[i].value, utf8);
  }
  out.push_back(')');
}

// body-fld-dsp SP body-fld-lang SP body-fld-loc (RFC 9051 §9).
void append_dsp_lang_loc(std::string& out, const mail::body_part& p, bool utf8) {
  if (p.disposition) {
    out.push_back('(');
    append_string(out, p.disposition->value, utf8);
    out.push_back(' ');
    append_params(out, p.disposition->raw_params, utf8);
    out.push_back(')');
  } else {
    out += "NIL";
  }
  out.push_back(' ');
  if (p.language.empty()) {
    out += "NIL";
  } else if (p.language.size() == 1) {
    append_string(out, p.language[0], utf8);
  } else {
    out.push_back('(');
    for (std::size_t i = 0; i < p.language.size(); ++i) {
      if (i) out.push_back(' ');
      append_string(out, p.language[i], utf8);
    }
    out.push_back(')');
  }
  out.push_back(' ');
  append_nstring(out, p.location, utf8);
}

// body-fields: body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets.
void append_fields(std::string& out, const mail::body_part& p, bool utf8) {
  const auto& raw = p.content_type.raw_params;
  bool has_charset = std::any_of(raw.begin(), raw.end(), [](const auto& m) { return m.name == "charset"; });
  if (p.type == "text" && !has_charset) {  // RFC 2045 §5.2 default, as Dovecot shows it
    auto params = raw;
    params.push_back({"charset", "us-ascii", {}, {}});
    append_params(out, params, utf8);
  } else {
    append_params(out, raw, utf8);
  }
  out.push_back(' ');
  append_nstring(out, p.id, utf8);
  out.push_back(' ');
  append_nstring(out, p.description, utf8);
  out.push_back(' ');
  append_string(out, p.encoding_value, utf8);
  out += " " + std::to_string(p.body.size());
}

void append_body(std::string& out, std::string_view message, const mail::mime_message& mime,
                 std::size_t index, bool ext, bool utf8);

void append_multipart(std::string& out, std::string_view message, const mail::mime_message& mime,
                      const mail::body_part& p, bool ext, bool utf8) {
  if (p.children.empty())  // body-type-mpart needs 1*body: an empty multipart shows one empty part
    out += "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)";
  for (auto child : p.children) append_body(out, message, mime, child, ext, utf8);
  out.push_back(' ');
  append_string(out, p.subtype, utf8);
  if (!ext) return;
  out.push_back(' ');  // body-ext-mpart
  append_params(out, p.content_type.raw_params, utf8);
  out.push_back(' ');
  append_dsp_lang_loc(out, p, utf8);
}

void append_body(std::string& out, std::string_view message, const mail::mime_message& mime,
                 std::size_t index, bool ext, bool utf8) {
  const auto& p = mime.parts[index];
  out.push_back('(');
  if (p.is_multipart()) {
    append_multipart(out, message, mime, p, ext, utf8);
    out.push_back(')');
    return;
  }
  append_string(out, p.type, utf8);
  out.push_back(' ');
  append_string(out, p.subtype, utf8);
  out.push_back(' ');
  append_fields(out, p, utf8);
  const auto* nested = p.is_encapsulated() ? mime.nested(p) : nullptr;
  if (nested) {  // body-type-msg: envelope SP body SP body-fld-lines
    out.push_back(' ');
    append_envelope(out, nested->fields, utf8);
    out.push_back(' ');
    append_body(out, message, mime, static_cast<std::size_t>(nested - mime.parts.data()), ext, utf8);
    out += " " + std::to_string(p.lines);
  } else if (p.type == "text") {  // body-type-text: body-fld-lines
    out += " " + std::to_string(p.lines);
  }
  if (ext) {  // body-ext-1part: body-fld-md5 SP body-fld-dsp SP body-fld-lang SP body-fld-loc
    out.push_back(' ');
    append_nstring(out, p.md5, utf8);
    out.push_back(' ');
    append_dsp_lang_loc(out, p, utf8);
  }
  out.push_back(')');
}

}  // namespace

void append_envelope(std::string& out, const mail::header_section& h, bool utf8) {
  out.push_back('(');
  append_nstring(out, h.value("Date"), utf8);
  out.push_back(' ');
  append_nstring(out, h.value("Subject"), utf8);
  out.push_back(' ');
  auto from = h.value("From");
  append_address_list(out, from, utf8);
  for (std::string_view name : {"Sender", "Reply-To"}) {  // RFC 9051 §7.5.2: default to From
    out.push_back(' ');
    append_address_list(out, has_addresses(h, name) ? h.value(name) : from, utf8);
  }
  for (std::string_view name : {"To", "Cc", "Bcc"}) {
    out.push_back(' ');
    append_address_list(out, h.value(name), utf8);
  }
  out.push_back(' ');
  append_nstring(out, h.value("In-Reply-To"), utf8);
  out.push_back(' ');
  append_nstring(out, h.value("Message-ID"), utf8);
  out.push_back(')');
}

void append_body_structure(std::string& out, std::string_view message,
                           const mail::mime_message& mime, std::size_t part, bool extensible,
                           bool utf8) {
  append_body(out, message, mime, part, extensible, utf8);
}

}  // namespace l7::imap
