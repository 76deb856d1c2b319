// What FETCH and SEARCH know about one message while answering: its store record, and its
// bytes and MIME tree, loaded only when an item or key needs them (sans-I/O: the caller loads
// the bytes and calls set_content). Used on the thread pool, one message at a time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "imap/codec/types.hpp"
#include "mail/codec/mime.hpp"
#include "mail/store/folder.hpp"

namespace l7::imap::server {

enum class content_need { none, header, full };

struct message_data {
  const mail::message_record* record = nullptr;
  std::uint32_t seq = 0;
  std::string content;     // the whole message, or its header section (need == header)
  mail::mime_message mime;
  bool loaded = false;

  // Gives `content` CRLF line ends (a Maildir file another program wrote may have bare LFs;
  // IMAP sends CRLF, RFC 9051 §2.2) and parses it. Call after filling `content`.
  void parse();
};

// Bare LFs become CRLF; nothing is copied when there is none.
void crlf_line_ends(std::string& text);

// How much of a message the FETCH items need: none (flags, dates, sizes), header (ENVELOPE,
// RFC822.HEADER, BODY[HEADER...] of the message itself) or full.
content_need fetch_need(const std::vector<fetch_att>& items);
// Whether FETCH sets \Seen (RFC 9051 §6.4.5: BODY[...] without .PEEK, BINARY[...], RFC822,
// RFC822.TEXT).
bool fetch_sets_seen(const std::vector<fetch_att>& items);

struct fetch_options {
  bool utf8 = false;        // UTF8=ACCEPT / IMAP4rev2: raw UTF-8 quoted
  bool add_uid = false;     // UID FETCH, or QRESYNC: UID always
  bool add_flags = false;   // \Seen was just set: FLAGS even if not asked (§6.4.5)
  bool add_modseq = false;  // CHANGEDSINCE (RFC 7162 §3.1.4.1)
};

// "* seq FETCH (...)\r\n" for one message. `m.content` must be loaded when fetch_need() says
// so. Literals carry message bytes; BINARY of content with NUL goes as literal8 (RFC 3516).
void write_fetch(std::string& out, message_data& m, const std::vector<fetch_att>& items, const fetch_options& o);

}  // namespace l7::imap::server
