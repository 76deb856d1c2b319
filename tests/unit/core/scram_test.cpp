#include "core/scram.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/base64.hpp"
#include "core/saslprep.hpp"

namespace {

using namespace l7;

// RFC 7677 §3: user "user", password "pencil".
constexpr std::string_view client_nonce = "rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view server_nonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view rfc_client_first = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view rfc_server_first =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view rfc_client_final =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view rfc_server_final = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

scram::keys rfc_keys() { return scram::derive_keys("pencil", *base64_decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096); }

std::string v(std::error_code ec) { return std::string(scram::server_error_value(ec)); }

TEST(scram, rfc7677_server_side) {
  scram::server s;
  ASSERT_FALSE(s.client_first(rfc_client_first));
  EXPECT_EQ(s.user(), "user");
  EXPECT_EQ(s.server_first(rfc_keys(), server_nonce), rfc_server_first);
  std::string final_message;
  ASSERT_FALSE(s.client_final(rfc_client_final, final_message));
  EXPECT_EQ(final_message, rfc_server_final);
  EXPECT_TRUE(s.authenticated());
}

TEST(scram, rfc7677_client_side) {
  scram::client c("user", "pencil");
  std::string first, final_message;
  ASSERT_FALSE(c.first(first, client_nonce));
  EXPECT_EQ(first, rfc_client_first);
  ASSERT_FALSE(c.server_first(rfc_server_first, final_message));
  EXPECT_EQ(final_message, rfc_client_final);
  EXPECT_FALSE(c.server_final(rfc_server_final));
}

TEST(scram, client_rejects_a_wrong_server_signature_and_reports_e) {
  {
    scram::client c("user", "pencil");
    std::string first, final_message;
    ASSERT_FALSE(c.first(first, client_nonce));
    ASSERT_FALSE(c.server_first(rfc_server_first, final_message));
    EXPECT_EQ(c.server_final("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), scram::error::bad_server_signature);
  }
  {
    scram::client c("user", "pencil");
    std::string first, final_message;
    ASSERT_FALSE(c.first(first, client_nonce));
    ASSERT_FALSE(c.server_first(rfc_server_first, final_message));
    EXPECT_EQ(c.server_final("e=invalid-proof"), scram::error::server_error);
    EXPECT_EQ(c.server_error_text(), "invalid-proof");
  }
}

TEST(scram, our_client_and_server_agree_with_random_nonces) {
  const auto k = scram::derive_keys("p\xC3\xA4ss w,=rd", "0123456789abcdef", 4096);
  scram::client c("a,b=c", "p\xC3\xA4ss w,=rd");
  scram::server s;
  std::string m1, m3, m4;
  ASSERT_FALSE(c.first(m1));
  EXPECT_EQ(m1.substr(0, 15), "n,,n=a=2Cb=3Dc,");
  ASSERT_FALSE(s.client_first(m1));
  EXPECT_EQ(s.user(), "a,b=c");
  const auto m2 = s.server_first(k);
  ASSERT_FALSE(c.server_first(m2, m3));
  ASSERT_FALSE(s.client_final(m3, m4));
  EXPECT_FALSE(c.server_final(m4));
}

TEST(scram, wrong_password_is_invalid_proof) {
  scram::client c("user", "pencil2");
  scram::server s;
  std::string m1, m3, m4;
  ASSERT_FALSE(c.first(m1));
  ASSERT_FALSE(s.client_first(m1));
  ASSERT_FALSE(c.server_first(s.server_first(rfc_keys()), m3));
  const auto ec = s.client_final(m3, m4);
  EXPECT_EQ(ec, scram::error::invalid_proof);
  EXPECT_EQ(m4, "e=invalid-proof");
  EXPECT_FALSE(s.authenticated());
}

std::error_code first_error(std::string_view message) {
  scram::server s;
  return s.client_first(message);
}

TEST(scram, malformed_client_first) {
  using scram::error;
  EXPECT_FALSE(first_error("y,,n=user,r=abc"));  // y: client can bind, thinks we cannot (right)
  EXPECT_FALSE(first_error("n,a=user,n=user,r=abc"));
  EXPECT_FALSE(first_error("n,,n=user,r=abc,x=extension"));
  EXPECT_EQ(first_error("p=tls-unique,,n=user,r=abc"), error::channel_binding_not_supported);
  EXPECT_EQ(first_error("p=tls-server-end-point,,n=user,r=abc"), error::channel_binding_not_supported);
  EXPECT_EQ(first_error("p=,,n=user,r=abc"), error::invalid_encoding);
  EXPECT_EQ(first_error("p=a b,,n=user,r=abc"), error::invalid_encoding);
  EXPECT_EQ(first_error("n,a=other,n=user,r=abc"), error::other_error);  // authzid must be authcid
  EXPECT_EQ(first_error("n,,m=ext,n=user,r=abc"), error::extensions_not_supported);
  EXPECT_EQ(first_error("n,,n=us=2Xer,r=abc"), error::invalid_encoding);
  EXPECT_EQ(first_error("n,,n=us=2,r=abc"), error::invalid_encoding);
  EXPECT_EQ(first_error("n,,n=user\x01,r=abc"), error::invalid_username_encoding);  // SASLprep C.2.1
  EXPECT_EQ(first_error("n,,n=\xC2\xAD,r=abc"), error::invalid_username_encoding);  // maps to nothing
  for (std::string_view bad : {
           "", "n", "n,", "n,,", "x,,n=user,r=abc", "N,,n=user,r=abc", "n,,r=abc,n=user", "n,,n=user",
           "n,,n=user,r=", "n,,n=,r=abc", "n,,n=user,r=a,bc", "n,,n=user,r=a b", "n,,n=user,r=abc,",
           "n,,n=user,r=abc,1=x", "n,,n=user,r=abc,x=", "n,b=user,n=user,r=abc", "n,a=,n=user,r=abc",
           " n,,n=user,r=abc", "n,,n=user,r=abc\xFF", "n,,n=user,x=1,r=abc"})
    EXPECT_EQ(first_error(bad), error::invalid_encoding) << bad;
  EXPECT_EQ(first_error(std::string("n,,n=us\0er,r=abc", 16)), error::invalid_encoding);
  EXPECT_EQ(first_error("n,,n=user,r=" + std::string(300, 'a')), error::invalid_encoding);
}

// Runs the RFC exchange up to client_final with `message` instead of the client's.
std::pair<std::error_code, std::string> final_error(std::string_view message,
                                                    std::string_view first = rfc_client_first) {
  scram::server s;
  EXPECT_FALSE(s.client_first(first));
  s.server_first(rfc_keys(), server_nonce);
  std::string out;
  auto ec = s.client_final(message, out);
  EXPECT_FALSE(s.authenticated());
  return {ec, out};
}

TEST(scram, malformed_client_final) {
  using scram::error;
  const std::string nonce = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  const std::string proof = "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  // "y,," binds as eSws, not biws: the header is part of what is signed.
  EXPECT_EQ(final_error("c=eSws," + nonce + "," + proof).first, error::channel_bindings_dont_match);
  EXPECT_EQ(final_error("c=biws," + nonce + "," + proof, "y,,n=user,r=rOprNGfwEbeRWgbNEkqO").first,
            error::channel_bindings_dont_match);
  EXPECT_EQ(final_error("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1," + proof).first,
            error::other_error);
  EXPECT_EQ(final_error("c=biws," + nonce + ",p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVU=").first,
            error::invalid_proof);
  EXPECT_EQ(final_error("c=biws," + nonce + ",p=AAAA").first, error::invalid_proof);
  // An extension changes the signed message, so the RFC's proof no longer fits.
  EXPECT_EQ(final_error("c=biws," + nonce + ",x=1," + proof).first, error::invalid_proof);
  for (const std::string& bad : std::initializer_list<std::string>{
           std::string(), "c=biws," + nonce, "c=biws," + proof, nonce + ",c=biws," + proof,
           "c=biws," + proof + "," + nonce, "c=bi*s," + nonce + "," + proof, "c=biws," + nonce + ",p=dHzb*",
           "c=biws," + nonce + ",," + proof, "c=biws," + nonce + "," + proof + ",", "c=biws," + nonce + ",p=",
           "c=biws," + nonce + ",1=x," + proof, "C=biws," + nonce + "," + proof})
    EXPECT_EQ(final_error(bad).first, error::invalid_encoding) << bad;
  EXPECT_EQ(final_error("c=biws," + nonce).second, "e=invalid-encoding");
}

TEST(scram, the_server_keeps_one_exchange_only) {
  scram::server s;
  EXPECT_THROW(s.server_first(rfc_keys(), server_nonce), std::logic_error);
  ASSERT_FALSE(s.client_first(rfc_client_first));
  EXPECT_THROW((void)s.client_first(rfc_client_first), std::logic_error);
  s.server_first(rfc_keys(), server_nonce);
  std::string out;
  ASSERT_FALSE(s.client_final(rfc_client_final, out));
  EXPECT_THROW((void)s.client_final(rfc_client_final, out), std::logic_error);
  scram::server failed;
  EXPECT_TRUE(failed.client_first("garbage"));
  EXPECT_THROW(failed.server_first(rfc_keys(), server_nonce), std::logic_error);
}

std::error_code client_error(std::string_view server_first) {
  scram::client c("user", "pencil");
  std::string first, final_message;
  EXPECT_FALSE(c.first(first, client_nonce));
  return c.server_first(server_first, final_message);
}

TEST(scram, client_checks_the_server_first_message) {
  using scram::error;
  const std::string n = "r=rOprNGfwEbeRWgbNEkqOxyz";
  EXPECT_FALSE(client_error(n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,x=ext"));
  EXPECT_EQ(client_error(n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4095"), error::bad_iteration_count);
  EXPECT_EQ(client_error(n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1000001"), error::bad_iteration_count);
  EXPECT_EQ(client_error(n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999999999999"), error::bad_server_message);
  EXPECT_EQ(client_error("m=x," + n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"), error::extensions_not_supported);
  for (const std::string& bad : std::initializer_list<std::string>{
           std::string(), "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",  // no server part
           "r=XOprNGfwEbeRWgbNEkqOxyz,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",              // not our nonce
           n + ",s=,i=4096", n + ",s=W22*,i=4096", n + ",i=4096,s=W22ZaJ0SNY7soEsUEjb6gQ==",
           n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=04096", n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1",
           n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x", n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==",
           n + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,", "e=other-error"})
    EXPECT_EQ(client_error(bad), error::bad_server_message) << bad;
}

TEST(scram, client_checks_the_server_final_message) {
  auto final_error_of = [](std::string_view message) {
    scram::client c("user", "pencil");
    std::string first, final_message;
    EXPECT_FALSE(c.first(first, client_nonce));
    EXPECT_FALSE(c.server_first(rfc_server_first, final_message));
    return c.server_final(message);
  };
  EXPECT_FALSE(final_error_of(std::string(rfc_server_final) + ",x=ext"));
  for (std::string_view bad : {"", "v=", "v=*", "x=1", "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=,"})
    EXPECT_EQ(final_error_of(bad), scram::error::bad_server_message) << bad;
}

TEST(scram, client_refuses_credentials_saslprep_rejects) {
  std::string first;
  scram::client control("user", "pass\x07word");
  EXPECT_EQ(control.first(first), scram::error::unusable_credentials);
  scram::client empty("", "pencil");
  EXPECT_EQ(empty.first(first), scram::error::unusable_credentials);
}

TEST(scram, error_values_are_rfc5802_section7) {
  EXPECT_EQ(v(scram::error::invalid_proof), "invalid-proof");
  EXPECT_EQ(v(scram::error::channel_binding_not_supported), "channel-binding-not-supported");
  EXPECT_EQ(v(scram::error::invalid_username_encoding), "invalid-username-encoding");
  EXPECT_EQ(v(std::make_error_code(std::errc::io_error)), "other-error");
}

TEST(saslprep, maps_and_prohibits) {
  EXPECT_EQ(saslprep("user"), "user");
  EXPECT_EQ(saslprep("I\xC2\xADX"), "IX");            // RFC 4013 §3: SOFT HYPHEN mapped to nothing
  EXPECT_EQ(saslprep("a\xC2\xA0" "b"), "a b");        // NO-BREAK SPACE to SPACE
  EXPECT_EQ(saslprep("\xE2\x80\x83x"), " x");         // EM SPACE
  EXPECT_EQ(saslprep("\xC3\xA4"), "\xC3\xA4");        // non-ASCII letters pass (no NFKC: the gap)
  EXPECT_FALSE(saslprep("\x07"));                     // RFC 4013 §3: BEL prohibited
  EXPECT_FALSE(saslprep("a\x7F"));
  EXPECT_FALSE(saslprep("a\xC2\x85"));                // C.2.2 NEL
  EXPECT_FALSE(saslprep("\xEE\x80\x80"));             // C.3 U+E000
  EXPECT_FALSE(saslprep("\xEF\xBF\xBE"));             // C.4 U+FFFE
  EXPECT_FALSE(saslprep("\xF3\xA0\x80\x81"));         // C.9 U+E0001
  EXPECT_FALSE(saslprep("\xE2\x80\x8E"));             // C.8 LRM
  EXPECT_FALSE(saslprep("\xFF"));                     // not UTF-8
  EXPECT_FALSE(saslprep("\xED\xA0\x80"));             // surrogate
  EXPECT_FALSE(saslprep(""));
  EXPECT_FALSE(saslprep("\xC2\xAD"));                 // prepares to nothing
}

}  // namespace
