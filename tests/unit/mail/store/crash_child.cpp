// mail_store_crash_child DATA_DIR MODE SEED: works on the store in a loop until killed, and
// prints a line for every step the moment the store has acknowledged it:
//   D <id> <n>   delivered message number n (store::deliver returned success)
//   C <id> <n>   delivered into the capture mailbox
//   X <id>       about to expunge or move this message (it may or may not survive a kill)
// MODE "deliver" only delivers; MODE "churn" also stores flags, expunges, moves and syncs,
// so that kills land inside index transactions and file renames.
#include <unistd.h>

#include <cstdlib>
#include <random>
#include <string>

#include "mail/store/store.hpp"

namespace {

using namespace l7::mail;

std::string crash_message(unsigned n) {
  return "Subject: crash " + std::to_string(n) + "\r\n\r\n" + std::string(n % 3000, 'x') + "\r\n";
}

void say(const std::string& line) {
  std::string out = line + "\n";
  (void)!::write(1, out.data(), out.size());
}

void deliver_one(store& s, unsigned n, bool capture) {
  delivery_info info;
  info.meta = "{\"n\":" + std::to_string(n) + "}";
  std::string id;
  auto ec = capture ? s.deliver_capture(crash_message(n), info, &id) : s.deliver("alice", "INBOX", crash_message(n), info, &id);
  if (!ec) say((capture ? "C " : "D ") + id + " " + std::to_string(n));
}

void churn_step(folder& inbox, folder& archive, std::mt19937& rng) {
  folder_snapshot snap;
  if (inbox.snapshot(snap) || snap.messages.empty()) return;
  const auto& m = snap.messages[rng() % snap.messages.size()];
  switch (rng() % 6) {
    case 0: {
      say("X " + m.id);
      std::vector<std::uint32_t> gone, one{m.uid};
      inbox.expunge(&one, false, gone);
      break;
    }
    case 1: {
      say("X " + m.id);
      uid_mapping map;
      inbox.move({m.uid}, archive, map);
      break;
    }
    case 2:
      inbox.sync(true);
      break;
    default: {
      store_result r;
      flag_set flags{rng() % 2 ? "\\Seen" : "\\Flagged", rng() % 2 ? "$Work" : "\\Answered"};
      inbox.store_flags({m.uid}, static_cast<flag_op>(rng() % 3), flags, std::nullopt, r);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return 2;
  store s(argv[1], {});
  std::string mode = argv[2];
  std::mt19937 rng(static_cast<unsigned>(std::strtoul(argv[3], nullptr, 10)));
  std::error_code ec;
  auto alice = s.open_account("alice", ec);
  if (!alice) return 1;
  alice->create_folder("Archive");
  auto inbox = alice->open_folder("INBOX", ec);
  auto archive = alice->open_folder("Archive", ec);
  if (!inbox || !archive) return 1;
  for (unsigned n = static_cast<unsigned>(rng() % 1000000) * 1000; ; ++n) {
    deliver_one(s, n, mode == "deliver" && n % 4 == 0);
    if (mode == "churn")
      for (int i = 0; i < 3; ++i) churn_step(*inbox, *archive, rng);
  }
}
