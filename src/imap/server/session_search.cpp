// SEARCH and UID SEARCH (RFC 9051 §6.4.4), with ESEARCH results (RFC 4731, RFC 9051 §7.3.4),
// SEARCHRES (RFC 5182) and CONDSTORE's MODSEQ (RFC 7162 §3.1.5). Runs on the thread pool in
// batches, reading message files only for keys that need them.
#include <algorithm>
#include <chrono>

#include "core/text.hpp"
#include "imap/server/search_eval.hpp"
#include "imap/server/session.hpp"
#include "mail/store/error.hpp"

namespace l7::imap::server {
namespace {

constexpr std::size_t batch = 500;

}  // namespace

net::awaitable<void> session::on_search(const command& cmd) {
  const auto& args = std::get<search>(cmd.args);
  if (!args.charset.empty() && !iequals(args.charset, "UTF-8") && !iequals(args.charset, "US-ASCII")) {
    no(cmd, "Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");  // RFC 9051 §6.4.4
    co_return;
  }
  const bool uses_modseq = search_uses_modseq(args.key);
  if (uses_modseq) condstore_ = true;
  const content_need need = search_need(args.key);
  search_context ctx;
  ctx.messages = view_.size();
  ctx.last_uid = view_.last_uid();
  ctx.saved = &saved_;
  ctx.now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::sort(saved_.begin(), saved_.end());

  const std::vector<std::uint32_t> all = view_.all();
  std::vector<std::uint32_t> hits;  // UIDs, ascending
  std::uint64_t max_modseq = 0;
  auto folder = folder_;
  for (std::size_t start = 0; start < all.size(); start += batch) {
    const std::size_t end = std::min(all.size(), start + batch);
    auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
      std::vector<mail::message_record> records;
      if (auto e = folder->messages(all[start], all[end - 1], records, false)) return e;
      for (const auto& r : records) {
        message_data d;
        d.record = &r;
        d.seq = view_.seq_of(r.uid);
        if (!d.seq) continue;
        if (need != content_need::none) {
          auto e = folder->read(r, d.content, need == content_need::header);
          if (e == mail::store_error::no_such_message) continue;
          if (e) return e;
          d.parse();
        }
        if (search_matches(args.key, d, ctx)) {
          hits.push_back(r.uid);
          max_modseq = std::max(max_modseq, r.modseq);
        }
      }
      return {};
    });
    if (ec) {
      store_failed(cmd, ec, "SEARCH");
      co_return;
    }
  }

  auto number = [&](std::uint32_t uid) { return cmd.uid ? uid : view_.seq_of(uid); };
  std::string& out = io_.out();
  const bool extended = args.return_options.has_value() || rev2_;
  if (!extended) {
    out += "* SEARCH";
    for (auto u : hits) out += " " + std::to_string(number(u));
    if (uses_modseq && !hits.empty()) out += " (MODSEQ " + std::to_string(max_modseq) + ")";
    out += "\r\n";
    ok(cmd, cmd.uid ? "UID SEARCH completed" : "SEARCH completed");
    co_return;
  }
  std::vector<search_return> ret = args.return_options ? *args.return_options : std::vector<search_return>{};
  if (ret.empty()) ret.push_back(search_return::all);  // RETURN () is ALL (RFC 4731 §3.1)
  auto has = [&](search_return r) { return std::find(ret.begin(), ret.end(), r) != ret.end(); };
  if (has(search_return::save)) {
    // RFC 5182 §2.4: with MIN or MAX (and not ALL or COUNT), only those are saved.
    const bool only_ends = (has(search_return::min) || has(search_return::max)) && !has(search_return::all) &&
                           !has(search_return::count);
    saved_.clear();
    if (only_ends && !hits.empty()) {
      if (has(search_return::min)) saved_.push_back(hits.front());
      if (has(search_return::max) && hits.back() != hits.front()) saved_.push_back(hits.back());
    } else {
      saved_ = hits;
    }
    if (ret.size() == 1) {  // SAVE alone: no ESEARCH response (RFC 5182 §2.4)
      ok(cmd, "SEARCH completed, result saved");
      co_return;
    }
  }
  out += "* ESEARCH (TAG ";
  append_string(out, cmd.tag);
  out += ")";
  if (cmd.uid) out += " UID";
  if (!hits.empty()) {
    if (has(search_return::min)) out += " MIN " + std::to_string(number(hits.front()));
    if (has(search_return::max)) out += " MAX " + std::to_string(number(hits.back()));
  }
  if (has(search_return::count)) out += " COUNT " + std::to_string(hits.size());
  if (has(search_return::all) && !hits.empty()) {
    std::vector<std::uint32_t> numbers;
    numbers.reserve(hits.size());
    for (auto u : hits) numbers.push_back(number(u));
    out += " ALL " + format_sequence_set(std::move(numbers));
  }
  if (uses_modseq && !hits.empty()) out += " MODSEQ " + std::to_string(max_modseq);
  out += "\r\n";
  ok(cmd, cmd.uid ? "UID SEARCH completed" : "SEARCH completed");
}

}  // namespace l7::imap::server
