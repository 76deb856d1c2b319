// SEARCH and UID SEARCH (RFC 9051 §6.4.4), with ESEARCH results (RFC 4731, RFC 9051 §7.3.4),
// SEARCHRES (RFC 5182) and CONDSTORE's MODSEQ (RFC 7162 §3.1.5); SORT and THREAD (RFC 5256) on
// the same evaluation. Runs on the thread pool in batches, reading message files only for keys
// (and sort criteria) that need them.
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

net::awaitable<std::error_code> session::search_view(const search_key& key, std::vector<std::uint32_t>& hits,
                                                     std::uint64_t& max_modseq, std::vector<sort_item>* items) {
  const content_need need = std::max(search_need(key), items ? content_need::header : content_need::none);
  search_context ctx;
  ctx.messages = view_.size();
  ctx.last_uid = view_.last_uid();
  ctx.saved = &saved_;
  ctx.now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::sort(saved_.begin(), saved_.end());
  const std::vector<std::uint32_t> all = view_.all();
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
        if (search_matches(key, d, ctx)) {
          hits.push_back(r.uid);
          max_modseq = std::max(max_modseq, r.modseq);
          if (items) items->push_back(make_sort_item(d));
        }
      }
      return {};
    });
    if (ec) co_return ec;
  }
  co_return std::error_code{};
}

net::awaitable<void> session::on_sort(const command& cmd) {
  const bool is_sort = cmd.name == command_name::sort;
  const auto& charset = is_sort ? std::get<imap::sort>(cmd.args).charset : std::get<imap::thread>(cmd.args).charset;
  const auto& key = is_sort ? std::get<imap::sort>(cmd.args).key : std::get<imap::thread>(cmd.args).key;
  if (!iequals(charset, "UTF-8") && !iequals(charset, "US-ASCII")) {
    no(cmd, "Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");
    co_return;
  }
  std::string algorithm;
  if (!is_sort) {
    algorithm = std::get<imap::thread>(cmd.args).algorithm;
    if (algorithm != "ORDEREDSUBJECT" && algorithm != "REFERENCES") {
      bad(cmd, "Unknown threading algorithm");  // RFC 5256 §5: THREAD=... lists the known ones
      co_return;
    }
  }
  std::vector<std::uint32_t> hits;
  std::uint64_t max_modseq = 0;
  std::vector<sort_item> items;
  if (auto ec = co_await search_view(key, hits, max_modseq, &items)) {
    store_failed(cmd, ec, is_sort ? "SORT" : "THREAD");
    co_return;
  }
  std::string& out = io_.out();
  if (is_sort) {
    sort_items(items, std::get<imap::sort>(cmd.args).criteria);
    out += "* SORT";
    for (const auto& it : items) out += " " + std::to_string(cmd.uid ? it.uid : it.seq);
    out += "\r\n";
  } else {
    out += "* THREAD ";
    out += algorithm == "REFERENCES" ? thread_references(std::move(items), cmd.uid)
                                     : thread_ordered_subject(std::move(items), cmd.uid);
    out += "\r\n";
  }
  ok(cmd, is_sort ? (cmd.uid ? "UID SORT completed" : "SORT completed")
                  : (cmd.uid ? "UID THREAD completed" : "THREAD completed"));
}

net::awaitable<void> session::on_search(const command& cmd) {
  const auto& args = std::get<search>(cmd.args);
  if (!args.charset.empty() && !iequals(args.charset, "UTF-8") && !iequals(args.charset, "US-ASCII")) {
    no(cmd, "Unsupported charset", "BADCHARSET (UTF-8 US-ASCII)");  // RFC 9051 §6.4.4
    co_return;
  }
  const bool uses_modseq = search_uses_modseq(args.key);
  if (uses_modseq) condstore_ = true;

  std::vector<std::uint32_t> hits;  // UIDs, ascending
  std::uint64_t max_modseq = 0;
  if (auto ec = co_await search_view(args.key, hits, max_modseq, nullptr)) {
    store_failed(cmd, ec, "SEARCH");
    co_return;
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
