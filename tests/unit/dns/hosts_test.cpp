// hosts(5) files: aliases, IPv4 and IPv6, comments, and bad lines skipped with a warning.
#include "dns/codec/hosts.hpp"

#include <gtest/gtest.h>

#include "dns_test_util.hpp"

namespace l7::dns {
namespace {

using testing::make_name;

hosts_entry entry(std::string_view address, std::initializer_list<std::string_view> names) {
  hosts_entry e{*ip_address::parse(address), {}};
  for (const auto n : names) e.names.push_back(make_name(n));
  return e;
}

TEST(DnsHosts, AddressesNamesAndAliases) {
  std::vector<std::string> warnings;
  const auto entries = parse_hosts(
      "# The following lines are desirable for IPv4 capable hosts\n"
      "127.0.0.1\tlocalhost\n"
      "\n"
      "192.0.2.10   host.example.com host   alias.  # trailing comment\n"
      "::1     localhost ip6-localhost ip6-loopback\r\n"
      "  2001:db8::5 v6.example.com\n"
      "10.0.0.1 last.example",  // no final newline
      &warnings);
  const std::vector<hosts_entry> expected = {
      entry("127.0.0.1", {"localhost"}),
      entry("192.0.2.10", {"host.example.com", "host", "alias"}),
      entry("::1", {"localhost", "ip6-localhost", "ip6-loopback"}),
      entry("2001:db8::5", {"v6.example.com"}),
      entry("10.0.0.1", {"last.example"}),
  };
  EXPECT_EQ(entries, expected);
  EXPECT_TRUE(warnings.empty());
}

TEST(DnsHosts, BadLinesAreSkippedWithTheirLineNumber) {
  std::vector<std::string> warnings;
  const auto entries = parse_hosts(
      "fe80::1%eth0 router.local\n"           // 1: scoped
      "192.0.2.300 broken\n"                  // 2: bad address
      "192.0.2.1\n"                           // 3: no name
      "good.example 192.0.2.2\n"              // 4: name where the address goes
      "192.0.2.3 ok bad..name\n"              // 5: an invalid name spoils the line
      "192.0.2.4 " + std::string(64, 'x') + "\n"  // 6: label over 63 octets
      "192.0.2.5 fine\n",                     // 7
      &warnings);
  EXPECT_EQ(entries, std::vector<hosts_entry>{entry("192.0.2.5", {"fine"})});
  ASSERT_EQ(warnings.size(), 6u);
  for (std::size_t i = 0; i < warnings.size(); ++i)
    EXPECT_EQ(warnings[i].rfind("line " + std::to_string(i + 1) + ": ", 0), 0u) << warnings[i];
  EXPECT_NE(warnings[0].find("scoped"), std::string::npos);
  EXPECT_NE(warnings[0].find("fe80::1%eth0"), std::string::npos);
  EXPECT_NE(warnings[1].find("192.0.2.300"), std::string::npos);
  EXPECT_NE(warnings[4].find("bad..name"), std::string::npos);
}

TEST(DnsHosts, WarningsAreOptional) {
  const auto entries = parse_hosts("bogus line\n192.0.2.1 a\n", nullptr);
  EXPECT_EQ(entries, std::vector<hosts_entry>{entry("192.0.2.1", {"a"})});
  EXPECT_TRUE(parse_hosts("", nullptr).empty());
  EXPECT_TRUE(parse_hosts("#only\n   \n", nullptr).empty());
}

}  // namespace
}  // namespace l7::dns
