#include "core/text.hpp"
#include "mail/codec/charset.hpp"
#include "mail/codec/mime.hpp"
#include "mail/codec/detail.hpp"

namespace l7::mail {
namespace {

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c <= 32 || c >= 127 || std::string_view("()<>@,;:\\\"/[]?=").find(c) != std::string_view::npos)
      return false;
  return true;
}

// RFC 2045 §5.1 / §5.2: a type/subtype of tokens, else the default.
void content_type_into(body_part& p) {
  const auto* f = p.fields.find("Content-Type");
  if (f != nullptr) {
    auto h = parse_param_header(f->value);
    const auto slash = h.value.find('/');
    if (slash != std::string::npos && is_token(std::string_view(h.value).substr(0, slash)) &&
        is_token(std::string_view(h.value).substr(slash + 1))) {
      p.type = h.value.substr(0, slash);
      p.subtype = h.value.substr(slash + 1);
      p.content_type = std::move(h);
      p.default_type = false;
      return;
    }
  }
  p.content_type = {};
  p.content_type.value = p.type + "/" + p.subtype;
  if (p.type == "text") {  // RFC 2045 §5.2: text/plain; charset=us-ascii
    p.content_type.params.push_back({"charset", "us-ascii", {}, {}});
    p.content_type.raw_params.push_back({"charset", "us-ascii", {}, {}});
  }
}

std::string strip_comments(std::string_view v) {
  std::string out;
  int level = 0;
  for (char c : v) {
    if (c == '(') ++level;
    else if (c == ')' && level > 0) --level;
    else if (level == 0) out += c;
  }
  return std::string(trim_ows(out));
}

}  // namespace

namespace detail {

void interpret_fields(body_part& p) {
  content_type_into(p);
  if (const auto* f = p.fields.find("Content-Transfer-Encoding")) {
    p.encoding_value = to_lower(strip_comments(f->value));
    p.encoding = parse_transfer_encoding(p.encoding_value);
    if (p.encoding_value.empty()) p.encoding_value = "7bit";
  }
  p.id = trim_ows(p.fields.value("Content-ID"));
  p.description = p.fields.value("Content-Description");
  p.md5 = trim_ows(p.fields.value("Content-MD5"));
  p.location = trim_ows(p.fields.value("Content-Location"));
  if (const auto* f = p.fields.find("Content-Disposition")) {
    auto d = parse_param_header(f->value);
    if (!d.value.empty()) p.disposition = std::move(d);
  }
  const auto languages = strip_comments(p.fields.value("Content-Language"));
  for (auto tag : split(languages, ','))  // RFC 3282 §2
    if (!trim_ows(tag).empty()) p.language.emplace_back(trim_ows(tag));
}

}  // namespace detail

std::string decoded_body(std::string_view message, const body_part& part) {
  return decode_transfer(part.body.in(message), part.encoding);
}

std::string decoded_text(std::string_view message, const body_part& part) {
  const auto raw = decoded_body(message, part);
  const auto cs = part.content_type.param("charset");
  if (cs.empty() || iequals(cs, "us-ascii")) return sanitize_utf8(raw);  // 8-bit in "ascii" text
  auto text = charset_to_utf8(cs, raw);
  return text ? std::move(*text) : sanitize_utf8(raw);
}

std::string_view part_filename(const body_part& part) {
  if (part.disposition) {
    if (const auto name = part.disposition->param("filename"); !name.empty()) return name;
  }
  return part.content_type.param("name");
}

}  // namespace l7::mail
