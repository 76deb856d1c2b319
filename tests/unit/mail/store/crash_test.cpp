// Kill -9 at random moments while a child process delivers, stores flags, expunges and
// moves; after every kill a fresh store must hold every acknowledged message, readable and
// intact, and no index row may point at a missing file.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "mail/store/store.hpp"
#include "unit/app/temp_dir.hpp"

namespace l7::mail::test {
namespace {

std::string expected_message(unsigned n) {
  return "Subject: crash " + std::to_string(n) + "\r\n\r\n" + std::string(n % 3000, 'x') + "\r\n";
}

// Runs the child until it has acknowledged something, lets it go on for `extra_ms`, kills it
// with SIGKILL and returns the complete lines it printed.
std::vector<std::string> run_and_kill(const std::string& dir, const char* mode, unsigned seed, int extra_ms) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    int null_fd = ::open("/dev/null", O_WRONLY);
    ::dup2(null_fd, 2);
    ::close(fds[0]);
    std::string seed_text = std::to_string(seed);
    ::execl(L7_MAIL_STORE_CRASH_CHILD, L7_MAIL_STORE_CRASH_CHILD, dir.c_str(), mode, seed_text.c_str(), nullptr);
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string out;
  auto read_some = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    auto n = ::read(fds[0], buf, sizeof buf);
    if (n > 0) out.append(buf, static_cast<std::size_t>(n));
    return n > 0;
  };
  auto start = std::chrono::steady_clock::now();
  while (out.find('\n') == std::string::npos && std::chrono::steady_clock::now() - start < std::chrono::seconds(20))
    read_some(50);
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(extra_ms);
  while (std::chrono::steady_clock::now() < until) read_some(1);
  ::kill(pid, SIGKILL);
  while (read_some(1000)) {
  }
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status)) << "child exited early with status " << status;
  std::vector<std::string> lines;
  std::istringstream in(out.substr(0, out.rfind('\n') + 1));
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct acknowledged {
  std::map<std::string, unsigned> inbox, capture;  // id -> message number
  std::set<std::string> at_risk;                  // expunges and moves the child started
  std::map<std::string, std::uint32_t> uids;      // INBOX UIDs seen by earlier checks
  std::uint32_t uidvalidity = 0;                  // INBOX's, once seen
};

// A kill must never force an index rebuild: UIDVALIDITY and every UID handed out stay.
void check_uids_stable(const folder_snapshot& snap, acknowledged& ack) {
  if (ack.uidvalidity) {
    EXPECT_EQ(snap.uidvalidity, ack.uidvalidity) << "index rebuilt after a kill";
  }
  ack.uidvalidity = snap.uidvalidity;
  for (const auto& m : snap.messages) {
    auto [it, inserted] = ack.uids.emplace(m.id, m.uid);
    EXPECT_EQ(it->second, m.uid) << "UID of " << m.id << " changed";
  }
}

void record(acknowledged& ack, const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    std::istringstream in(line);
    std::string kind, id;
    unsigned n = 0;
    in >> kind >> id >> n;
    if (kind == "D") ack.inbox[id] = n;
    else if (kind == "C") ack.capture[id] = n;
    else if (kind == "X") ack.at_risk.insert(id);
  }
}

// After a sync: every row's file exists and every acknowledged message is there, intact.
void check_folder(folder& f, const std::map<std::string, unsigned>& expected, const std::set<std::string>& at_risk,
                  folder_snapshot& snap) {
  ASSERT_FALSE(f.sync());
  ASSERT_FALSE(f.snapshot(snap));
  std::map<std::string, std::uint32_t> present;
  for (const auto& m : snap.messages) {
    EXPECT_TRUE(std::filesystem::exists(m.path)) << "index row without a file: " << m.path;
    present[m.id] = m.uid;
  }
  EXPECT_EQ(present.size(), snap.messages.size());
  for (const auto& [id, n] : expected) {
    if (at_risk.count(id)) continue;
    auto it = present.find(id);
    ASSERT_NE(it, present.end()) << "acknowledged message lost: " << id;
    std::string bytes;
    ASSERT_FALSE(f.read(it->second, bytes)) << id;
    EXPECT_EQ(bytes, expected_message(n)) << id;
  }
}

void check_store(const std::filesystem::path& dir, acknowledged& ack) {
  store s(dir, {});
  std::error_code ec;
  auto alice = s.open_account("alice", ec);
  ASSERT_TRUE(alice);
  auto inbox = alice->open_folder("INBOX", ec);
  ASSERT_TRUE(inbox) << ec.message();
  folder_snapshot snap;
  check_folder(*inbox, ack.inbox, ack.at_risk, snap);
  check_uids_stable(snap, ack);
  if (auto archive = alice->open_folder("Archive", ec)) check_folder(*archive, {}, {}, snap);
  auto capture = s.open_capture()->open_folder("INBOX", ec);
  ASSERT_TRUE(capture) << ec.message();
  check_folder(*capture, ack.capture, {}, snap);
}

void crash_rounds(const char* mode, int rounds) {
  l7::test::temp_dir dir;
  unsigned seed = std::random_device{}();
  SCOPED_TRACE(std::string("mode ") + mode + ", seed " + std::to_string(seed));
  std::mt19937 rng(seed);
  acknowledged ack;
  for (int round = 0; round < rounds; ++round) {
    record(ack, run_and_kill(dir.path().string(), mode, rng(), static_cast<int>(rng() % 120)));
    check_store(dir.path(), ack);
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GT(ack.inbox.size(), static_cast<std::size_t>(rounds));
  std::cout << mode << ": " << rounds << " kills, " << ack.inbox.size() << " acknowledged deliveries, "
            << ack.capture.size() << " captured, " << ack.at_risk.size() << " expunges/moves started\n";
}

TEST(mail_store_crash, kill_during_delivery_loses_no_acknowledged_message) { crash_rounds("deliver", 40); }

TEST(mail_store_crash, kill_during_index_updates_leaves_no_dangling_rows) { crash_rounds("churn", 40); }

}  // namespace
}  // namespace l7::mail::test
