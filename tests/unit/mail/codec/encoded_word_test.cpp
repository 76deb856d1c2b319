// RFC 2047 encoded words: the §8 examples, charsets, leniency, and the encoder's limits.
#include <gtest/gtest.h>

#include "mail/codec/charset.hpp"
#include "mail/codec/encoded_word.hpp"
#include "core/utf8.hpp"

namespace {

using namespace l7::mail;

struct word_case {
  const char* encoded;
  const char* decoded;
};

const word_case word_cases[] = {
    // RFC 2047 §8
    {"=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"},
    {"=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?=", "Keld J\xc3\xb8rn Simonsen"},
    {"=?ISO-8859-1?Q?Andr=E9?= Pirard", "Andr\xc3\xa9 Pirard"},
    {"=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n    "
     "=?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
     "If you can read this you understand the example."},
    {"(=?iso-8859-8?b?7eXs+SDv4SDp7Oj08A==?=)",
     "(\xd7\x9d\xd7\x95\xd7\x9c\xd7\xa9 \xd7\x9f\xd7\x91 \xd7\x99\xd7\x9c\xd7\x98\xd7\xa4\xd7\xa0)"},
    {"(=?ISO-8859-1?Q?a?=)", "(a)"},
    {"(=?ISO-8859-1?Q?a?= b)", "(a b)"},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"},
    {"(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"},
    {"(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"},
    {"(=?ISO-8859-1?Q?a_b?=)", "(a b)"},
    {"(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"},
    // RFC 2231 §5: a language after the charset
    {"=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore"},
    // native single-byte charsets
    {"=?windows-1252?Q?=80_=93quoted=94?=", "\xe2\x82\xac \xe2\x80\x9cquoted\xe2\x80\x9d"},
    {"=?iso-8859-15?Q?=A4=BD?=", "\xe2\x82\xac\xc5\x93"},
    {"=?utf-8?b?w6k=?=", "\xc3\xa9"},
    // a UTF-8 sequence split across two adjacent words survives (joined before conversion)
    {"=?utf-8?Q?=E2=82?= =?utf-8?Q?=AC?=", "\xe2\x82\xac"},
    // lenient: not delimited by white space, lower-case hex, missing base64 padding
    {"Re:=?utf-8?q?caf=c3=a9?=!", "Re:caf\xc3\xa9!"},
    {"=?utf-8?B?w6k?=", "\xc3\xa9"},
    // kept as written: unknown charset, bad encoding letter, spaces inside, unterminated
    {"=?x-unknown-charset?Q?abc?=", "=?x-unknown-charset?Q?abc?="},
    {"=?utf-8?X?abc?=", "=?utf-8?X?abc?="},
    {"=?utf-8?Q?a b?=", "=?utf-8?Q?a b?="},
    {"=?utf-8?Q?abc", "=?utf-8?Q?abc"},
    {"plain text, no words", "plain text, no words"},
    // invalid UTF-8 outside words becomes U+FFFD; inside, too
    {"a\xff" "b", "a\xef\xbf\xbd" "b"},
    {"=?utf-8?Q?=FF?=", "\xef\xbf\xbd"},
};

TEST(mail_encoded_word, decode_table) {
  for (const auto& c : word_cases) EXPECT_EQ(decode_encoded_words(c.encoded), c.decoded) << c.encoded;
}

TEST(mail_encoded_word, charsets) {
  EXPECT_EQ(charset_to_utf8("latin1", "\xe9"), "\xc3\xa9");
  EXPECT_EQ(charset_to_utf8("US-ASCII", "a\x80"), "a\xef\xbf\xbd");
  EXPECT_EQ(charset_to_utf8("cp1252", "\x81"), "\xef\xbf\xbd");
  EXPECT_EQ(charset_to_utf8("KOI8-R", "\xf0\xd2\xc9"), "\xd0\x9f\xd1\x80\xd0\xb8");  // iconv
  EXPECT_EQ(charset_to_utf8("Shift_JIS", "\x82\xa0\xff"), "\xe3\x81\x82\xef\xbf\xbd");
  EXPECT_FALSE(charset_to_utf8("no-such-charset", "x").has_value());
  EXPECT_FALSE(charset_to_utf8("UTF-8//TRANSLIT", "x").has_value());  // options, paths: refused
  EXPECT_FALSE(charset_to_utf8("../../tmp/x", "x").has_value());
  EXPECT_FALSE(charset_to_utf8(std::string(100, 'A'), "x").has_value());
}

TEST(mail_encoded_word, hostile_text_stays_linear) {
  // Many "=?" with no "?=" (or with white space before it): one pass, not one per "=?".
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "=?a?q?x";
  EXPECT_EQ(decode_encoded_words(text), text);
  const auto spaced = text + " ?=";
  EXPECT_EQ(decode_encoded_words(spaced), spaced);
  std::string words, want;
  for (int i = 0; i < 20000; ++i) {
    words += "=?utf-8?q?ab?= ";
    want += "ab";  // §6.2: the space between adjacent words goes
  }
  EXPECT_EQ(decode_encoded_words(words), want + " ");
}

TEST(mail_encoded_word, encode_ascii_is_unchanged) {
  EXPECT_EQ(encode_encoded_words("Saying Hello"), "Saying Hello");
  EXPECT_EQ(encode_encoded_words(""), "");
  // ASCII that would read as an encoded word is encoded (found while writing the fuzz target).
  EXPECT_EQ(decode_encoded_words(encode_encoded_words("=?utf-8?q?x?=")), "=?utf-8?q?x?=");
}

TEST(mail_encoded_word, encode_splits_words_at_75_without_splitting_utf8) {
  const std::string texts[] = {
      "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln, mit vielen Umlauten: \xc3\xa4\xc3\xb6\xc3\xbc "
      "und noch mehr Text, der lang genug ist, um mehrere W\xc3\xb6rter zu brauchen",
      std::string(40, 'x') + "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83"
                             "\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83\xe2\x98\x83",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6\xe5\x90\x8d\xe3\x81\xa7"
      "\xe3\x81\x99\xe3\x80\x82\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe4\xbb\xb6"
      "\xe5\x90\x8d\xe3\x81\xa7\xe3\x81\x99\xe3\x80\x82\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
      "\xf0\x9f\x98\x80 emoji \xf0\x9f\x98\x80",
  };
  for (const auto& t : texts) {
    const auto enc = encode_encoded_words(t);
    std::size_t from = 0;
    while (from < enc.size()) {  // every word is at most 75 characters and decodes alone
      const auto sp = std::min(enc.find(' ', from), enc.size());
      const auto w = enc.substr(from, sp - from);
      EXPECT_LE(w.size(), 75u) << w;
      EXPECT_TRUE(w.starts_with("=?utf-8?") && w.ends_with("?=")) << w;
      EXPECT_TRUE(l7::is_valid_utf8(decode_encoded_words(w))) << w;
      from = sp + 1;
    }
    EXPECT_EQ(decode_encoded_words(enc), t);
  }
}

TEST(mail_encoded_word, encode_is_phrase_safe) {  // RFC 2047 §5 (3)
  const auto enc = encode_encoded_words("caf\xc3\xa9 \"quoted\" (x), <y>; z@w");
  for (char c : std::string("\"(),<>;@")) EXPECT_EQ(enc.find(c), std::string::npos) << c;
  EXPECT_EQ(decode_encoded_words(enc), "caf\xc3\xa9 \"quoted\" (x), <y>; z@w");
}

}  // namespace
