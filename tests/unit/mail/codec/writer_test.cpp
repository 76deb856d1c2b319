// The writer: folding, encoded words, the message shapes it builds, read back by the parser.
#include <gtest/gtest.h>

#include "mail/codec/address.hpp"
#include "mail/codec/date.hpp"
#include "mail/codec/encoded_word.hpp"
#include "mail/codec/mime.hpp"
#include "mail/codec/writer.hpp"

namespace {

using namespace l7::mail;

void expect_lines_within(std::string_view text, std::size_t width) {
  std::size_t from = 0;
  while (from < text.size()) {
    const auto eol = text.find("\r\n", from);
    ASSERT_NE(eol, std::string_view::npos);
    EXPECT_LE(eol - from, width) << text.substr(from, eol - from);
    from = eol + 2;
  }
}

TEST(mail_writer, fold_header) {
  EXPECT_EQ(fold_header("Subject", "short"), "Subject: short\r\n");
  const std::string words =
      "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
      "fifteen sixteen seventeen";
  const auto f = fold_header("Subject", words);
  expect_lines_within(f, 78);
  std::error_code ec;
  const auto s = parse_header_section(f + "\r\n", {}, ec);
  EXPECT_EQ(s.value("subject"), words);
  const std::string word(100, 'x');  // a word longer than a line stays whole
  EXPECT_EQ(fold_header("X", word), "X: " + word + "\r\n");
}

message_spec sample_spec() {
  message_spec spec;
  spec.from = {"J\xc3\xb6rg M\xc3\xbcller", "joerg@example.test"};
  spec.to = {{"Mary Smith", "mary@example.net"}, {"", "bob@example.org"}};
  spec.cc = {{"Doe, John", "jdoe@example.org"}};
  spec.subject = "Gr\xc3\xbc\xc3\x9f" "e \xe2\x80\x94 a subject long enough to need more than "
                 "one encoded word and a fold";
  spec.date = 1796653800;
  spec.date_offset_minutes = 60;
  spec.message_id = "1234@example.test";
  spec.text = "Hello,\nthis is the text.\n";
  spec.boundary_seed = "seed";
  return spec;
}

TEST(mail_writer, plain_text_message) {
  const auto spec = sample_spec();
  const auto out = write_message(spec);
  expect_lines_within(out, 78);
  std::error_code ec;
  const auto m = parse_mime(out, {}, ec);
  ASSERT_FALSE(ec);
  const auto& h = m.parts[0].fields;
  EXPECT_EQ(decode_encoded_words(h.value("subject")), spec.subject);
  const auto from = parse_mailboxes(h.value("from"));
  ASSERT_EQ(from.size(), 1u);
  EXPECT_EQ(decode_encoded_words(from[0].name), spec.from.name);
  EXPECT_EQ(parse_mailboxes(h.value("to")).size(), 2u);
  EXPECT_EQ(parse_mailboxes(h.value("cc"))[0].name, "Doe, John");
  EXPECT_EQ(parse_date_time(h.value("date"))->utc, spec.date);
  EXPECT_EQ(h.value("date"), "Mon, 07 Dec 2026 15:30:00 +0100");
  EXPECT_EQ(h.value("message-id"), "<1234@example.test>");
  EXPECT_EQ(h.value("mime-version"), "1.0");
  EXPECT_EQ(m.parts[0].type + "/" + m.parts[0].subtype, "text/plain");
  EXPECT_EQ(decoded_text(out, m.parts[0]), "Hello,\r\nthis is the text.\r\n");
  for (char c : out) EXPECT_LT(static_cast<unsigned char>(c), 128u);
}

TEST(mail_writer, alternative_and_attachments) {
  auto spec = sample_spec();
  spec.text = "caf\xc3\xa9\n";
  spec.html = "<p>caf\xc3\xa9</p>";
  spec.attachments = {{"r\xc3\xa9sum\xc3\xa9.pdf", "application/pdf", std::string(300, '\x01')},
                      {"notes.txt", "text/plain", "--=_seed_0\r\n"}};
  const auto out = write_message(spec);
  std::error_code ec;
  const auto m = parse_mime(out, {}, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(m.parts[0].subtype, "mixed");
  ASSERT_EQ(m.parts[0].children.size(), 3u);
  const std::vector<unsigned> alt{1}, text{1, 1}, html{1, 2}, pdf{2}, notes{3};
  EXPECT_EQ(m.find(alt)->subtype, "alternative");
  EXPECT_EQ(decoded_text(out, *m.find(text)), "caf\xc3\xa9\r\n");
  EXPECT_EQ(decoded_text(out, *m.find(html)), "<p>caf\xc3\xa9</p>\r\n");
  EXPECT_EQ(m.find(pdf)->encoding, transfer_encoding::base64);
  EXPECT_EQ(part_filename(*m.find(pdf)), "r\xc3\xa9sum\xc3\xa9.pdf");
  EXPECT_EQ(decoded_body(out, *m.find(pdf)), std::string(300, '\x01'));
  EXPECT_EQ(decoded_body(out, *m.find(notes)), "--=_seed_0\r\n");
  EXPECT_FALSE(m.parts[0].missing_close);
}

TEST(mail_writer, boundary_in_text_is_avoided) {  // found by mime_fuzz
  auto spec = sample_spec();
  spec.text = "plain text with the boundary\r--=_seed_1\n--=_seed_1.1--\n";
  spec.html = "<p>x</p>";
  const auto out = write_message(spec);
  std::error_code ec;
  const auto m = parse_mime(out, {}, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(m.parts[0].content_type.param("boundary"), "=_seed_1.2");
  ASSERT_EQ(m.parts[0].children.size(), 2u);
  EXPECT_EQ(decoded_text(out, m.parts[1]),
            "plain text with the boundary\r\n--=_seed_1\r\n--=_seed_1.1--\r\n");
}

TEST(mail_writer, smtputf8_keeps_raw_utf8) {
  auto spec = sample_spec();
  spec.smtputf8 = true;
  const auto out = write_message(spec);
  EXPECT_NE(out.find("From: J\xc3\xb6rg M\xc3\xbcller <joerg@example.test>"), std::string::npos);
  EXPECT_EQ(out.find("=?utf-8?"), std::string::npos);
}

TEST(mail_writer, delivery_status_report) {  // RFC 3464 §2 / RFC 6522 shape
  const mime_entity human = make_text_part("Your message could not be delivered.\n");
  mime_entity status;
  status.headers = {{"Content-Type", "message/delivery-status"}};
  status.body = "Reporting-MTA: dns; mx.example.test\r\n\r\nFinal-Recipient: rfc822; x@y.test\r\n"
                "Action: failed\r\nStatus: 5.1.1\r\n";
  mime_entity original;
  original.headers = {{"Content-Type", "message/rfc822"}};
  original.body = "Subject: hi\r\nFrom: a@b.test\r\n\r\nbody\r\n";
  const auto report = make_multipart("report", {human, status, original}, "=_dsn",
                                     {{"report-type", "delivery-status"}});
  const auto out = write_entity({{"From", "MAILER-DAEMON@mx.example.test"},
                                 {"Subject", "Undelivered Mail"},
                                 {"Auto-Submitted", "auto-replied"}},
                                report);
  std::error_code ec;
  const auto m = parse_mime(out, {}, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(m.parts[0].subtype, "report");
  EXPECT_EQ(m.parts[0].content_type.param("report-type"), "delivery-status");
  ASSERT_EQ(m.parts[0].children.size(), 3u);
  const std::vector<unsigned> st{2}, orig_body{3, 1};
  EXPECT_EQ(m.find(st)->subtype, "delivery-status");
  EXPECT_EQ(m.find(orig_body)->body.in(out), "body\r\n");
  EXPECT_EQ(m.nested(*m.find(std::vector<unsigned>{3}))->fields.value("subject"), "hi");
}

}  // namespace
