// libFuzzer target: the SCRAM-SHA-256 message parsers (core/scram.hpp), both roles.
// The first byte picks the role; the rest is split at the first '\n' into two messages.
//  0: server: client-first, then (if taken) server-first with fixed keys, then client-final.
//     A failure always comes with an "e=" message, success only with a right proof.
//  1: client: server-first and server-final after a fixed client-first.
//  2: round trip: a client with the input as user name and password; whatever client-first it
//     sends, the server must take it and name the same (SASLprepped) user.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/saslprep.hpp"
#include "core/scram.hpp"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "scram fuzz: %s\n", what);
    std::abort();
  }
}

const l7::scram::keys& fixed_keys() {
  static const auto k = l7::scram::derive_keys("pencil", "salt of the fuzz target", l7::scram::min_iterations);
  return k;
}

void server_role(std::string_view first, std::string_view final_message) {
  l7::scram::server s;
  if (s.client_first(first)) return;
  check(!s.user().empty(), "empty user after client-first");
  const auto server_first = s.server_first(fixed_keys(), "fuzznonce");
  check(server_first.starts_with("r="), "server-first without nonce");
  std::string out;
  const auto ec = s.client_final(final_message, out);
  check(ec ? out.starts_with("e=") : out.starts_with("v="), "final message does not match the outcome");
  check(s.authenticated() == !ec, "authenticated() does not match the outcome");
}

void client_role(std::string_view server_first, std::string_view server_final) {
  l7::scram::client c("user", "pencil");
  std::string first, final_message;
  check(!c.first(first, "rOprNGfwEbeRWgbNEkqO"), "client-first failed");
  if (c.server_first(server_first, final_message)) return;
  check(final_message.starts_with("c=biws,r=rOprNGfwEbeRWgbNEkqO"), "client-final shape");
  (void)c.server_final(server_final);
}

void round_trip(std::string_view user, std::string_view password) {
  l7::scram::client c(user, password);
  std::string first;
  if (c.first(first, "nonce")) {
    check(!l7::saslprep(user) || !l7::saslprep(password), "client refused preparable credentials");
    return;
  }
  l7::scram::server s;
  const auto ec = s.client_first(first);
  if (first.size() > 4096) return;  // over the server's message limit
  check(!ec, "server refused our client's first message");
  check(s.user() == *l7::saslprep(user), "server saw another user name");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto nl = in.find('\n');
  const auto a = in.substr(0, nl);
  const auto b = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
  switch (data[0] % 3) {
    case 0: server_role(a, b); break;
    case 1: client_role(a, b); break;
    default: round_trip(a, b); break;
  }
  return 0;
}
