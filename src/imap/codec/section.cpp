#include "imap/codec/section.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace l7::imap {
namespace {

using tk = section::text_kind;

// RFC 9051 §6.4.5: HEADER.FIELDS keeps the named fields, .NOT the others, then the blank line.
std::string header_fields(std::string_view message, const mail::header_section& h,
                          const std::vector<std::string>& names, bool keep_named) {
  std::string out;
  for (const auto& f : h.fields) {
    bool named = !f.malformed && std::any_of(names.begin(), names.end(), [&](const std::string& n) {
      return iequals(n, f.name);
    });
    if (named == keep_named) out += message.substr(f.begin, f.end - f.begin);
  }
  out += "\r\n";
  return out;
}

// The message a HEADER / TEXT specifier applies to: the top level, or the message inside a
// message/rfc822 part.
const mail::body_part* message_of(const mail::mime_message& mime, const section& s) {
  if (s.part.empty()) return mime.parts.empty() ? nullptr : &mime.parts[0];
  const auto* p = mime.find(s.part);
  if (!p || !p->is_encapsulated()) return nullptr;
  return mime.nested(*p);
}

}  // namespace

std::optional<std::string> section_content(std::string_view message,
                                           const mail::mime_message& mime, const section& s) {
  if (s.text == tk::none) {
    if (s.part.empty()) return std::string(message);
    const auto* p = mime.find(s.part);
    if (!p) return std::nullopt;
    return std::string(p->body.in(message));
  }
  if (s.text == tk::mime) {  // the part's own MIME header (RFC 9051 §6.4.5)
    const auto* p = mime.find(s.part);
    if (!p) return std::nullopt;
    return std::string(p->header.in(message));
  }
  const auto* m = message_of(mime, s);
  if (!m) return std::nullopt;
  switch (s.text) {
    case tk::header: return std::string(m->header.in(message));
    case tk::text: return std::string(m->body.in(message));
    case tk::header_fields: return header_fields(message, m->fields, s.fields, true);
    case tk::header_fields_not: return header_fields(message, m->fields, s.fields, false);
    default: return std::nullopt;
  }
}

std::optional<std::string> binary_content(std::string_view message,
                                          const mail::mime_message& mime, const section& s) {
  if (s.text != tk::none) return std::nullopt;
  if (s.part.empty()) {  // the whole message: only a single-part one decodes (RFC 3516 §4.1)
    if (mime.parts.empty() || mime.parts[0].is_multipart()) return std::nullopt;
    if (mime.parts[0].encoding == mail::transfer_encoding::seven_bit ||
        mime.parts[0].encoding == mail::transfer_encoding::eight_bit ||
        mime.parts[0].encoding == mail::transfer_encoding::binary)
      return std::string(message);
    return std::string(mime.parts[0].header.in(message)) + mail::decoded_body(message, mime.parts[0]);
  }
  const auto* p = mime.find(s.part);
  if (!p || p->is_multipart()) return std::nullopt;
  if (p->encoding == mail::transfer_encoding::other) return std::nullopt;
  return mail::decoded_body(message, *p);
}

std::string_view apply_partial(std::string_view data, const std::optional<partial>& p) {
  if (!p) return data;
  if (p->offset >= data.size()) return {};
  auto rest = data.substr(static_cast<std::size_t>(p->offset));
  return rest.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(p->length, rest.size())));
}

}  // namespace l7::imap
