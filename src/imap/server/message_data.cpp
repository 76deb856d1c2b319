#include "imap/server/message_data.hpp"

#include <algorithm>
#include <chrono>

#include "imap/codec/encode.hpp"
#include "imap/codec/envelope.hpp"
#include "imap/codec/section.hpp"

namespace l7::imap::server {
namespace {

using kind = fetch_att::kind;

bool header_section(const section& s) {
  return s.part.empty() && (s.text == section::text_kind::header || s.text == section::text_kind::header_fields ||
                            s.text == section::text_kind::header_fields_not);
}

void append_literal(std::string& out, std::string_view data) {
  out += '{';
  out += std::to_string(data.size());
  out += "}\r\n";
  out += data;
}

std::int64_t unix_seconds(mail::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

void crlf_line_ends(std::string& text) {
  std::size_t bare = 0;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) ++bare;
  if (bare == 0) return;
  std::string out;
  out.reserve(text.size() + bare);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  text = std::move(out);
}

void message_data::parse() {
  crlf_line_ends(content);
  std::error_code ec;  // limits reached: what was parsed is still used (a lenient view)
  mime = mail::parse_mime(content, mail::mime_limits{}, ec);
  loaded = true;
}

content_need fetch_need(const std::vector<fetch_att>& items) {
  content_need need = content_need::none;
  for (const auto& a : items) {
    switch (a.type) {
      case kind::envelope:
      case kind::rfc822_header: need = std::max(need, content_need::header); break;
      case kind::body_section:
        need = std::max(need, header_section(a.section) ? content_need::header : content_need::full);
        break;
      case kind::body_structure:
      case kind::body:
      case kind::binary:
      case kind::binary_size:
      case kind::rfc822:
      case kind::rfc822_text: need = content_need::full; break;
      default: break;
    }
  }
  return need;
}

bool fetch_sets_seen(const std::vector<fetch_att>& items) {
  return std::any_of(items.begin(), items.end(), [](const fetch_att& a) {
    return ((a.type == kind::body_section || a.type == kind::binary) && !a.peek) || a.type == kind::rfc822 ||
           a.type == kind::rfc822_text;
  });
}

void write_fetch(std::string& out, message_data& m, const std::vector<fetch_att>& items, const fetch_options& o) {
  const auto& r = *m.record;
  out += "* ";
  out += std::to_string(m.seq);
  out += " FETCH (";
  bool first = true;
  auto sep = [&] {
    if (!first) out += ' ';
    first = false;
  };
  const bool has_uid = std::any_of(items.begin(), items.end(), [](const fetch_att& a) { return a.type == kind::uid; });
  const bool has_flags = std::any_of(items.begin(), items.end(), [](const fetch_att& a) { return a.type == kind::flags; });
  const bool has_modseq = std::any_of(items.begin(), items.end(), [](const fetch_att& a) { return a.type == kind::modseq; });
  if (o.add_uid && !has_uid) {
    sep();
    out += "UID " + std::to_string(r.uid);
  }
  if (o.add_flags && !has_flags) {  // before any literal, as Dovecot does
    sep();
    out += "FLAGS ";
    append_flag_list(out, r.flags);
  }
  const std::string_view msg = m.content;
  for (const auto& a : items) {
    sep();
    switch (a.type) {
      case kind::uid: out += "UID " + std::to_string(r.uid); break;
      case kind::flags:
        out += "FLAGS ";
        append_flag_list(out, r.flags);
        break;
      case kind::internal_date:
        out += "INTERNALDATE \"" + format_date_time(from_unix(unix_seconds(r.internal_date))) + "\"";
        break;
      case kind::rfc822_size: out += "RFC822.SIZE " + std::to_string(r.size); break;
      case kind::modseq: out += "MODSEQ (" + std::to_string(r.modseq) + ")"; break;
      case kind::envelope:
        out += "ENVELOPE ";
        append_envelope(out, m.mime.parts[0].fields, o.utf8);
        break;
      case kind::body:
      case kind::body_structure:
        out += a.type == kind::body ? "BODY " : "BODYSTRUCTURE ";
        append_body_structure(out, msg, m.mime, 0, a.type == kind::body_structure, o.utf8);
        break;
      case kind::rfc822:
        out += "RFC822 ";
        append_literal(out, msg);
        break;
      case kind::rfc822_header:
        out += "RFC822.HEADER ";
        append_literal(out, m.mime.parts[0].header.in(msg));
        break;
      case kind::rfc822_text:
        out += "RFC822.TEXT ";
        append_literal(out, m.mime.parts[0].body.in(msg));
        break;
      case kind::body_section: {
        out += fetch_response_name(a);
        out += ' ';
        auto data = section_content(msg, m.mime, a.section);
        if (!data) out += "NIL";
        else append_literal(out, apply_partial(*data, a.partial));
        break;
      }
      case kind::binary: {
        out += fetch_response_name(a);
        out += ' ';
        auto data = binary_content(msg, m.mime, a.section);
        if (!data) {
          out += "NIL";
          break;
        }
        auto piece = apply_partial(*data, a.partial);
        if (piece.find('\0') != std::string_view::npos) append_literal8(out, piece);
        else append_literal(out, piece);
        break;
      }
      case kind::binary_size: {
        out += fetch_response_name(a);
        out += ' ';
        auto data = binary_content(msg, m.mime, a.section);
        out += data ? std::to_string(data->size()) : std::string("NIL");
        break;
      }
    }
  }
  if (o.add_modseq && !has_modseq) {
    sep();
    out += "MODSEQ (" + std::to_string(r.modseq) + ")";
  }
  out += ")\r\n";
}

}  // namespace l7::imap::server
