// FETCH, STORE, SEARCH, SORT, THREAD arguments (RFC 9051 §6.4, RFC 3516, RFC 7162, RFC 5256,
// RFC 5182, RFC 4731) and sequence sets.
#include <gtest/gtest.h>

#include "imap/codec/command.hpp"
#include "imap/codec/error.hpp"

namespace {

using namespace l7::imap;

template <class T>
T fs_args(std::string_view raw, command* whole = nullptr) {
  command c;
  std::error_code ec;
  parse_command(raw, {}, c, ec);
  EXPECT_FALSE(ec) << raw << ": " << ec.message();
  if (whole) *whole = c;
  if (!std::holds_alternative<T>(c.args)) return T{};
  return std::get<T>(c.args);
}

std::error_code fs_err(std::string_view raw) {
  command c;
  std::error_code ec;
  parse_command(raw, {}, c, ec);
  return ec;
}

std::vector<std::string> fs_names(const fetch& f) {
  std::vector<std::string> out;
  for (const auto& a : f.items) out.push_back(fetch_response_name(a));
  return out;
}

TEST(ImapFetch, MacrosAndSimpleItems) {
  EXPECT_EQ(fs_names(fs_args<fetch>("a FETCH 1 ALL\r\n")),
            (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"}));
  EXPECT_EQ(fs_names(fs_args<fetch>("a FETCH 1 fast\r\n")),
            (std::vector<std::string>{"FLAGS", "INTERNALDATE", "RFC822.SIZE"}));
  EXPECT_EQ(fs_names(fs_args<fetch>("a FETCH 1 FULL\r\n")).back(), "BODY");
  auto f = fs_args<fetch>("a FETCH 2:4 (FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODY BODYSTRUCTURE UID RFC822 RFC822.HEADER RFC822.TEXT MODSEQ)\r\n");
  EXPECT_EQ(f.items.size(), 11u);
  EXPECT_EQ(f.items[4].type, fetch_att::kind::body);
  EXPECT_EQ(f.items[5].type, fetch_att::kind::body_structure);
  EXPECT_EQ(fs_err("a FETCH 1 (ALL)\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 (FLAGS\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 FOO\r\n"), error::syntax);
}

TEST(ImapFetch, Sections) {
  auto f = fs_args<fetch>("A654 FETCH 2:4 (BODY[] BODY.PEEK[HEADER] BODY[1.2.MIME] body[4.2.HEADER.FIELDS (date From)]<0.2048> BODY[3.TEXT] BODY[HEADER.FIELDS.NOT (X-A)] BODY[1.2])\r\n");
  ASSERT_EQ(f.items.size(), 7u);
  EXPECT_FALSE(f.items[0].peek);
  EXPECT_TRUE(f.items[1].peek);
  EXPECT_EQ(f.items[2].section.part, (std::vector<unsigned>{1, 2}));
  EXPECT_EQ(f.items[2].section.text, section::text_kind::mime);
  EXPECT_EQ(f.items[3].section.fields, (std::vector<std::string>{"DATE", "FROM"}));
  EXPECT_EQ(f.items[3].partial, (partial{0, 2048}));
  EXPECT_EQ(fs_names(f), (std::vector<std::string>{
                             "BODY[]", "BODY[HEADER]", "BODY[1.2.MIME]",
                             "BODY[4.2.HEADER.FIELDS (DATE FROM)]<0>", "BODY[3.TEXT]",
                             "BODY[HEADER.FIELDS.NOT (X-A)]", "BODY[1.2]"}));
  EXPECT_EQ(fs_err("a FETCH 1 BODY[MIME]\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 BODY[0]\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 BODY[1.]\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 BODY[HEADER.FIELDS]\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 BODY.PEEK\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 BODY[]<0.0>\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 BODY[TEXT\r\n"), error::syntax);
}

TEST(ImapFetch, BinaryAndModifiers) {
  command whole;
  auto f = fs_args<fetch>("a UID FETCH 1:* (BINARY[1]<0.10> BINARY.PEEK[2.1] BINARY.SIZE[3] BINARY[]) (CHANGEDSINCE 12345 VANISHED)\r\n", &whole);
  EXPECT_TRUE(whole.uid);
  EXPECT_EQ(fs_names(f), (std::vector<std::string>{"BINARY[1]<0>", "BINARY[2.1]", "BINARY.SIZE[3]", "BINARY[]"}));
  EXPECT_TRUE(f.items[1].peek);
  EXPECT_EQ(f.changed_since, 12345u);
  EXPECT_TRUE(f.vanished);
  EXPECT_EQ(fs_err("a FETCH 1 BINARY[HEADER]\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a FETCH 1 FLAGS (VANISHED)\r\n"), error::syntax);  // UID FETCH only
  EXPECT_EQ(fs_err("a FETCH 1 FLAGS (CHANGEDSINCE x)\r\n"), error::syntax);
}

TEST(ImapStore, Forms) {
  auto s = fs_args<store>("A003 STORE 2:4 +FLAGS (\\Deleted)\r\n");
  EXPECT_EQ(s.how, store::mode::add);
  EXPECT_EQ(s.flags, std::vector<std::string>{"\\Deleted"});
  s = fs_args<store>("a STORE 1 -flags.silent \\Seen $Junk\r\n");
  EXPECT_EQ(s.how, store::mode::remove);
  EXPECT_TRUE(s.silent);
  EXPECT_EQ(s.flags, (std::vector<std::string>{"\\Seen", "$Junk"}));
  s = fs_args<store>("d105 UID STORE 7,5,9 (UNCHANGEDSINCE 320162338) FLAGS ()\r\n");
  EXPECT_EQ(s.unchanged_since, 320162338u);
  EXPECT_EQ(s.how, store::mode::replace);
  EXPECT_TRUE(s.flags.empty());
  EXPECT_EQ(fs_err("a STORE 1 +FLAGZ (\\Seen)\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a STORE 1 FLAGS\r\n"), error::syntax);
}

TEST(ImapSequenceSet, ParseFormatContains) {
  auto s = parse_sequence_set("5:2,*,7:*,10");
  ASSERT_TRUE(s);
  EXPECT_EQ(format_sequence_set(*s), "5:2,*,7:*,10");
  EXPECT_TRUE(s->contains(3, 20));
  EXPECT_TRUE(s->contains(20, 20));
  EXPECT_TRUE(s->contains(8, 20));
  EXPECT_FALSE(s->contains(1, 20));
  auto r = parse_sequence_set("*:4");
  EXPECT_TRUE(r->contains(3, 3));  // "*:4" with 3 messages is 3:4 -> 3
  EXPECT_EQ(format_sequence_set(std::vector<std::uint32_t>{9, 1, 2, 3, 5, 3, 10}), "1:3,5,9:10");
  EXPECT_EQ(format_sequence_set(std::vector<std::uint32_t>{4294967295u, 4294967294u}), "4294967294:4294967295");
  for (auto bad : {"", "0", "1,", ",1", "1::2", "01", "a", "1:0", "4294967296", "$,1", "**"})
    EXPECT_FALSE(parse_sequence_set(bad)) << bad;
}

TEST(ImapSearch, Keys) {
  using k = search_key::kind;
  auto s = fs_args<search>("A282 SEARCH FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"\r\n");
  ASSERT_EQ(s.key.children.size(), 3u);
  EXPECT_EQ(s.key.children[1].date, (date{1994, 2, 1}));
  EXPECT_EQ(s.key.children[2].type, k::not_);
  EXPECT_EQ(s.key.children[2].children[0].value, "Smith");
  s = fs_args<search>("a SEARCH ALL ANSWERED BCC x BEFORE \"01-Jan-2000\" BODY y CC z DELETED DRAFT "
                      "FLAGGED FROM f HEADER Message-ID <a@b> KEYWORD $Junk LARGER 10 NEW OLD ON 2-Mar-2001 "
                      "OR SEEN (UNSEEN 1:3) RECENT SEEN SENTBEFORE 1-Jan-2000 SENTON 1-Jan-2000 "
                      "SENTSINCE 1-Jan-2000 SMALLER 5 SUBJECT s TEXT t TO u UID 1:* UNANSWERED "
                      "UNDELETED UNDRAFT UNFLAGGED UNKEYWORD k UNSEEN 2,4 $ MODSEQ 5 OLDER 60 YOUNGER 30\r\n");
  ASSERT_EQ(s.key.children.size(), 38u);
  const auto& kids = s.key.children;
  EXPECT_EQ(kids[10].field, "Message-ID");
  EXPECT_EQ(kids[10].value, "<a@b>");
  EXPECT_EQ(kids[16].type, k::or_);
  EXPECT_EQ(kids[16].children[1].type, k::all_of);
  EXPECT_EQ(kids[16].children[1].children[1].type, k::sequence);
  EXPECT_EQ(kids[33].type, k::sequence);
  EXPECT_TRUE(kids[34].set.saved);
  EXPECT_EQ(kids[35].number, 5u);
  EXPECT_EQ(kids[37].type, k::younger);
}

TEST(ImapSearch, CharsetReturnModseq) {
  auto s = fs_args<search>("A284 SEARCH CHARSET UTF-8 TEXT {4}\r\n\xd0\xb6\xd0\xb6\r\n");
  EXPECT_EQ(s.charset, "UTF-8");
  EXPECT_EQ(s.key.children[0].value, "\xd0\xb6\xd0\xb6");
  s = fs_args<search>("A301 SEARCH RETURN (MIN COUNT save) UNDELETED\r\n");
  ASSERT_TRUE(s.return_options);
  EXPECT_EQ(*s.return_options, (std::vector<search_return>{search_return::min, search_return::count, search_return::save}));
  s = fs_args<search>("a SEARCH RETURN () ALL\r\n");
  EXPECT_TRUE(s.return_options && s.return_options->empty());
  // RFC 7162 §3.1.5 example.
  s = fs_args<search>("a SEARCH MODSEQ \"/flags/\\\\draft\" all 620162338\r\n");
  EXPECT_EQ(s.key.children[0].field, "/flags/\\draft");
  EXPECT_EQ(s.key.children[0].entry_type, "all");
  EXPECT_EQ(s.key.children[0].number, 620162338u);
  EXPECT_EQ(fs_err("a SEARCH\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a SEARCH FOO\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a SEARCH RETURN (PARTIAL) ALL\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a SEARCH SINCE 32-Jan-2000\r\n"), error::bad_date);
  EXPECT_EQ(fs_err("a SEARCH SINCE 1-Foo-2000\r\n"), error::bad_date);
  EXPECT_EQ(fs_err("a SEARCH (ALL\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a SEARCH OR ALL\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a SEARCH MODSEQ \"/flags/x\" bogus 1\r\n"), error::syntax);
}

TEST(ImapSearch, NestingIsBounded) {
  std::string deep = "a SEARCH " + std::string(100, '(') + "ALL" + std::string(100, ')') + "\r\n";
  EXPECT_EQ(fs_err(deep), error::too_deep);
  std::string nots = "a SEARCH ";
  for (int i = 0; i < 100; ++i) nots += "NOT ";
  EXPECT_EQ(fs_err(nots + "ALL\r\n"), error::too_deep);
  std::string ok = "a SEARCH " + std::string(20, '(') + "ALL" + std::string(20, ')') + "\r\n";
  EXPECT_FALSE(fs_err(ok));
}

TEST(ImapSortThread, Forms) {
  command whole;
  auto s = fs_args<sort>("A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL\r\n");
  ASSERT_EQ(s.criteria.size(), 2u);
  EXPECT_TRUE(s.criteria[1].reverse);
  EXPECT_EQ(s.criteria[1].key, "DATE");
  EXPECT_EQ(s.charset, "UTF-8");
  s = fs_args<sort>("A285 UID SORT (REVERSE ARRIVAL) US-ASCII SINCE 1-Feb-1994 TEXT \"not in mailbox\"\r\n", &whole);
  EXPECT_TRUE(whole.uid);
  EXPECT_EQ(s.key.children.size(), 2u);
  auto t = fs_args<thread>("A283 THREAD ORDEREDSUBJECT UTF-8 SINCE 5-MAR-2000\r\n");
  EXPECT_EQ(t.algorithm, "ORDEREDSUBJECT");
  EXPECT_EQ(t.key.children[0].date, (date{2000, 3, 5}));
  EXPECT_EQ(fs_err("a SORT (FOO) UTF-8 ALL\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a SORT (DATE) UTF-8\r\n"), error::syntax);
  EXPECT_EQ(fs_err("a THREAD REFERENCES\r\n"), error::syntax);
}

}  // namespace
