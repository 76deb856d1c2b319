// A small RFC 5322 + MIME message writer: for `l7 mail send`, bounces (RFC 3464
// multipart/report, built from make_multipart and parts with given headers) and tests.
// No clock and no randomness: the date, the Message-ID and a unique boundary seed come in as
// arguments. Output uses CRLF line breaks; header fields are folded at white space to stay within
// 78 columns where possible (RFC 5322 §2.1.1, §2.2.3); non-ASCII header text becomes RFC 2047
// encoded words unless `smtputf8` (RFC 6532, when the SMTP peer offered SMTPUTF8).
// Preconditions: header names are field names (RFC 5322 §3.6.8); values carry no CR or LF.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace l7::mail {

using header_list = std::vector<std::pair<std::string, std::string>>;

// One MIME entity: its header fields (values as they go on the wire, before folding) and its
// body, already in its transfer encoding with CRLF line breaks.
struct mime_entity {
  header_list headers;
  std::string body;
};

// text/plain or text/html in UTF-8: 7bit if the text is ASCII with short lines, else
// quoted-printable (RFC 2045 §6.7). Line breaks become CRLF.
mime_entity make_text_part(std::string_view text, std::string_view subtype = "plain");
// An attachment: base64 in 76-column lines, Content-Disposition: attachment with the filename
// (RFC 2183, RFC 2231 for non-ASCII names).
mime_entity make_attachment(std::string_view filename, std::string_view content_type,
                            std::string_view data);
// multipart/<subtype> (RFC 2046 §5.1) of `parts`, delimited by `boundary`, or by `boundary`
// plus ".1", ".2", ... if it occurs in a part (one starting "=_" cannot occur in base64 or
// quoted-printable text, so it is rarely extended). `params` are extra Content-Type
// parameters, e.g. {"report-type", "delivery-status"} for RFC 3464.
mime_entity make_multipart(std::string_view subtype, const std::vector<mime_entity>& parts,
                           std::string_view boundary, const header_list& params = {});

// "Name: value" folded at white space to lines of at most `width` columns where the words allow
// (a longer word stays whole), ending in CRLF.
std::string fold_header(std::string_view name, std::string_view value, std::size_t width = 78);

// A whole message: `headers` (From, To, ... as given), MIME-Version: 1.0, then `content`'s
// header fields and body.
std::string write_entity(const header_list& headers, const mime_entity& content);

struct mailbox_spec {
  std::string name;     // UTF-8 display name, may be empty
  std::string address;  // addr-spec
};

struct attachment_spec {
  std::string filename;
  std::string content_type = "application/octet-stream";
  std::string data;
};

struct message_spec {
  mailbox_spec from;
  std::vector<mailbox_spec> to, cc;
  std::string subject;  // UTF-8
  std::int64_t date = 0;  // seconds since the epoch (UTC)
  int date_offset_minutes = 0;
  std::string message_id;  // without angle brackets; empty: no Message-ID field
  header_list extra_headers;  // e.g. In-Reply-To, Auto-Submitted; values as given
  std::string text;
  std::optional<std::string> html;  // adds a multipart/alternative
  std::vector<attachment_spec> attachments;  // adds a multipart/mixed
  std::string boundary_seed = "l7";  // unique per message: boundaries are "=_<seed>_<n>"
  bool smtputf8 = false;
};

std::string write_message(const message_spec& spec);

}  // namespace l7::mail
