// SMTP commands from the client (RFC 5321 §4.1) with the parameters of the extensions l7
// offers: SIZE (RFC 1870), 8BITMIME and BODY= (RFC 6152, 3030), SMTPUTF8 (RFC 6531), DSN's
// RET/ENVID/NOTIFY/ORCPT (RFC 3461), AUTH= (RFC 4954 §5), CHUNKING's BDAT (RFC 3030).
// Framing lines is core/command_line's job; these functions take the verb's argument (what
// follows "VERB "), and return an smtp::error (see error.hpp) when it does not parse.
// Leniency (what real clients send, as Postfix accepts it): a space after "FROM:"/"TO:", and
// a path without angle brackets when it holds no space.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace l7::smtp {

enum class verb { helo, ehlo, lhlo, mail, rcpt, data, bdat, rset, vrfy, expn, help, noop, quit,
                  starttls, auth, unknown };
verb verb_of(std::string_view upper_case_verb);

// A mailbox (RFC 5321 §4.1.2): local part as sent (a quoted local part keeps its quotes),
// domain or address literal ("[192.0.2.1]", "[IPv6:...]"). Both empty for the null path "<>".
struct mailbox {
  std::string local;
  std::string domain;
  bool empty() const { return local.empty() && domain.empty(); }
  bool has_utf8() const;
  // "local@domain", or "" for the null path.
  std::string text() const;
};

enum class body_type : std::uint8_t { unspecified, seven_bit, eight_bit_mime, binary_mime };
enum class dsn_ret : std::uint8_t { unspecified, full, headers };

struct mail_from {
  mailbox from;                      // empty: the null reverse-path "<>" (bounces)
  std::optional<std::uint64_t> size; // SIZE=
  body_type body = body_type::unspecified;
  bool smtputf8 = false;
  dsn_ret ret = dsn_ret::unspecified;
  std::string envid;  // ENVID=, xtext-decoded
  std::string auth;   // AUTH=, xtext-decoded ("<>" when unknown)
};

// NOTIFY= (RFC 3461 §4.1): NEVER alone, or any of SUCCESS, FAILURE, DELAY.
enum notify_flags : std::uint8_t { notify_none = 0, notify_never = 1, notify_success = 2,
                                   notify_failure = 4, notify_delay = 8 };

struct rcpt_to {
  mailbox to;
  bool postmaster = false;  // "<Postmaster>" without a domain (§4.1.1.3)
  std::uint8_t notify = notify_none;
  std::string orcpt;  // ORCPT= as sent ("rfc822;" + xtext-decoded address)
};

// What the server offers; a parameter it does not offer is unknown_parameter (555).
struct offered {
  bool size = true;
  bool eight_bit = true;
  bool binary = true;  // BINARYMIME (only with CHUNKING)
  bool smtputf8 = true;
  bool dsn = true;
  bool auth = true;
};

// "FROM:<path> [params]". UTF-8 in the address needs SMTPUTF8 among the params.
std::error_code parse_mail_from(std::string_view arg, const offered& o, mail_from& out);
// "TO:<path> [params]"; `utf8`: the transaction's MAIL FROM had SMTPUTF8.
std::error_code parse_rcpt_to(std::string_view arg, const offered& o, bool utf8, rcpt_to& out);
// "chunk-size [LAST]" (RFC 3030 §2).
std::error_code parse_bdat(std::string_view arg, std::uint64_t& size, bool& last);
// "mechanism [initial-response]" (RFC 4954 §4); the mechanism upper-cased, "=" for an empty
// initial response kept as "=".
std::error_code parse_auth(std::string_view arg, std::string& mechanism, std::optional<std::string>& initial);
// A mailbox "local@domain" alone (VRFY, the web API, the client); `utf8` allows UTF-8.
std::error_code parse_mailbox(std::string_view text, bool utf8, mailbox& out);
// The EHLO/HELO argument: a domain or an address literal; lenient (anything without spaces
// and controls), since RFC 5321 §4.1.4 says not to refuse a session for a wrong one.
bool valid_helo(std::string_view arg);

// xtext (RFC 3461 §4): "+XX" hex escapes. nullopt when malformed.
std::optional<std::string> xtext_decode(std::string_view s);
std::string xtext_encode(std::string_view s);

}  // namespace l7::smtp
