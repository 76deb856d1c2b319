// The IMAP server's sans-I/O parts: the selected mailbox's view (sequence numbers <-> UIDs),
// LIST pattern matching, FETCH responses and SEARCH evaluation on one message.
#include <gtest/gtest.h>

#include "imap/server/list_match.hpp"
#include "imap/server/message_data.hpp"
#include "imap/server/search_eval.hpp"
#include "imap/server/sort_thread.hpp"
#include "imap/server/uid_view.hpp"

namespace {

using namespace l7::imap;
using namespace l7::imap::server;

sequence_set set_of(std::string_view text) { return *parse_sequence_set(text); }

TEST(ImapUidView, RunsNumbersAndErase) {
  uid_view v;
  for (std::uint32_t u : {1u, 2u, 3u, 4u, 10u, 11u, 20u}) v.push_back(u);
  EXPECT_EQ(v.size(), 7u);
  EXPECT_EQ(v.runs(), 3u);
  EXPECT_EQ(v.uid_at(5), 10u);
  EXPECT_EQ(v.uid_at(7), 20u);
  EXPECT_EQ(v.uid_at(8), 0u);
  EXPECT_EQ(v.seq_of(11), 6u);
  EXPECT_EQ(v.seq_of(5), 0u);
  v.erase_seq(2);  // UID 2: splits the first run
  EXPECT_EQ(v.runs(), 4u);
  EXPECT_EQ(v.uid_at(2), 3u);
  EXPECT_EQ(v.seq_of(20), 6u);
  v.erase_seq(1);
  v.erase_seq(v.seq_of(20));
  EXPECT_EQ(v.all(), (std::vector<std::uint32_t>{3, 4, 10, 11}));
  EXPECT_EQ(v.last_uid(), 11u);
  for (std::uint32_t s = 1; s <= v.size(); ++s) EXPECT_EQ(v.seq_of(v.uid_at(s)), s);
}

TEST(ImapUidView, LargeContiguousMailboxIsOneRun) {
  uid_view v;
  for (std::uint32_t u = 1; u <= 50000; ++u) v.push_back(u);
  EXPECT_EQ(v.runs(), 1u);
  EXPECT_EQ(v.uid_at(50000), 50000u);
}

TEST(ImapUidView, Resolve) {
  uid_view v;
  for (std::uint32_t u : {5u, 6u, 7u, 100u}) v.push_back(u);
  bool oor = false;
  EXPECT_EQ(v.resolve(set_of("2:*"), false, &oor), (std::vector<std::uint32_t>{6, 7, 100}));
  EXPECT_FALSE(oor);
  EXPECT_EQ(v.resolve(set_of("4:2,1"), false, &oor), (std::vector<std::uint32_t>{5, 6, 7, 100}));
  v.resolve(set_of("9"), false, &oor);
  EXPECT_TRUE(oor);  // beyond the view: BAD
  EXPECT_EQ(v.resolve(set_of("6:8"), true), (std::vector<std::uint32_t>{6, 7}));
  EXPECT_EQ(v.resolve(set_of("1:4294967295"), true).size(), 4u);
  // RFC 9051 §6.4.9: "500:*" names the last UID even though 500 is above it.
  EXPECT_EQ(v.resolve(set_of("500:*"), true), (std::vector<std::uint32_t>{100}));
  uid_view empty;
  EXPECT_TRUE(empty.resolve(set_of("1:*"), false, &oor).empty());
  EXPECT_FALSE(oor);
}

TEST(ImapListMatch, Wildcards) {
  EXPECT_TRUE(list_matches("*", "Work.Projects.X"));
  EXPECT_TRUE(list_matches("%", "Work"));
  EXPECT_FALSE(list_matches("%", "Work.Projects"));
  EXPECT_TRUE(list_matches("Work.%", "Work.Projects"));
  EXPECT_FALSE(list_matches("Work.%", "Work.Projects.X"));
  EXPECT_TRUE(list_matches("W*s", "Work.Projects"));
  EXPECT_TRUE(list_matches("%.%s", "Work.Projects"));
  EXPECT_TRUE(list_matches("inbox", "INBOX"));
  EXPECT_TRUE(list_matches("InBox.%", "INBOX.Sub"));
  EXPECT_FALSE(list_matches("work", "Work"));  // only INBOX is case-insensitive
  EXPECT_EQ(list_pattern("Work", "%"), "Work.%");
  EXPECT_EQ(list_pattern("Work.", "%"), "Work.%");
  EXPECT_EQ(list_pattern("", "*"), "*");
  EXPECT_TRUE(list_matches_inferior("%.B", "A"));
  EXPECT_TRUE(list_matches_inferior("A.B", "A"));
  EXPECT_FALSE(list_matches_inferior("C.B", "A"));
  EXPECT_FALSE(list_matches_inferior("A", "A"));
}

const std::string msg =
    "From: =?utf-8?q?J=C3=B6rg?= <joerg@example.test>\r\n"
    "To: alice@example.test\r\n"
    "Subject: Quarterly report\r\n"
    "Date: Tue, 01 Dec 2026 23:30:00 -0500\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/alternative; boundary=zz\r\n"
    "\r\n"
    "--zz\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Caf=C3=A9 numbers\r\n"
    "--zz\r\n"
    "Content-Type: text/html\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "PGI+c2VjcmV0IHdvcmQ8L2I+\r\n"
    "--zz--\r\n";

struct fixture {
  l7::mail::message_record rec;
  message_data data;
  fixture() {
    rec.uid = 42;
    rec.flags = {"\\Seen", "$Work"};
    rec.size = msg.size();
    rec.modseq = 7;
    rec.internal_date = l7::mail::time_point(std::chrono::seconds(1796100000));  // 2026-12-01 UTC
    data.record = &rec;
    data.seq = 3;
    data.content = msg;
    data.parse();
  }
};

search_key key(search_key::kind k, std::string value = {}) {
  search_key s;
  s.type = k;
  s.value = std::move(value);
  return s;
}

TEST(ImapSearchEval, FlagsHeadersBodiesDates) {
  fixture f;
  search_context ctx{10, 50, nullptr, 1796200000};
  using k = search_key::kind;
  EXPECT_TRUE(search_matches(key(k::seen), f.data, ctx));
  EXPECT_FALSE(search_matches(key(k::unseen), f.data, ctx));
  EXPECT_TRUE(search_matches(key(k::keyword, "$work"), f.data, ctx));
  EXPECT_TRUE(search_matches(key(k::subject, "QUARTERLY"), f.data, ctx));
  EXPECT_TRUE(search_matches(key(k::from, "jörg"), f.data, ctx));  // RFC 2047 decoded
  EXPECT_TRUE(search_matches(key(k::body, "café"), f.data, ctx));    // QP + charset
  EXPECT_TRUE(search_matches(key(k::body, "secret word"), f.data, ctx));  // base64
  EXPECT_FALSE(search_matches(key(k::body, "Quarterly"), f.data, ctx));
  EXPECT_TRUE(search_matches(key(k::text, "Quarterly"), f.data, ctx));
  auto hdr = key(k::header);
  hdr.field = "mime-version";
  EXPECT_TRUE(search_matches(hdr, f.data, ctx));  // empty value: the field exists
  // SENTON uses the Date: header's own day (Dec 1 in -0500), not UTC (Dec 2).
  auto sent = key(k::sent_on);
  sent.date = {2026, 12, 1};
  EXPECT_TRUE(search_matches(sent, f.data, ctx));
  auto since = key(k::since);
  since.date = {2026, 12, 2};
  EXPECT_FALSE(search_matches(since, f.data, ctx));
  auto uid = key(k::uid);
  uid.set = set_of("40:*");
  EXPECT_TRUE(search_matches(uid, f.data, ctx));
  auto seq = key(k::sequence);
  seq.set = set_of("4:*");
  EXPECT_FALSE(search_matches(seq, f.data, ctx));
  auto no = key(k::not_);
  no.children.push_back(key(k::seen));
  auto either = key(k::or_);
  either.children = {no, key(k::larger)};
  either.children[1].number = 10;
  EXPECT_TRUE(search_matches(either, f.data, ctx));
  auto young = key(k::younger);
  young.number = 50000;
  EXPECT_FALSE(search_matches(young, f.data, ctx));  // 100000 s old
  EXPECT_EQ(search_need(either), content_need::none);
  EXPECT_EQ(search_need(key(k::subject)), content_need::header);
  EXPECT_EQ(search_need(key(k::text)), content_need::full);
}

TEST(ImapFetchWriter, ItemsSectionsAndAddedFlags) {
  fixture f;
  std::vector<fetch_att> items(4);
  items[0].type = fetch_att::kind::flags;
  items[1].type = fetch_att::kind::rfc822_size;
  items[2].type = fetch_att::kind::body_section;
  items[2].section.part = {1};
  items[2].partial = partial{0, 4};
  items[3].type = fetch_att::kind::binary_size;
  items[3].section.part = {2};
  std::string out;
  fetch_options o;
  o.add_uid = true;
  o.add_modseq = true;
  write_fetch(out, f.data, items, o);
  EXPECT_EQ(out, "* 3 FETCH (UID 42 FLAGS (\\Seen $Work) RFC822.SIZE " + std::to_string(msg.size()) +
                     " BODY[1]<0> {4}\r\nCaf= BINARY.SIZE[2] 18 MODSEQ (7))\r\n");
  EXPECT_EQ(fetch_need(items), content_need::full);
  std::vector<fetch_att> head(1);
  head[0].type = fetch_att::kind::body_section;
  head[0].section.text = section::text_kind::header_fields;
  head[0].section.fields = {"SUBJECT"};
  head[0].peek = true;
  EXPECT_EQ(fetch_need(head), content_need::header);
  EXPECT_FALSE(fetch_sets_seen(head));
  out.clear();
  o = {};
  o.add_flags = true;
  write_fetch(out, f.data, head, o);
  EXPECT_EQ(out, "* 3 FETCH (FLAGS (\\Seen $Work) BODY[HEADER.FIELDS (SUBJECT)] {29}\r\n"
                 "Subject: Quarterly report\r\n\r\n)\r\n");
}

}  // namespace

namespace {

using l7::imap::server::sort_item;

TEST(ImapSortThread, BaseSubject) {
  bool reply = false;
  EXPECT_EQ(base_subject("Re: [list] Fwd: Hello   world (fwd)", &reply), "hello world");
  EXPECT_TRUE(reply);
  EXPECT_EQ(base_subject("[fwd: Re: hi]", &reply), "hi");
  EXPECT_EQ(base_subject("[PATCH] fix it", &reply), "fix it");
  EXPECT_FALSE(reply);
  EXPECT_EQ(base_subject("[PATCH]"), "[patch]");  // a blob stays when nothing else is left
  EXPECT_EQ(base_subject("Re:   re: RE[2]: x"), "x");
  EXPECT_EQ(base_subject("=?utf-8?q?Re=3A_caf=C3=A9?="), "café");
}

std::vector<sort_item> thread_items() {
  auto item = [](std::uint32_t n, std::string id, std::vector<std::string> refs, std::string subject) {
    sort_item it;
    it.seq = n;
    it.uid = n + 100;
    it.sent = n;
    it.message_id = std::move(id);
    it.references = std::move(refs);
    it.subject = base_subject(subject, &it.reply);
    it.size = 1000 - n;
    return it;
  };
  return {item(1, "<1>", {}, "a"),         item(2, "<2>", {"<1>"}, "Re: a"),
          item(3, "<3>", {"<1>", "<2>"}, "Re: a"), item(4, "<4>", {}, "b"),
          item(5, "<5>", {"<gone>"}, "c"),  item(6, "<6>", {"<gone>"}, "Re: c"),
          item(7, "<7>", {}, "Re: b")};
}

TEST(ImapSortThread, References) {
  EXPECT_EQ(thread_references(thread_items(), false), "(1 2 3)(4 7)((5)(6))");
  EXPECT_EQ(thread_references(thread_items(), true), "(101 102 103)(104 107)((105)(106))");
  // A reference loop and a duplicate Message-ID neither hang nor lose a message.
  auto items = thread_items();
  items[0].references = {"<3>"};
  items[3].message_id = "<1>";
  auto out = thread_references(items, false);
  for (char c : std::string("1234567")) EXPECT_NE(out.find(c), std::string::npos) << out;
}

TEST(ImapSortThread, OrderedSubjectAndSort) {
  EXPECT_EQ(thread_ordered_subject(thread_items(), false), "(1 (2)(3))(4 7)(5 6)");
  auto items = thread_items();
  sort_items(items, {{"SUBJECT", false}, {"DATE", true}});
  std::string order;
  for (const auto& it : items) order += std::to_string(it.seq);
  EXPECT_EQ(order, "3217465");
  sort_items(items, {{"SIZE", false}});
  EXPECT_EQ(items.front().seq, 7u);
}

}  // namespace

namespace {

TEST(ImapUidView, EraseManyAtOnceMatchesOneByOne) {
  uid_view a, b;
  for (std::uint32_t u = 1; u <= 2000; ++u) {
    if (u % 7 == 3) continue;
    a.push_back(u);
    b.push_back(u);
  }
  std::vector<std::uint32_t> gone;
  for (std::uint32_t u = 1; u <= 2100; u += 2) gone.push_back(u);  // some are not in the view
  a.erase_uids(gone);
  for (auto it = gone.rbegin(); it != gone.rend(); ++it)
    if (auto s = b.seq_of(*it)) b.erase_seq(s);
  EXPECT_EQ(a.all(), b.all());
  EXPECT_EQ(a.size(), b.size());
  for (std::uint32_t s = 1; s <= a.size(); ++s) EXPECT_EQ(a.seq_of(a.uid_at(s)), s);
}

}  // namespace
