#include "mail/codec/writer.hpp"

#include <algorithm>
#include <string>

#include "mail/codec/address.hpp"
#include "mail/codec/detail.hpp"
#include "mail/codec/date.hpp"
#include "mail/codec/encoded_word.hpp"
#include "mail/codec/params.hpp"
#include "mail/codec/transfer.hpp"

namespace l7::mail {
namespace {

std::string to_crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (text[i] == '\n' || text[i] == '\r') {
      out += "\r\n";
      continue;
    }
    out += text[i];
  }
  return out;
}

bool plain_7bit(std::string_view crlf_text) {  // RFC 5322 §2.1.1 / RFC 2045 §2.7
  std::size_t line = 0;
  for (char c : crlf_text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 128 || u == 0) return false;
    line = c == '\n' ? 0 : line + 1;
    if (line > 998) return false;
  }
  return true;
}

std::string address_list(const std::vector<mailbox_spec>& boxes, bool utf8) {
  std::string out;
  for (const auto& b : boxes) {
    if (!out.empty()) out += ", ";
    out += format_mailbox(b.name, b.address, utf8);
  }
  return out;
}

std::string header_text(std::string_view text, bool utf8) {
  return utf8 ? std::string(text) : encode_encoded_words(text);
}

}  // namespace

mime_entity make_text_part(std::string_view text, std::string_view subtype) {
  mime_entity e;
  const auto crlf = to_crlf(text);
  const bool seven = plain_7bit(crlf);
  e.headers.push_back({"Content-Type", "text/" + std::string(subtype) + "; charset=" +
                                           (seven ? "us-ascii" : "utf-8")});
  e.headers.push_back({"Content-Transfer-Encoding", seven ? "7bit" : "quoted-printable"});
  e.body = seven ? crlf : encode_quoted_printable(crlf);
  if (!e.body.empty() && !e.body.ends_with("\r\n")) e.body += "\r\n";
  return e;
}

mime_entity make_attachment(std::string_view filename, std::string_view content_type,
                            std::string_view data) {
  mime_entity e;
  e.headers.push_back({"Content-Type", format_param_header(content_type, {{"name", std::string(filename)}})});
  e.headers.push_back({"Content-Disposition",
                       format_param_header("attachment", {{"filename", std::string(filename)}})});
  e.headers.push_back({"Content-Transfer-Encoding", "base64"});
  e.body = encode_base64_lines(data);
  return e;
}

mime_entity make_multipart(std::string_view subtype, const std::vector<mime_entity>& parts,
                           std::string_view boundary, const header_list& params) {
  std::vector<std::string> bodies;
  for (const auto& p : parts) {
    std::string b;
    for (const auto& [n, v] : p.headers) b += fold_header(n, v);
    bodies.push_back(b + "\r\n" + p.body);
  }
  // RFC 2046 §5.1.1: the boundary must not occur in the parts; if it does, extend it.
  std::string chosen(boundary);
  for (unsigned n = 1; std::any_of(bodies.begin(), bodies.end(), [&](const std::string& b) {
         return b.find("--" + chosen) != std::string::npos;
       });
       ++n)
    chosen = std::string(boundary) + "." + std::to_string(n);
  header_list all = params;
  all.insert(all.begin(), {"boundary", chosen});
  mime_entity e;
  e.headers.push_back({"Content-Type", format_param_header("multipart/" + std::string(subtype), all)});
  // The line break before a delimiter is part of it, so a body keeps its own final line break
  // only with one more after it.
  const std::string dash = "--" + chosen;
  for (std::size_t i = 0; i < bodies.size(); ++i)
    e.body += (i == 0 ? "" : "\r\n") + dash + "\r\n" + bodies[i];
  e.body += (parts.empty() ? "" : "\r\n") + dash + "--\r\n";
  return e;
}

std::string fold_header(std::string_view name, std::string_view value, std::size_t width) {
  using detail::is_wsp;
  std::string out(name);
  out += ':';
  std::size_t col = out.size();
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t j = i;
    while (j < value.size() && is_wsp(value[j])) ++j;
    const auto space = value.substr(i, j - i);
    while (j < value.size() && !is_wsp(value[j])) ++j;
    const auto word = value.substr(i + space.size(), j - i - space.size());
    const std::string_view gap = space.empty() ? std::string_view(" ") : space;
    // RFC 5322 §2.2.3: fold before the white space, when the word then fits its line.
    if (col + gap.size() + word.size() > width && gap.size() + word.size() <= width) {
      out += "\r\n";
      col = 0;
    }
    out += gap;
    out += word;
    col += gap.size() + word.size();
    i = j;
  }
  return out + "\r\n";
}

std::string write_entity(const header_list& headers, const mime_entity& content) {
  std::string out;
  for (const auto& [n, v] : headers) out += fold_header(n, v);
  out += fold_header("MIME-Version", "1.0");
  for (const auto& [n, v] : content.headers) out += fold_header(n, v);
  out += "\r\n";
  out += content.body;
  return out;
}

std::string write_message(const message_spec& spec) {
  const bool u = spec.smtputf8;
  header_list h;
  h.push_back({"From", format_mailbox(spec.from.name, spec.from.address, u)});
  if (!spec.to.empty()) h.push_back({"To", address_list(spec.to, u)});
  if (!spec.cc.empty()) h.push_back({"Cc", address_list(spec.cc, u)});
  h.push_back({"Subject", header_text(spec.subject, u)});
  h.push_back({"Date", format_date_time(spec.date, spec.date_offset_minutes)});
  if (!spec.message_id.empty()) h.push_back({"Message-ID", "<" + spec.message_id + ">"});
  h.insert(h.end(), spec.extra_headers.begin(), spec.extra_headers.end());

  mime_entity body = make_text_part(spec.text);
  if (spec.html)
    body = make_multipart("alternative", {body, make_text_part(*spec.html, "html")},
                          "=_" + spec.boundary_seed + "_1");
  if (!spec.attachments.empty()) {
    std::vector<mime_entity> parts{body};
    for (const auto& a : spec.attachments)
      parts.push_back(make_attachment(a.filename, a.content_type, a.data));
    body = make_multipart("mixed", parts, "=_" + spec.boundary_seed + "_0");
  }
  return write_entity(h, body);
}

}  // namespace l7::mail
