// What the REST API tells about one captured message, built with the mail codec (headers,
// addresses, RFC 2047 words, MIME tree, transfer and charset decoding) from the bytes as
// stored and the store's record (UID, size, internal date, and the capture meta JSON the SMTP
// server wrote: envelope and transcript).
//
// Pure functions, no I/O: callers read the message (on a thread pool) and pass its bytes.
// Hostile input never throws: a message the codec cannot fully parse gives what it could.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mail/store/folder.hpp"

namespace l7::mail::web {

struct mailbox_view {
  std::string name;     // display name, RFC 2047 decoded to UTF-8
  std::string address;  // addr-spec
};

// A list item; also what the filters of the list and of wait look at.
struct message_summary {
  std::uint32_t id = 0;  // the UID in the capture folder
  std::string message_id;
  mailbox_view from;
  std::vector<mailbox_view> to, cc;
  std::string subject;
  std::optional<std::int64_t> date;  // the Date header, seconds since the epoch (UTC)
  std::uint64_t size = 0;
  time_point created;
  std::string mail_from;              // envelope (RFC 5321 MAIL FROM), from the capture meta
  std::vector<std::string> rcpt_to;   // envelope RCPT TO
  std::size_t attachments = 0;
};

message_summary summarize(const message_record& record, std::string_view raw);
nlohmann::json summary_json(const message_summary& s);

// The whole view: the summary plus decoded headers, text and HTML bodies, attachments (with
// their part numbers for /parts/{part}), envelope and SMTP transcript.
nlohmann::json detail_json(const message_record& record, std::string_view raw);

// One part by its IMAP-style number ("2", "1.3"), transfer-decoded.
struct part_content {
  std::string content_type;  // "image/png" plus a charset for text
  std::string filename;      // may be empty
  std::string body;
};
std::optional<part_content> find_part(std::string_view raw, std::string_view number);

// The HTML body shown in the inbox (UTF-8), if the message has one.
std::optional<std::string> html_body(std::string_view raw);

// "2026-12-07T15:04:05Z".
std::string iso_time(std::int64_t seconds);

}  // namespace l7::mail::web
