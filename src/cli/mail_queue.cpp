// `l7 mail queue`: what the SMTP relay still has to deliver (like Postfix's mailq), read from
// <data>/queue/smtp without changing it, so it is safe while `l7 serve` runs.
// Exit codes: 0 (also for an empty queue), 2 usage or I/O error.
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "smtp/relay/queue.hpp"

namespace l7::cli {
namespace {

namespace rl = l7::smtp::relay;

struct queue_args {
  std::string data = "./l7-data";
  bool json = false;
};

std::string local_time(std::int64_t t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  ::localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

const char* state_word(rl::rcpt_state s) {
  switch (s) {
    case rl::rcpt_state::pending: return "pending";
    case rl::rcpt_state::delivered: return "delivered";
    case rl::rcpt_state::failed: return "failed";
  }
  return "pending";
}

int run_queue(const queue_args& a) {
  const auto dir = std::filesystem::path(a.data) / "queue" / "smtp";
  std::error_code ec;
  if (!std::filesystem::exists(a.data, ec)) {
    fmt::print(stderr, "l7 mail queue: no data directory {}\n", a.data);
    return 2;
  }
  const rl::queue q(dir);
  std::vector<std::uint64_t> sizes;
  const auto entries = q.list(&sizes);
  if (a.json) {
    auto out = nlohmann::json::array();
    for (std::size_t i = 0; i < entries.size(); ++i) {
      auto j = nlohmann::json::parse(rl::to_json(entries[i]));
      j["size"] = sizes[i];
      out.push_back(std::move(j));
    }
    fmt::print("{}\n", out.dump(1, ' ', false, nlohmann::json::error_handler_t::replace));
    return 0;
  }
  if (entries.empty()) {
    fmt::print("Mail queue is empty\n");
    return 0;
  }
  fmt::print("{:<16}  {:>9}  {:<19}  {:<19}  {}\n", "ID", "SIZE", "ARRIVED", "NEXT ATTEMPT", "SENDER");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    fmt::print("{:<16}  {:>9}  {:<19}  {:<19}  <{}>\n", e.id, sizes[i], local_time(e.arrival),
               local_time(e.next_attempt), e.from);
    for (const auto& r : e.recipients) {
      fmt::print("    {:<9} <{}>", state_word(r.state), r.address);
      if (!r.diagnostic.empty()) fmt::print("  ({}{})", r.remote.empty() ? "" : r.remote + ": ", r.diagnostic);
      fmt::print("\n");
    }
  }
  fmt::print("-- {} message{} in the queue, {} attempt{} so far for the oldest\n", entries.size(),
             entries.size() == 1 ? "" : "s", entries.front().attempts, entries.front().attempts == 1 ? "" : "s");
  return 0;
}

}  // namespace

void add_mail_queue_command(CLI::App& mail) {
  auto a = std::make_shared<queue_args>();
  auto* cmd = mail.add_subcommand("queue", "List the SMTP relay's outbound queue (like mailq); read-only");
  cmd->add_option("--data", a->data, "Data directory (default ./l7-data)");
  cmd->add_flag("--json", a->json, "The entries as JSON (envelope, per-recipient state, size)");
  cmd->callback([a] {
    const int code = run_queue(*a);
    std::fflush(stdout);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace l7::cli
