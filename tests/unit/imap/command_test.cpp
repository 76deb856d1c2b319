// parse_command: tags, names, UID, and the arguments of the non-FETCH/SEARCH commands
// (RFC 9051 §6, §9 and the extensions cited in command.hpp); bad input.
#include <gtest/gtest.h>

#include "imap/codec/command.hpp"
#include "imap/codec/error.hpp"

namespace {

using namespace l7::imap;

command cmd_ok(std::string_view raw, bool utf8 = false) {
  command c;
  std::error_code ec;
  parse_options o;
  o.utf8 = utf8;
  parse_command(raw, o, c, ec);
  EXPECT_FALSE(ec) << raw << ": " << ec.message();
  return c;
}

std::error_code cmd_err(std::string_view raw, std::string* tag = nullptr, bool utf8 = false) {
  command c;
  std::error_code ec;
  parse_options o;
  o.utf8 = utf8;
  parse_command(raw, o, c, ec);
  if (tag) *tag = c.tag;
  return ec;
}

TEST(ImapCommand, NoArgumentCommandsAnyCase) {
  struct row { std::string_view raw; command_name name; };
  const row rows[] = {
      {"a CAPABILITY\r\n", command_name::capability}, {"a noop\r\n", command_name::noop},
      {"a LogOut\r\n", command_name::logout}, {"a STARTTLS\r\n", command_name::starttls},
      {"a CHECK\r\n", command_name::check}, {"a CLOSE\r\n", command_name::close},
      {"a UNSELECT\r\n", command_name::unselect}, {"a EXPUNGE\r\n", command_name::expunge},
      {"a IDLE\r\n", command_name::idle}, {"a NAMESPACE\r\n", command_name::namespace_},
  };
  for (const auto& r : rows) {
    auto c = cmd_ok(r.raw);
    EXPECT_EQ(c.tag, "a");
    EXPECT_EQ(c.name, r.name) << r.raw;
    EXPECT_TRUE(std::holds_alternative<no_args>(c.args));
  }
  EXPECT_EQ(cmd_err("a NOOP x\r\n"), error::syntax);
}

TEST(ImapCommand, Authenticate) {
  auto a = std::get<authenticate>(cmd_ok("A01 AUTHENTICATE plain\r\n").args);
  EXPECT_EQ(a.mechanism, "PLAIN");
  EXPECT_FALSE(a.initial_response);
  a = std::get<authenticate>(cmd_ok("A01 AUTHENTICATE PLAIN AGJvYgBwdw==\r\n").args);
  EXPECT_EQ(a.initial_response, "AGJvYgBwdw==");
  a = std::get<authenticate>(cmd_ok("A01 AUTHENTICATE EXTERNAL =\r\n").args);
  EXPECT_EQ(a.initial_response, "=");
}

TEST(ImapCommand, LoginForms) {
  auto l = std::get<login>(cmd_ok("a001 LOGIN SMITH SESAME\r\n").args);
  EXPECT_EQ(l.user, "SMITH");
  EXPECT_EQ(l.password, "SESAME");
  l = std::get<login>(cmd_ok("a LOGIN \"fred \\\"x\\\\\" {5}\r\nab\r\nc\r\n").args);
  EXPECT_EQ(l.user, "fred \"x\\");
  EXPECT_EQ(l.password, "ab\r\nc");
  l = std::get<login>(cmd_ok("a LOGIN user]x \"\"\r\n").args);  // ASTRING-CHAR includes ']'
  EXPECT_EQ(l.user, "user]x");
  EXPECT_EQ(l.password, "");
  EXPECT_EQ(cmd_err("a LOGIN \"unterminated\r\n"), error::syntax);
  EXPECT_EQ(cmd_err("a LOGIN \"a\\b\" x\r\n"), error::syntax);  // only \" and \\ escapes
  EXPECT_EQ(cmd_err("a LOGIN us\xc3\xa9r x\r\n"), error::eight_bit);
  EXPECT_FALSE(cmd_err("a LOGIN \"us\xc3\xa9r\" x\r\n"));  // UTF-8 quoted: accepted from rev1 too
  EXPECT_EQ(cmd_err("a LOGIN \"\xc3\" x\r\n"), error::eight_bit);
  EXPECT_FALSE(cmd_err("a LOGIN \"us\xc3\xa9r\" x\r\n", nullptr, true));
  EXPECT_EQ(cmd_err("a LOGIN \"\xff\" x\r\n", nullptr, true), error::eight_bit);
  EXPECT_EQ(cmd_err(std::string_view("a LOGIN u\0 x\r\n", 14)), error::nul_byte);
  EXPECT_EQ(cmd_err(std::string_view("a LOGIN {3}\r\nu\0x x\r\n", 21)), error::nul_byte);
  EXPECT_EQ(cmd_err("a LOGIN ~{1}\r\nx x\r\n"), error::syntax);  // literal8 only in APPEND
  EXPECT_EQ(cmd_err("a LOGIN x\n"), error::syntax);
}

TEST(ImapCommand, TagsAndNames) {
  std::string tag;
  EXPECT_EQ(cmd_err("a FROB\r\n", &tag), error::unknown_command);
  EXPECT_EQ(tag, "a");
  EXPECT_EQ(cmd_err("+a NOOP\r\n", &tag), error::missing_tag);
  EXPECT_EQ(tag, "");
  EXPECT_EQ(cmd_err("\r\n"), error::missing_tag);
  EXPECT_EQ(cmd_err("a\r\n"), error::missing_tag);
  EXPECT_EQ(cmd_err("a UID NOOP\r\n"), error::unknown_command);
  EXPECT_EQ(cmd_ok("a.b]c NOOP\r\n").tag, "a.b]c");
}

TEST(ImapCommand, EnableIdCompress) {
  auto e = std::get<enable>(cmd_ok("t ENABLE condstore UTF8=ACCEPT\r\n").args);
  EXPECT_EQ(e.capabilities, (std::vector<std::string>{"CONDSTORE", "UTF8=ACCEPT"}));
  EXPECT_EQ(cmd_err("t ENABLE\r\n"), error::syntax);
  auto i = std::get<id>(cmd_ok("a023 ID (\"name\" \"sodr\" \"version\" \"19.34\" \"os\" NIL)\r\n").args);
  ASSERT_TRUE(i.fields);
  ASSERT_EQ(i.fields->size(), 3u);
  EXPECT_EQ((*i.fields)[1].second, "19.34");
  EXPECT_FALSE((*i.fields)[2].second);
  EXPECT_FALSE(std::get<id>(cmd_ok("a ID NIL\r\n").args).fields);
  EXPECT_EQ(std::get<compress>(cmd_ok("a COMPRESS deflate\r\n").args).mechanism, "DEFLATE");
}

TEST(ImapCommand, SelectWithCondstoreAndQresync) {
  auto s = std::get<select_mailbox>(cmd_ok("A142 SELECT inbox\r\n").args);
  EXPECT_EQ(s.mailbox, "INBOX");
  EXPECT_FALSE(s.read_only);
  s = std::get<select_mailbox>(cmd_ok("a EXAMINE \"Sent\" (CONDSTORE)\r\n").args);
  EXPECT_TRUE(s.read_only);
  EXPECT_TRUE(s.condstore);
  // RFC 7162 §3.2.5.2 example.
  s = std::get<select_mailbox>(cmd_ok("A02 SELECT INBOX (QRESYNC (67890007 90060115194045000 41:211,214:541))\r\n").args);
  ASSERT_TRUE(s.qresync);
  EXPECT_EQ(s.qresync->uid_validity, 67890007u);
  EXPECT_EQ(s.qresync->modseq, 90060115194045000u);
  EXPECT_EQ(format_sequence_set(*s.qresync->known_uids), "41:211,214:541");
  s = std::get<select_mailbox>(cmd_ok("B04 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000,9990:9999 15000,22500,27000,29970,29973,29976:29979)))\r\n").args);
  ASSERT_TRUE(s.qresync->seq_match);
  EXPECT_EQ(format_sequence_set(s.qresync->seq_match->first), "5000,7500,9000,9990:9999");
  s = std::get<select_mailbox>(cmd_ok("a SELECT x (QRESYNC (1 2))\r\n").args);
  EXPECT_FALSE(s.qresync->known_uids);
  EXPECT_EQ(cmd_err("a SELECT x (FOO)\r\n"), error::syntax);
}

TEST(ImapCommand, MailboxNamesModifiedUtf7AndUtf8) {
  // RFC 3501 §5.1.3 example: "~peter/mail/&U,BTFw-/&ZeVnLIqe-".
  auto m = std::get<mailbox_arg>(cmd_ok("a DELETE ~peter/mail/&U,BTFw-/&ZeVnLIqe-\r\n").args);
  EXPECT_EQ(m.mailbox, "~peter/mail/\xe5\x8f\xb0\xe5\x8c\x97/\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
  EXPECT_EQ(cmd_err("a DELETE &Jjo!\r\n"), error::bad_mailbox_name);
  EXPECT_EQ(cmd_err("a DELETE &AGE-\r\n"), error::bad_mailbox_name);  // encoded ASCII 'a'
  // UTF-8 mode: names are UTF-8, '&' is literal.
  m = std::get<mailbox_arg>(cmd_ok("a DELETE \"caf\xc3\xa9 &x\"\r\n", true).args);
  EXPECT_EQ(m.mailbox, "caf\xc3\xa9 &x");
  m = std::get<mailbox_arg>(cmd_ok("a SUBSCRIBE {5}\r\ninBoX\r\n").args);
  EXPECT_EQ(m.mailbox, "INBOX");
  EXPECT_EQ(cmd_ok("a UNSUBSCRIBE x\r\n").name, command_name::unsubscribe);
  EXPECT_EQ(std::get<mailbox_arg>(cmd_ok("a GETQUOTAROOT INBOX\r\n").args).mailbox, "INBOX");
  EXPECT_EQ(std::get<mailbox_arg>(cmd_ok("a GETQUOTA \"\"\r\n").args).mailbox, "");
}

TEST(ImapCommand, CreateRenameStatus) {
  auto c = std::get<create>(cmd_ok("t1 CREATE \"Important Messages\" (USE (\\Important \\Flagged))\r\n").args);
  EXPECT_EQ(c.mailbox, "Important Messages");
  EXPECT_EQ(c.use, (std::vector<std::string>{"\\Important", "\\Flagged"}));
  auto r = std::get<rename_mailbox>(cmd_ok("A683 RENAME blurdybloop sarasoop\r\n").args);
  EXPECT_EQ(r.from, "blurdybloop");
  EXPECT_EQ(r.to, "sarasoop");
  auto s = std::get<status>(cmd_ok("A042 STATUS blurdybloop (UIDNEXT MESSAGES unseen DELETED SIZE RECENT HIGHESTMODSEQ UIDVALIDITY)\r\n").args);
  EXPECT_EQ(s.items.size(), 8u);
  EXPECT_EQ(s.items[0], status_item::uid_next);
  EXPECT_EQ(s.items[6], status_item::highest_modseq);
  EXPECT_EQ(cmd_err("a STATUS x ()\r\n"), error::syntax);
  EXPECT_EQ(cmd_err("a STATUS x (FOO)\r\n"), error::syntax);
}

TEST(ImapCommand, ListForms) {
  auto l = std::get<list>(cmd_ok("A101 LIST \"\" \"\"\r\n").args);
  EXPECT_EQ(l.reference, "");
  EXPECT_EQ(l.patterns, (std::vector<std::string>{""}));
  l = std::get<list>(cmd_ok("A202 LIST ~/Mail/ %\r\n").args);
  EXPECT_EQ(l.patterns[0], "%");
  l = std::get<list>(cmd_ok("a LIST \"\" foo/*]\r\n").args);
  EXPECT_EQ(l.patterns[0], "foo/*]");
  // RFC 5258 §5 examples, RFC 6154 and RFC 5819.
  l = std::get<list>(cmd_ok("A04 LIST (SUBSCRIBED RECURSIVEMATCH) \"\" (% */%) RETURN (CHILDREN)\r\n").args);
  EXPECT_EQ(l.selection, (std::vector<std::string>{"SUBSCRIBED", "RECURSIVEMATCH"}));
  EXPECT_EQ(l.patterns, (std::vector<std::string>{"%", "*/%"}));
  EXPECT_EQ(l.return_options, std::vector<std::string>{"CHILDREN"});
  l = std::get<list>(cmd_ok("t1 LIST (special-use) \"\" \"*\" RETURN (SPECIAL-USE)\r\n").args);
  EXPECT_EQ(l.selection, std::vector<std::string>{"SPECIAL-USE"});
  l = std::get<list>(cmd_ok("A01 LIST \"\" % RETURN (STATUS (MESSAGES UNSEEN))\r\n").args);
  EXPECT_TRUE(l.has_return_status);
  EXPECT_EQ(l.return_status, (std::vector<status_item>{status_item::messages, status_item::unseen}));
  l = std::get<list>(cmd_ok("a LIST () \"\" x RETURN ()\r\n").args);
  EXPECT_TRUE(l.selection.empty());
  auto s = std::get<list>(cmd_ok("A002 LSUB \"#news.\" \"comp.mail.*\"\r\n").args);
  EXPECT_TRUE(s.lsub);
  EXPECT_EQ(s.reference, "#news.");
  EXPECT_EQ(cmd_err("a LSUB (x) \"\" y\r\n"), error::syntax);
  EXPECT_EQ(cmd_err("a LIST \"\" x RETURN\r\n"), error::syntax);
}

TEST(ImapCommand, AppendForms) {
  // RFC 9051 §6.3.12 shape, with flags and a date-time.
  std::string msg = "Date: Mon, 7 Feb 1994 21:52:25 -0800\r\n\r\nHello\r\n";
  auto raw = "A003 APPEND saved-messages (\\Seen) \" 7-Feb-1994 21:52:25 -0800\" {" +
             std::to_string(msg.size()) + "}\r\n" + msg + "\r\n";
  auto a = std::get<append>(cmd_ok(raw).args);
  EXPECT_EQ(a.mailbox, "saved-messages");
  ASSERT_EQ(a.messages.size(), 1u);
  EXPECT_EQ(a.messages[0].flags, std::vector<std::string>{"\\Seen"});
  ASSERT_TRUE(a.messages[0].internal_date);
  EXPECT_EQ(a.messages[0].internal_date->date, (date{1994, 2, 7}));
  EXPECT_EQ(a.messages[0].internal_date->zone_minutes, -480);
  EXPECT_EQ(a.messages[0].content, msg);
  EXPECT_FALSE(a.messages[0].binary);
  // MULTIAPPEND, literal8, UTF8 (literal8).
  a = std::get<append>(cmd_ok(std::string("a APPEND x {1+}\r\nA ~{2}\r\nB\0 UTF8 (~{1}\r\nC)\r\n", 44)).args);
  ASSERT_EQ(a.messages.size(), 3u);
  EXPECT_EQ(a.messages[1].content, std::string("B\0", 2));
  EXPECT_TRUE(a.messages[1].binary);
  EXPECT_EQ(a.messages[2].content, "C");
  EXPECT_EQ(cmd_err("a APPEND x\r\n"), error::syntax);
  EXPECT_EQ(cmd_err("a APPEND x \"31-Feb-1994 21:52:25 -0800\" {1}\r\nA\r\n"), error::bad_date);
  EXPECT_EQ(cmd_err("a APPEND x \"7-Feb-1994 21:52:25 -0800\" {1}\r\nA\r\n"), error::syntax);
  EXPECT_EQ(cmd_err("a APPEND x {5}\r\nA\r\n"), error::syntax);  // literal runs past the end
}

TEST(ImapCommand, CopyMoveExpunge) {
  auto c = cmd_ok("A003 COPY 2:4 MEETING\r\n");
  EXPECT_EQ(std::get<copy>(c.args).mailbox, "MEETING");
  EXPECT_FALSE(std::get<copy>(c.args).move);
  c = cmd_ok("a UID MOVE 42:69 foo\r\n");
  EXPECT_TRUE(c.uid);
  EXPECT_EQ(c.name, command_name::move);
  EXPECT_TRUE(std::get<copy>(c.args).move);
  c = cmd_ok("A202 UID EXPUNGE 3000:3002\r\n");
  EXPECT_EQ(format_sequence_set(std::get<uid_expunge>(c.args).uids), "3000:3002");
  EXPECT_EQ(cmd_err("a UID EXPUNGE\r\n"), error::syntax);
  EXPECT_EQ(cmd_err("a COPY 0 x\r\n"), error::bad_sequence_set);
  EXPECT_EQ(cmd_err("a COPY 1,,2 x\r\n"), error::bad_sequence_set);
  EXPECT_EQ(cmd_err("a COPY 4294967296 x\r\n"), error::bad_sequence_set);
  EXPECT_EQ(cmd_err("a COPY 1: x\r\n"), error::bad_sequence_set);
  EXPECT_EQ(cmd_err("a COPY x y\r\n"), error::syntax);
  EXPECT_TRUE(std::get<copy>(cmd_ok("a COPY $ x\r\n").args).set.saved);
}

}  // namespace
