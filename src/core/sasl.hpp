// SASL mechanisms the mail servers (SMTP, POP3, IMAP) share on the server side: PLAIN (RFC 4616)
// and LOGIN (draft-murchison-sasl-login, what Outlook-era clients use). Responses arrive
// base64-encoded (RFC 4954 §4, RFC 5034 §4, RFC 9051 §6.2.2); "*" cancels.
// SCRAM-SHA-256 is core/scram.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace l7 {

struct plain_credentials {
  std::string authzid;  // empty, or the identity to act as
  std::string authcid;
  std::string password;
};

// Decodes a PLAIN response (base64 of authzid NUL authcid NUL passwd). nullopt when it is not
// base64, has not exactly two NULs, or an empty authcid or password.
std::optional<plain_credentials> decode_plain(std::string_view base64);

// One LOGIN step's response, base64-decoded; nullopt when it is not base64.
std::optional<std::string> decode_login_step(std::string_view base64);
// The challenges of LOGIN, already base64-encoded ("Username:", "Password:").
inline constexpr std::string_view login_user_challenge = "VXNlcm5hbWU6";
inline constexpr std::string_view login_password_challenge = "UGFzc3dvcmQ6";

}  // namespace l7
