// command_reader: framing, literals (RFC 9051 §4.3, §7.5; RFC 7888; RFC 3516), limits, and
// the same events for every split of the input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "imap/codec/reader.hpp"

namespace {

using l7::imap::command_reader;
using l7::imap::error;

// Feeds the chunks in order; one string per event: "+" continuation, "C:raw", "L:line",
// "E:<error>:<tag>".
std::vector<std::string> reader_events(command_reader& r, const std::vector<std::string_view>& chunks) {
  std::vector<std::string> events;
  for (auto chunk : chunks) {
    for (;;) {
      std::error_code ec;
      chunk.remove_prefix(r.parse(chunk, ec));
      auto e = r.last_event();
      if (e == command_reader::event::need_more) break;
      if (e == command_reader::event::continuation) events.push_back("+");
      if (e == command_reader::event::command) {
        events.push_back("C:" + std::string(r.raw()));
        if (r.raw().substr(r.raw().find(' ') + 1, 4) == "IDLE") r.read_line();
      }
      if (e == command_reader::event::line) events.push_back("L:" + std::string(r.raw()));
      if (e == command_reader::event::error)
        events.push_back("E:" + std::to_string(ec.value()) + ":" + std::string(r.tag()));
    }
  }
  return events;
}

std::vector<std::string> reader_whole(std::string_view input, l7::imap::limits l = {}) {
  command_reader r(l);
  return reader_events(r, {input});
}

const std::string reader_stream =
    std::string("a1 NOOP\r\n"
    "a2 LOGIN {4}\r\nuser {7}\r\npass\"wd\r\n"
    "a3 APPEND INBOX (\\Seen) {11+}\r\nhello\r\nbody\r\n"
    "a4 LOGIN \"quo{5}\" x\r\n")
    + "a5 APPEND Drafts ~{3}\r\na" + std::string(1, '\0') + "b\r\n"
    "a6 IDLE\r\nDONE\r\n"
    "a7 LOGIN {0}\r\n {0+}\r\n\r\n";

TEST(ImapReader, EventsOfAStream) {
  auto events = reader_whole(reader_stream);
  std::vector<std::string> expected = {
      "C:a1 NOOP\r\n",
      "+", "+", "C:a2 LOGIN {4}\r\nuser {7}\r\npass\"wd\r\n",
      "C:a3 APPEND INBOX (\\Seen) {11+}\r\nhello\r\nbody\r\n",
      "C:a4 LOGIN \"quo{5}\" x\r\n",
      "+", "C:a5 APPEND Drafts ~{3}\r\na" + std::string(1, '\0') + "b\r\n",
      "C:a6 IDLE\r\n", "L:DONE",
      "+", "C:a7 LOGIN {0}\r\n {0+}\r\n\r\n",
  };
  EXPECT_EQ(events, expected);
}

TEST(ImapReader, EverySplitGivesTheSameEvents) {
  auto whole = reader_whole(reader_stream);
  for (std::size_t i = 0; i <= reader_stream.size(); ++i) {
    command_reader r;
    std::string_view s(reader_stream);
    EXPECT_EQ(reader_events(r, {s.substr(0, i), s.substr(i)}), whole) << "split at " << i;
  }
  command_reader bytewise;
  std::vector<std::string_view> bytes;
  for (std::size_t i = 0; i < reader_stream.size(); ++i) bytes.push_back(std::string_view(reader_stream).substr(i, 1));
  EXPECT_EQ(reader_events(bytewise, bytes), whole);
}

TEST(ImapReader, SyncLiteralTooLargeIsRefusedBeforeTheContinuation) {
  l7::imap::limits l;
  l.max_literal = 10;
  command_reader r(l);
  std::error_code ec;
  std::string_view in = "t1 APPEND INBOX {11}\r\n";
  EXPECT_EQ(r.parse(in, ec), in.size());
  EXPECT_EQ(ec, error::literal_too_large);
  EXPECT_EQ(r.tag(), "t1");
  EXPECT_EQ(r.literal_size(), 11u);
  EXPECT_TRUE(r.literal_sync());
  // The client sends no literal: the next line is a new command.
  EXPECT_EQ(reader_events(r, {"t2 NOOP\r\n"}), std::vector<std::string>{"C:t2 NOOP\r\n"});
}

TEST(ImapReader, NonSyncLiteralTooLargeIsSkipped) {
  l7::imap::limits l;
  l.max_literal = 4;
  auto events = reader_whole("t1 LOGIN {5+}\r\nabcde {3+}\r\nxyz\r\nt2 NOOP\r\n", l);
  std::vector<std::string> expected = {"E:" + std::to_string(int(error::literal_too_large)) + ":t1",
                                       "C:t2 NOOP\r\n"};
  EXPECT_EQ(events, expected);
}

TEST(ImapReader, LiteralMinusLimitsNonSyncLiterals) {
  l7::imap::limits l;
  l.literal_minus = true;
  std::string in = "t1 APPEND INBOX {4097+}\r\n" + std::string(4097, 'x') + "\r\nt2 NOOP\r\n";
  auto events = reader_whole(in, l);
  std::vector<std::string> expected = {
      "E:" + std::to_string(int(error::nonsync_literal_too_large)) + ":t1", "C:t2 NOOP\r\n"};
  EXPECT_EQ(events, expected);
  EXPECT_EQ(reader_whole("t1 APPEND INBOX {4097}\r\n", l), std::vector<std::string>{"+"});
}

TEST(ImapReader, LineTooLongSkipsTheLine) {
  l7::imap::limits l;
  l.max_line = 20;
  std::string in = "t1 LOGIN " + std::string(40, 'a') + "\r\nt2 NOOP\r\n";
  std::vector<std::string> expected = {"E:" + std::to_string(int(error::line_too_long)) + ":t1",
                                       "C:t2 NOOP\r\n"};
  EXPECT_EQ(reader_whole(in, l), expected);
  for (std::size_t i = 0; i <= in.size(); ++i) {
    command_reader r(l);
    std::string_view s(in);
    EXPECT_EQ(reader_events(r, {s.substr(0, i), s.substr(i)}), expected) << i;
  }
  // No tag readable: "* BAD".
  EXPECT_EQ(reader_whole(std::string(30, '(') + "\r\n", l)[0],
            "E:" + std::to_string(int(error::line_too_long)) + ":");
}

TEST(ImapReader, CommandTooLarge) {
  l7::imap::limits l;
  l.max_command = 30;
  auto events = reader_whole("t1 LOGIN {20}\r\n", l);
  EXPECT_EQ(events, std::vector<std::string>{"E:" + std::to_string(int(error::command_too_large)) + ":t1"});
}

TEST(ImapReader, AuthenticateResponseLines) {
  command_reader r;
  std::error_code ec;
  std::string_view in = "a AUTHENTICATE PLAIN\r\nAGJvYgBwdw==\r\nb NOOP\r\n";
  in.remove_prefix(r.parse(in, ec));
  ASSERT_EQ(r.last_event(), command_reader::event::command);
  r.read_line();
  in.remove_prefix(r.parse(in, ec));
  ASSERT_EQ(r.last_event(), command_reader::event::line);
  EXPECT_EQ(r.raw(), "AGJvYgBwdw==");
  in.remove_prefix(r.parse(in, ec));
  ASSERT_EQ(r.last_event(), command_reader::event::command);
  EXPECT_EQ(r.raw(), "b NOOP\r\n");
  EXPECT_TRUE(in.empty());
}

// One of every command family, split at every offset: the same raw bytes and the same parse.
TEST(ImapReader, EveryCommandSplitAtEveryOffset) {
  const std::vector<std::string> commands = {
      "a CAPABILITY\r\n", "a AUTHENTICATE PLAIN AGJvYgBwdw==\r\n", "a LOGIN {3}\r\nbob \"p w\"\r\n",
      "a ENABLE QRESYNC\r\n", "a SELECT INBOX (QRESYNC (1 2 1:9 (1:3 4:6)))\r\n",
      "a CREATE x (USE (\\Sent))\r\n", "a RENAME {1+}\r\nx y\r\n",
      "a LIST (SUBSCRIBED) \"\" (% *) RETURN (STATUS (MESSAGES))\r\n", "a LSUB \"\" *\r\n",
      "a STATUS x (MESSAGES SIZE)\r\n", "a APPEND x (\\Seen) \" 1-Jan-2000 00:00:00 +0000\" {2}\r\nhi\r\n",
      "a UID EXPUNGE 1:*\r\n", "a UID SEARCH RETURN (ALL) CHARSET UTF-8 OR SEEN TEXT {2}\r\nxy\r\n",
      "a FETCH 1:* (BODY.PEEK[1.HEADER.FIELDS (TO)]<0.5> BINARY[2])\r\n",
      "a STORE 1 +FLAGS.SILENT (\\Seen)\r\n", "a UID MOVE 1:3 {5}\r\nTrash\r\n",
      "a SORT (DATE) UTF-8 ALL\r\n", "a THREAD REFS UTF-8 ALL\r\n", "a ID NIL\r\n",
      "a GETQUOTA \"\"\r\n", "a COMPRESS DEFLATE\r\n", "a LOGIN \"unterminated\r\n",
  };
  for (const auto& raw : commands) {
    l7::imap::command whole, split;
    std::error_code whole_ec, split_ec;
    l7::imap::parse_command(raw, {}, whole, whole_ec);
    for (std::size_t i = 0; i <= raw.size(); ++i) {
      command_reader r;
      std::string_view s(raw);
      auto events = reader_events(r, {s.substr(0, i), s.substr(i)});
      ASSERT_FALSE(events.empty());
      EXPECT_EQ(events.back(), "C:" + raw) << i;
      r.take(split, split_ec);
      EXPECT_EQ(split_ec, whole_ec);
      EXPECT_EQ(split.tag, whole.tag);
      EXPECT_EQ(split.name, whole.name);
      EXPECT_EQ(split.args.index(), whole.args.index());
    }
  }
}

TEST(ImapReader, TakeParsesTheCommand) {
  command_reader r;
  std::error_code ec;
  r.parse(std::string_view("x LOGIN {3}\r\n"), ec);
  ASSERT_EQ(r.last_event(), command_reader::event::continuation);
  r.parse(std::string_view("bob \"pw\"\r\n"), ec);
  ASSERT_EQ(r.last_event(), command_reader::event::command);
  l7::imap::command c;
  r.take(c, ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(std::get<l7::imap::login>(c.args).user, "bob");
  EXPECT_EQ(std::get<l7::imap::login>(c.args).password, "pw");
}

}  // namespace
