#include "smtp/relay/dsn.hpp"

#include <algorithm>
#include <cctype>

#include "mail/codec/date.hpp"
#include "smtp/codec/command.hpp"

namespace l7::smtp::relay {

namespace {

// The header section of a CRLF message, ending with its blank line (or all of it).
std::string_view header_section(std::string_view m) {
  if (m.starts_with("\r\n")) return m.substr(0, 2);
  const auto end = m.find("\r\n\r\n");
  return end == std::string_view::npos ? m : m.substr(0, end + 4);
}

// An address as a DSN field value: "rfc822;" or, for non-ASCII, "utf-8;" (RFC 6533 §3).
std::string typed_address(std::string_view a) {
  const bool ascii = std::all_of(a.begin(), a.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return std::string(ascii ? "rfc822; " : "utf-8; ") + std::string(a);
}

std::string one_line(std::string_view s) {
  std::string out;
  for (char c : s) out += (c == '\r' || c == '\n') ? ' ' : c;
  return out;
}

}  // namespace

bool wants_dsn(const queued_recipient& r, dsn_action action) {
  if (r.notify == 0) return action == dsn_action::failed;
  if (r.notify & notify_never) return false;
  switch (action) {
    case dsn_action::failed: return (r.notify & notify_failure) != 0;
    case dsn_action::delayed: return (r.notify & notify_delay) != 0;
    case dsn_action::relayed: return (r.notify & notify_success) != 0;
  }
  return false;
}

std::string build_dsn(const dsn_request& r) {
  const auto& e = *r.entry;
  const bool global = e.smtputf8;
  const bool failed = r.action == dsn_action::failed;
  const bool relayed = r.action == dsn_action::relayed;
  const bool headers_only = e.ret == "HDRS" || r.original.size() > r.full_limit;
  const std::string b = r.boundary;
  std::string m;
  m += "From: Mail Delivery System <MAILER-DAEMON@" + r.reporting_mta + ">\r\n";
  m += "To: <" + e.from + ">\r\n";
  m += std::string("Subject: ") +
       (failed    ? "Undelivered Mail Returned to Sender"
        : relayed ? "Successful Mail Delivery Report"
                  : "Delayed Mail (still being retried)") +
       "\r\n";
  m += "Date: " + mail::format_date_time(r.now) + "\r\n";
  m += "Message-ID: <" + e.id + "." + std::to_string(r.now) + "@" + r.reporting_mta + ">\r\n";
  m += "Auto-Submitted: auto-replied\r\n";  // RFC 3834 §5
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/report; report-type=" +
       std::string(global ? "global-delivery-status" : "delivery-status") + ";\r\n\tboundary=\"" + b + "\"\r\n";
  m += "\r\nThis is a MIME-encapsulated delivery status notification.\r\n";

  // 1. For people.
  m += "\r\n--" + b + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  m += "This is the mail system at " + r.reporting_mta + ".\r\n\r\n";
  if (failed) {
    m += "Your message could not be delivered to one or more recipients. It is attached below.\r\n";
  } else if (relayed) {
    m += "Your message was relayed to the following recipients' mail systems, which do not send\r\n"
         "delivery notifications: this is the last one you will get about it.\r\n";
  } else {
    m += "Your message has not been delivered yet to one or more recipients. The mail system\r\n"
         "will keep trying; you do not need to send it again.\r\n";
  }
  m += "\r\n";
  for (const auto* rc : r.recipients) {
    m += "<" + rc->address + ">";
    if (!rc->remote.empty()) m += ": host " + one_line(rc->remote) + " said";
    m += ":\r\n    " + one_line(rc->diagnostic) + "\r\n\r\n";
  }

  // 2. For programs (RFC 3464 §2.2 per-message, §2.3 per-recipient fields).
  m += "--" + b + "\r\n";
  m += std::string("Content-Type: ") + (global ? "message/global-delivery-status" : "message/delivery-status") +
       "\r\n\r\n";
  m += "Reporting-MTA: dns; " + r.reporting_mta + "\r\n";
  m += "X-L7-Queue-ID: " + e.id + "\r\n";
  if (!e.envid.empty()) m += "Original-Envelope-Id: " + one_line(e.envid) + "\r\n";
  m += "Arrival-Date: " + mail::format_date_time(e.arrival) + "\r\n";
  for (const auto* rc : r.recipients) {
    m += "\r\n";
    if (!rc->orcpt.empty()) {
      // ORCPT is kept as "addr-type;address" (RFC 3461 §4.2), shown with a space after ';'.
      const auto semi = rc->orcpt.find(';');
      m += "Original-Recipient: " +
           (semi == std::string::npos ? one_line(rc->orcpt)
                                      : one_line(rc->orcpt.substr(0, semi)) + "; " + one_line(rc->orcpt.substr(semi + 1))) +
           "\r\n";
    }
    m += "Final-Recipient: " + typed_address(rc->address) + "\r\n";
    m += std::string("Action: ") + (failed ? "failed" : relayed ? "relayed" : "delayed") + "\r\n";
    std::string status = rc->status.empty() ? (failed ? "5.0.0" : relayed ? "2.0.0" : "4.0.0") : rc->status;
    m += "Status: " + status + "\r\n";
    if (!rc->remote.empty()) {
      auto host = rc->remote.substr(0, rc->remote.find('['));
      m += "Remote-MTA: dns; " + one_line(host) + "\r\n";
    }
    if (!rc->diagnostic.empty()) {
      // A reply from the remote server is an "smtp" diagnostic; our own findings are "x-l7".
      const bool smtp_reply = rc->diagnostic.size() >= 3 && std::isdigit(static_cast<unsigned char>(rc->diagnostic[0]));
      m += std::string("Diagnostic-Code: ") + (smtp_reply ? "smtp; " : "x-l7; ") + one_line(rc->diagnostic) + "\r\n";
    }
    m += "Last-Attempt-Date: " + mail::format_date_time(r.now) + "\r\n";
  }

  // 3. The original, or its header section.
  m += "\r\n--" + b + "\r\n";
  if (headers_only) {
    m += std::string("Content-Type: ") + (global ? "message/global-headers" : "text/rfc822-headers") + "\r\n\r\n";
    m += header_section(r.original);
  } else {
    m += std::string("Content-Type: ") + (global ? "message/global" : "message/rfc822") + "\r\n\r\n";
    m += r.original;
    if (!r.original.ends_with("\r\n")) m += "\r\n";
  }
  m += "\r\n--" + b + "--\r\n";
  return m;
}

}  // namespace l7::smtp::relay
