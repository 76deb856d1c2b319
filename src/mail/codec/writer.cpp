#include "mail/codec/writer.hpp"

#include <algorithm>

#include "mail/codec/address.hpp"
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
  header_list all = params;
  all.insert(all.begin(), {"boundary", std::string(boundary)});
  mime_entity e;
  e.headers.push_back({"Content-Type", format_param_header("multipart/" + std::string(subtype), all)});
  for (const auto& p : parts) {  // RFC 2046 §5.1.1
    e.body += "--" + std::string(boundary) + "\r\n";
    for (const auto& [n, v] : p.headers) e.body += fold_header(n, v);
    e.body += "\r\n" + p.body;
    if (!p.body.empty() && !p.body.ends_with("\r\n")) e.body += "\r\n";
  }
  e.body += "--" + std::string(boundary) + "--\r\n";
  return e;
}

std::string fold_header(std::string_view name, std::string_view value, std::size_t width) {
  std::string out(name);
  out += ':';
  std::size_t col = out.size();
  std::size_t i = 0;
  while (i < value.size()) {
    // The next word with the white space before it.
    std::size_t j = i;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    while (j < value.size() && value[j] != ' ' && value[j] != '\t') ++j;
    auto piece = value.substr(i, j - i);
    const bool lead_space = piece.front() == ' ' || piece.front() == '\t';
    if (i == 0 && !lead_space) {
      out += ' ';
      ++col;
    }
    if (i > 0 && lead_space && col + piece.size() > width) {  // RFC 5322 §2.2.3
      out += "\r\n";
      col = 0;
    }
    out += piece;
    col += piece.size();
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
