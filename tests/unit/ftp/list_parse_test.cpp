// Reading listings: MLSD/MLST lines (RFC 3659 §7, with the RFC's examples) and `ls -l` LIST
// lines as vsftpd, ProFTPD and GNU ls write them; round trips through listing.hpp's formatters.
#include <gtest/gtest.h>

#include "ftp/codec/list_parse.hpp"

namespace l7::ftp {
namespace {

using kind = file_facts::kind;

// 2026-11-21 12:00:00 UTC
constexpr std::int64_t now = 1795262400;

TEST(ftp_mlsx_parse, rfc3659_examples) {
  // §7.7.2 (MLST reply line, leading space stripped) and §7.7.3 (MLSD lines).
  auto a = parse_mlsx_line("type=file;size=1830;modify=19940916055648;perm=r; /tmp/cap60.pl198.tar.gz");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->facts.type, kind::file);
  EXPECT_EQ(a->facts.size, 1830u);
  EXPECT_TRUE(a->has_size);
  EXPECT_EQ(a->facts.mtime, 779695008);  // 1994-09-16 05:56:48 UTC
  EXPECT_TRUE(a->mtime_exact);
  EXPECT_EQ(a->facts.perm, "r");
  EXPECT_EQ(a->facts.name, "/tmp/cap60.pl198.tar.gz");

  auto d = parse_mlsx_line("Type=cdir;Modify=19981107085215;Perm=el; tmp");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->facts.type, kind::cdir);
  EXPECT_EQ(d->facts.perm, "el");
  EXPECT_FALSE(d->has_size);

  auto p = parse_mlsx_line("Type=pdir;Modify=19990112030508;Perm=el; ..");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->facts.type, kind::pdir);
  EXPECT_EQ(p->facts.name, "..");

  auto u = parse_mlsx_line("Type=file;Size=25730;Modify=19940728095854;Perm=; capmux.tar.z");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->facts.size, 25730u);
  EXPECT_EQ(u->facts.perm, "");
}

TEST(ftp_mlsx_parse, unix_facts_and_case) {
  auto e = parse_mlsx_line(
      "TYPE=DIR;UNIX.mode=0755;UNIX.owner=1000;UNIX.group=100;UNIX.ownername=alice;sizd=4096; my dir");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.type, kind::dir);
  EXPECT_EQ(e->facts.mode, 0755u);
  EXPECT_TRUE(e->has_mode);
  EXPECT_EQ(e->facts.owner, "alice");
  EXPECT_EQ(e->facts.group, "100");
  EXPECT_EQ(e->facts.size, 4096u);
  EXPECT_EQ(e->facts.name, "my dir");
}

TEST(ftp_mlsx_parse, symlink_spellings_and_other_types) {
  EXPECT_EQ(parse_mlsx_line("type=OS.unix=slink:/etc/x; x")->facts.type, kind::link);
  EXPECT_EQ(parse_mlsx_line("type=OS.unix=symlink; x")->facts.type, kind::link);
  EXPECT_EQ(parse_mlsx_line("type=OS.unix=chr-13/29; tty")->facts.type, kind::other);
}

TEST(ftp_mlsx_parse, name_may_hold_spaces_semicolons_and_equals) {
  auto e = parse_mlsx_line("type=file;size=3; a b;c=d ");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.name, "a b;c=d ");
}

TEST(ftp_mlsx_parse, no_facts_at_all) {
  auto e = parse_mlsx_line(" plain");  // §7.2: facts are optional, the space is not
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.name, "plain");
  EXPECT_FALSE(e->has_size);
  EXPECT_FALSE(e->has_mtime);
}

TEST(ftp_mlsx_parse, unknown_facts_ignored_bad_values_unset) {
  auto e = parse_mlsx_line("x.vendor=1;unique=802U1A;size=big;modify=2026;unix.mode=999;type=file; f");
  ASSERT_TRUE(e);
  EXPECT_FALSE(e->has_size);
  EXPECT_FALSE(e->has_mtime);
  EXPECT_FALSE(e->has_mode);
  EXPECT_EQ(e->facts.name, "f");
}

TEST(ftp_mlsx_parse, malformed) {
  for (const char* line : {"", "type=file;size=1;", "type=file;size=1; ", "type=file;size=1 f",
                           "type;size=1; f", "=x; f", "nospace"}) {
    EXPECT_FALSE(parse_mlsx_line(line)) << line;
  }
}

TEST(ftp_mlsx_parse, round_trip_with_formatter) {
  file_facts f;
  f.name = "report 2026.pdf";
  f.size = 123456789;
  f.mtime = 1795000000;
  f.mode = 0640;
  f.perm = "adfrw";
  auto e = parse_mlsx_line(format_mlsx_line(f, mlst_facts{}));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.name, f.name);
  EXPECT_EQ(e->facts.size, f.size);
  EXPECT_EQ(e->facts.mtime, f.mtime);
  EXPECT_EQ(e->facts.mode, f.mode);
  EXPECT_EQ(e->facts.perm, f.perm);
  EXPECT_EQ(e->facts.type, kind::file);
}

TEST(ftp_list_parse, vsftpd_lines) {
  auto f = parse_list_line("-rw-r--r--    1 1000     1000      5242887 Nov 20 17:03 big.bin", now);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->facts.type, kind::file);
  EXPECT_EQ(f->facts.mode, 0644u);
  EXPECT_EQ(f->facts.nlink, 1u);
  EXPECT_EQ(f->facts.owner, "1000");
  EXPECT_EQ(f->facts.group, "1000");
  EXPECT_EQ(f->facts.size, 5242887u);
  EXPECT_EQ(f->facts.mtime, 1795194180);  // 2026-11-20 17:03 UTC
  EXPECT_FALSE(f->mtime_exact);
  EXPECT_EQ(f->facts.name, "big.bin");

  auto d = parse_list_line("drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2024 sub dir", now);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->facts.type, kind::dir);
  EXPECT_EQ(d->facts.mode, 0755u);
  EXPECT_EQ(d->facts.mtime, 1704153600);  // 2024-01-02 00:00 UTC
  EXPECT_EQ(d->facts.name, "sub dir");
}

TEST(ftp_list_parse, year_of_a_clock_time_is_the_latest_not_in_the_future) {
  auto e = parse_list_line("-rw-r--r-- 1 a b 1 Dec 24 10:00 x", now);  // Dec 24 is ahead: 2025
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.mtime, 1766570400);  // 2025-12-24 10:00 UTC
  auto t = parse_list_line("-rw-r--r-- 1 a b 1 Nov 22 10:00 x", now);  // tomorrow: slack
  ASSERT_TRUE(t);
  EXPECT_EQ(t->facts.mtime, 1795341600);  // 2026-11-22 10:00 UTC
}

TEST(ftp_list_parse, symlink_target_split) {
  auto l = parse_list_line("lrwxrwxrwx    1 0        0               7 Mar 05  2023 latest -> v1.2.3", now);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->facts.type, kind::link);
  EXPECT_EQ(l->facts.name, "latest");
  EXPECT_EQ(l->link_target, "v1.2.3");
  // " -> " in a regular file's name is part of the name.
  auto f = parse_list_line("-rw-r--r-- 1 a b 1 Mar 05  2023 a -> b", now);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->facts.name, "a -> b");
}

TEST(ftp_list_parse, special_bits_and_acl_mark) {
  auto e = parse_list_line("-rwsr-sr-T+ 1 root root 10 Mar 05  2023 s", now);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.mode, 04000u | 02000u | 01000u | 0754u);
  auto t = parse_list_line("drwxrwxrwt 9 root root 4096 Mar 05  2023 tmp", now);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->facts.mode, 01777u);
}

TEST(ftp_list_parse, without_group_column) {
  auto e = parse_list_line("-rw-r--r-- 1 owner 1234 Jan 01  2020 file.txt", now);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.owner, "owner");
  EXPECT_EQ(e->facts.group, "");
  EXPECT_EQ(e->facts.size, 1234u);
  EXPECT_EQ(e->facts.name, "file.txt");
}

TEST(ftp_list_parse, owner_that_looks_like_a_month) {
  auto e = parse_list_line("-rw-r--r-- 1 may jun 77 Jul 04  2021 f", now);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->facts.owner, "may");
  EXPECT_EQ(e->facts.group, "jun");
  EXPECT_EQ(e->facts.size, 77u);
}

TEST(ftp_list_parse, not_entries) {
  for (const char* line : {"", "total 12", "-rw-r--r-- 1 a b 5 Jan 01 2020", "garbage line here x y z w",
                           "-rw-r--r-- 1 a b x Jan 01 2020 f", "-rw-r--r-- 1 a b 5 Foo 01 2020 f",
                           "-rw-r--r-- 1 a b 5 Feb 30 2020 f", "-rw-r--r-- 1 a b 5 Jan 01 25:00 f",
                           "zrw-r--r-- 1 a b 5 Jan 01 2020 f", "-rq-r--r-- 1 a b 5 Jan 01 2020 f"}) {
    EXPECT_FALSE(parse_list_line(line, now)) << line;
  }
}

TEST(ftp_list_parse, round_trip_with_formatter) {
  for (std::int64_t mtime : {now - 3600, now - 400 * 86400}) {
    file_facts f;
    f.name = "name with  two spaces";
    f.type = kind::dir;
    f.size = 4096;
    f.mtime = mtime - mtime % 60;
    f.mode = 0750;
    f.nlink = 3;
    auto e = parse_list_line(format_list_line(f, now), now);
    ASSERT_TRUE(e) << format_list_line(f, now);
    EXPECT_EQ(e->facts.name, f.name);
    EXPECT_EQ(e->facts.type, f.type);
    EXPECT_EQ(e->facts.size, f.size);
    EXPECT_EQ(e->facts.mode, f.mode);
    EXPECT_EQ(e->facts.nlink, 3u);
    // an old file shows only its day
    EXPECT_EQ(e->facts.mtime, mtime == now - 3600 ? f.mtime : f.mtime - f.mtime % 86400);
  }
}

}  // namespace
}  // namespace l7::ftp

namespace l7::ftp {
namespace {
// Fuzzer finding: a symlink whose name is only spaces could not be written back; it is refused
// like a regular file with such a name.
TEST(ftp_list_parse, names_of_spaces_alone_are_refused) {
  EXPECT_FALSE(parse_list_line("lrwxrwxrwx 1 0 0 7 Mar 3 2019   -> target", 0));
  EXPECT_FALSE(parse_list_line("-rw-r--r-- 1 0 0 7 Mar 3 2019   ", 0));
  EXPECT_TRUE(parse_list_line("lrwxrwxrwx 1 0 0 7 Mar 3 2019 a -> target", 0));
}
}  // namespace
}  // namespace l7::ftp
