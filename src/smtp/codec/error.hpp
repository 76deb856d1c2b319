// Errors of the SMTP codec. Each names the reply a server gives for it (RFC 5321 §4.2.3,
// RFC 3463 enhanced codes); reply_for() has the mapping.
#pragma once

#include <system_error>

namespace l7::smtp {

enum class error {
  syntax = 1,          // 500 5.5.2: a command that cannot be parsed at all
  line_too_long,       // 500 5.5.6: a command line over the limit (RFC 5321 §4.5.3.1.4)
  bad_arguments,       // 501 5.5.4: the arguments of a known command are malformed
  bad_address,         // 501 5.1.3 (MAIL FROM) / 5.1.3 (RCPT TO): a path that is not RFC 5321 §4.1.2
  address_too_long,    // 501 5.1.3: local part over 64, domain over 255, path over 256 (§4.5.3.1)
  unknown_parameter,   // 555 5.5.4: a MAIL/RCPT parameter not offered (RFC 5321 §4.1.1.11)
  bad_parameter,       // 501 5.5.4: an offered parameter with a bad value
  utf8_not_allowed,    // 553 5.6.7: a UTF-8 address without SMTPUTF8 (RFC 6531 §3.7.4.1)
  message_too_large,   // 552 5.3.4: over the SIZE limit (RFC 1870 §6)
  bad_base64,          // 501 5.5.2: a SASL response that is not base64 (RFC 4954 §4)
};

const std::error_category& category();
inline std::error_code make_error_code(error e) { return {static_cast<int>(e), category()}; }

}  // namespace l7::smtp

template <>
struct std::is_error_code_enum<l7::smtp::error> : std::true_type {};
