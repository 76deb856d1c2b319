// Errors of the mail store (l7::mail). Every store operation reports expected failures as a
// std::error_code of this category; nothing throws for them. System errors from file
// operations are mapped to store_error::io (the detail is logged on the "mail" logger).
#pragma once

#include <system_error>

namespace l7::mail {

enum class store_error {
  no_such_folder = 1,  // IMAP NO [NONEXISTENT] (RFC 5530 §3)
  folder_exists,       // IMAP NO [ALREADYEXISTS]
  invalid_name,        // bad user or folder name, or an operation INBOX does not allow
  has_children,        // DELETE of a folder that has inferior folders (not supported)
  quota_exceeded,      // IMAP NO [OVERQUOTA] (RFC 9208 §4.3), SMTP 552 (RFC 5321 §4.5.3.1.10)
  no_such_message,     // UID not (or no longer) in the folder
  io,                  // a file or directory operation failed
  corrupt,             // the index cannot be read; it is rebuilt on the next open
};

const std::error_category& store_category();
std::error_code make_error_code(store_error e);

}  // namespace l7::mail

template <>
struct std::is_error_code_enum<l7::mail::store_error> : std::true_type {};
