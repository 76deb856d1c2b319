// Authenticated state (RFC 9051 §6.3): LIST / LSUB (with LIST-EXTENDED RFC 5258, LIST-STATUS
// RFC 5819, SPECIAL-USE RFC 6154), STATUS, CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE,
// APPEND (UIDPLUS RFC 4315, MULTIAPPEND RFC 3502, BINARY RFC 3516), NAMESPACE, QUOTA (RFC 9208).
#include <algorithm>

#include <spdlog/spdlog.h>

#include "core/text.hpp"
#include "imap/server/list_match.hpp"
#include "imap/server/message_data.hpp"
#include "imap/server/session.hpp"
#include "mail/store/account.hpp"
#include "mail/store/error.hpp"
#include "mail/store/flags.hpp"

namespace l7::imap::server {
namespace {

bool has(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

bool is_inbox(std::string_view name) { return iequals(name, "INBOX"); }

// A trailing separator names the same mailbox (RFC 9051 §6.3.4: "foo." creates "foo").
std::string trim_separator(std::string name) {
  while (name.size() > 1 && name.back() == hierarchy_separator) name.pop_back();
  return name;
}

void append_status_items(std::string& out, const std::vector<status_item>& items, const mail::folder_status& st,
                         std::uint64_t deleted, std::uint64_t append_limit) {
  out += '(';
  bool first = true;
  auto item = [&](std::string_view name, std::uint64_t value) {
    if (!first) out += ' ';
    first = false;
    out.append(name).append(" ").append(std::to_string(value));
  };
  for (auto i : items) {
    switch (i) {
      case status_item::messages: item("MESSAGES", st.messages); break;
      case status_item::uid_next: item("UIDNEXT", st.uidnext); break;
      case status_item::uid_validity: item("UIDVALIDITY", st.uidvalidity); break;
      case status_item::unseen: item("UNSEEN", st.unseen); break;
      case status_item::deleted: item("DELETED", deleted); break;
      case status_item::size: item("SIZE", st.size); break;
      case status_item::recent: item("RECENT", 0); break;
      case status_item::highest_modseq: item("HIGHESTMODSEQ", st.highestmodseq); break;
      case status_item::append_limit: item("APPENDLIMIT", append_limit); break;
    }
  }
  out += ')';
}

}  // namespace

void session::deselect() {
  watch_.reset();
  folder_.reset();
  view_.clear();
  gone_.clear();
  gone_.shrink_to_fit();
  saved_.clear();
  saved_.shrink_to_fit();
  keywords_.clear();
  keywords_.shrink_to_fit();
  own_.clear();
  dirty_ = false;
  read_only_ = false;
  if (state_ == state::selected) state_ = state::authenticated;
}

net::awaitable<void> session::on_list(const command& cmd) {
  const auto& args = std::get<list>(cmd.args);
  const bool lsub = args.lsub;
  // LIST "" "": the hierarchy delimiter and root (RFC 9051 §6.3.9).
  if (!lsub && args.patterns.size() == 1 && args.patterns[0].empty()) {
    io_.out() += "* LIST (\\Noselect) \".\" \"\"\r\n";
    ok(cmd, "LIST completed");
    co_return;
  }
  const bool sel_subscribed = has(args.selection, "SUBSCRIBED") || lsub;
  const bool sel_special = has(args.selection, "SPECIAL-USE");
  const bool recursive = has(args.selection, "RECURSIVEMATCH");
  const bool ret_subscribed = has(args.return_options, "SUBSCRIBED") || sel_subscribed;
  const bool ret_special = has(args.return_options, "SPECIAL-USE") || sel_special || !lsub;
  if (recursive && !sel_subscribed && !sel_special) {
    bad(cmd, "RECURSIVEMATCH needs another selection option");  // RFC 5258 §3
    co_return;
  }
  std::vector<std::string> patterns;
  for (const auto& p : args.patterns) patterns.push_back(list_pattern(args.reference, p));

  auto account = account_;
  std::vector<mail::folder_info> folders;
  std::vector<std::string> subscribed;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    if (auto e = account->list_folders(folders)) return e;
    return account->subscriptions(subscribed);
  });
  if (ec) {
    store_failed(cmd, ec, "LIST");
    co_return;
  }
  auto is_subscribed = [&](std::string_view name) {
    return std::any_of(subscribed.begin(), subscribed.end(), [&](const std::string& s) {
      return s == name || (is_inbox(s) && is_inbox(name));
    });
  };
  auto matches = [&](std::string_view name) {
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return list_matches(p, name); });
  };
  // Subscribed names that no longer exist are still listed with \NonExistent (RFC 5258 §3.1).
  if (sel_subscribed) {
    for (const auto& s : subscribed) {
      const bool exists = std::any_of(folders.begin(), folders.end(), [&](const mail::folder_info& f) {
        return f.name == s || (is_inbox(f.name) && is_inbox(s));
      });
      if (!exists) folders.push_back({s, {"\\NonExistent"}, true});
    }
    std::sort(folders.begin(), folders.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  }

  struct line {
    const mail::folder_info* folder;
    bool selectable;
    std::string child_info;  // RECURSIVEMATCH: CHILDINFO ("SUBSCRIBED")
  };
  std::vector<line> lines;
  for (const auto& f : folders) {
    const bool special = std::any_of(f.attributes.begin(), f.attributes.end(), [](const std::string& a) {
      return a == "\\Sent" || a == "\\Drafts" || a == "\\Trash" || a == "\\Junk" || a == "\\Archive" ||
             a == "\\All" || a == "\\Flagged";
    });
    const bool sub = is_subscribed(f.name);
    bool selected_by_option = (!sel_subscribed || sub) && (!sel_special || special);
    std::string child_info;
    if (recursive && !selected_by_option && matches(f.name)) {
      // A parent whose inferior meets the selection criteria (RFC 5258 §3.5).
      const std::string prefix = f.name + hierarchy_separator;
      const bool child = std::any_of(folders.begin(), folders.end(), [&](const mail::folder_info& g) {
        return g.name.starts_with(prefix) && (!sel_subscribed || is_subscribed(g.name)) &&
               (!sel_special || g.attributes.size() > 1);
      });
      if (child) child_info = sel_subscribed ? "SUBSCRIBED" : "SPECIAL-USE";
    }
    if (!selected_by_option && child_info.empty()) continue;
    if (!matches(f.name)) continue;
    lines.push_back({&f, !has(f.attributes, "\\Noselect") && !has(f.attributes, "\\NonExistent"), child_info});
  }
  // LSUB: a subscribed inferior whose parent is not subscribed shows the parent as \Noselect
  // when "%" stops at its level (RFC 3501 §6.3.9).
  std::vector<std::string> lsub_parents;
  if (lsub) {
    for (const auto& s : subscribed) {
      for (std::size_t dot = s.find(hierarchy_separator); dot != std::string::npos;
           dot = s.find(hierarchy_separator, dot + 1)) {
        std::string parent = s.substr(0, dot);
        if (is_subscribed(parent) || has(lsub_parents, parent) || !matches(parent)) continue;
        lsub_parents.push_back(parent);
      }
    }
  }

  std::string& out = io_.out();
  const std::string verb = lsub ? "LSUB" : "LIST";
  for (const auto& l : lines) {
    out += "* " + verb + " (";
    bool first = true;
    auto attr = [&](std::string_view a) {
      if (!first) out += ' ';
      first = false;
      out += a;
    };
    for (const auto& a : l.folder->attributes) {
      const bool special = a != "\\Noselect" && a != "\\HasChildren" && a != "\\HasNoChildren" && a != "\\NonExistent";
      if (special && !ret_special) continue;
      if (lsub && (a == "\\HasChildren" || a == "\\HasNoChildren")) continue;
      attr(a);
    }
    if (!lsub && ret_subscribed && is_subscribed(l.folder->name)) attr("\\Subscribed");
    out += ") \".\" ";
    append_mailbox(out, l.folder->name, utf8_);
    if (!l.child_info.empty()) out += " (\"CHILDINFO\" (\"" + l.child_info + "\"))";
    out += "\r\n";
  }
  for (const auto& p : lsub_parents) {
    out += "* LSUB (\\Noselect) \".\" ";
    append_mailbox(out, p, utf8_);
    out += "\r\n";
  }
  // RETURN (STATUS (...)): one STATUS after each selectable mailbox (RFC 5819 §2).
  if (!lsub && args.has_return_status) {
    for (const auto& l : lines) {
      if (!l.selectable) continue;
      co_await status_of(l.folder->name, args.return_status, false);
    }
  }
  ok(cmd, lsub ? "LSUB completed" : "LIST completed");
}

net::awaitable<std::error_code> session::status_of(const std::string& name, const std::vector<status_item>& items,
                                                   bool must_exist) {
  auto account = account_;
  const bool want_deleted = std::find(items.begin(), items.end(), status_item::deleted) != items.end();
  mail::folder_status st;
  std::uint64_t deleted = 0;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    std::error_code e;
    auto f = account->open_folder(name, e);
    if (e) return e;
    if ((e = f->status(st))) return e;
    if (want_deleted) {  // not kept in the index header: count the flags (RFC 9051 §6.3.11)
      mail::folder_snapshot snap;
      if ((e = f->snapshot(snap))) return e;
      for (const auto& m : snap.messages) deleted += mail::has_flag(m.flags, mail::flag_deleted);
    }
    return {};
  });
  if (ec) co_return must_exist ? ec : std::error_code{};
  std::string& out = io_.out();
  out += "* STATUS ";
  append_mailbox(out, name, utf8_);
  out += ' ';
  append_status_items(out, items, st, deleted, shared_.config.max_message);
  out += "\r\n";
  co_return std::error_code{};
}

net::awaitable<void> session::on_status(const command& cmd) {
  const auto& args = std::get<status>(cmd.args);
  if (auto ec = co_await status_of(args.mailbox, args.items, true)) {
    store_failed(cmd, ec, "STATUS");
    co_return;
  }
  ok(cmd, "STATUS completed");
}

net::awaitable<void> session::on_create(const command& cmd) {
  const auto& args = std::get<create>(cmd.args);
  if (!args.use.empty()) {
    no(cmd, "Special-use attributes cannot be set", "USEATTR");
    co_return;
  }
  const std::string name = trim_separator(args.mailbox);
  if (is_inbox(name)) {
    no(cmd, "INBOX always exists", "ALREADYEXISTS");
    co_return;
  }
  auto account = account_;
  auto ec = co_await shared_.blocking.call([&] { return account->create_folder(name); });
  if (ec) {
    store_failed(cmd, ec, "CREATE");
    co_return;
  }
  ok(cmd, "CREATE completed");
}

net::awaitable<void> session::on_delete(const command& cmd) {
  const auto& args = std::get<mailbox_arg>(cmd.args);
  const std::string name = trim_separator(args.mailbox);
  if (is_inbox(name)) {
    no(cmd, "INBOX cannot be deleted", "CANNOT");
    co_return;
  }
  if (folder_ && folder_->name() == name) {  // the selected mailbox goes away: close it first
    deselect();
    untagged_ok("CLOSED", "Mailbox closed: it is being deleted");
  }
  auto account = account_;
  auto ec = co_await shared_.blocking.call([&] { return account->delete_folder(name); });
  if (ec) {
    store_failed(cmd, ec, "DELETE");
    co_return;
  }
  ok(cmd, "DELETE completed");
}

net::awaitable<void> session::on_rename(const command& cmd) {
  const auto& args = std::get<rename_mailbox>(cmd.args);
  const std::string from = trim_separator(args.from), to = trim_separator(args.to);
  if (is_inbox(from)) {  // RFC 9051 §6.3.6 moves INBOX's messages; not supported yet
    no(cmd, "Renaming INBOX is not supported", "CANNOT");
    co_return;
  }
  if (is_inbox(to)) {
    no(cmd, "INBOX already exists", "ALREADYEXISTS");
    co_return;
  }
  if (folder_ && (folder_->name() == from || folder_->name().starts_with(from + hierarchy_separator))) {
    deselect();
    untagged_ok("CLOSED", "Mailbox closed: it is being renamed");
  }
  auto account = account_;
  auto ec = co_await shared_.blocking.call([&] { return account->rename_folder(from, to); });
  if (ec) {
    store_failed(cmd, ec, "RENAME");
    co_return;
  }
  ok(cmd, "RENAME completed");
}

net::awaitable<void> session::on_subscribe(const command& cmd, bool subscribe) {
  const auto& args = std::get<mailbox_arg>(cmd.args);
  const std::string name = trim_separator(args.mailbox);
  auto account = account_;
  auto ec = co_await shared_.blocking.call([&] {
    return subscribe ? account->subscribe(name) : account->unsubscribe(name);
  });
  if (ec) {
    store_failed(cmd, ec, subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE");
    co_return;
  }
  ok(cmd, subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

net::awaitable<void> session::on_append(const command& cmd) {
  const auto& args = std::get<append>(cmd.args);
  for (const auto& m : args.messages) {
    if (m.content.empty()) {
      no(cmd, "Cannot store an empty message", "CANNOT");
      co_return;
    }
    if (m.content.size() > shared_.config.max_message) {
      no(cmd, "Message too large", "TOOBIG");
      co_return;
    }
  }
  // Stored with CRLF line ends, so that RFC822.SIZE is what FETCH sends (a client that sends
  // bare LFs breaks RFC 9051 §2.2; literal8 content is binary and kept as sent).
  std::vector<std::string> texts;
  for (const auto& m : args.messages) {
    texts.push_back(m.content);
    if (!m.binary) crlf_line_ends(texts.back());
  }
  auto account = account_;
  std::vector<std::uint32_t> uids;
  std::uint32_t uidvalidity = 0;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    std::error_code e;
    auto f = account->open_folder(args.mailbox, e);
    if (e) return e;
    mail::folder_status st;
    if ((e = f->status(st))) return e;
    uidvalidity = st.uidvalidity;
    for (std::size_t i = 0; i < args.messages.size(); ++i) {
      const auto& m = args.messages[i];
      auto when = m.internal_date ? std::chrono::system_clock::time_point(std::chrono::seconds(to_unix(*m.internal_date)))
                                  : std::chrono::system_clock::now();
      std::uint32_t uid = 0;
      if ((e = f->append(texts[i], mail::normalize_flags(m.flags), when, "", false, &uid, nullptr))) return e;
      uids.push_back(uid);
    }
    return {};
  });
  if (ec == mail::store_error::no_such_folder) {
    no(cmd, "Mailbox does not exist", "TRYCREATE");  // RFC 9051 §6.3.12
    co_return;
  }
  if (ec) {
    store_failed(cmd, ec, "APPEND");
    co_return;
  }
  if (folder_ && folder_->name() == (is_inbox(args.mailbox) ? std::string("INBOX") : args.mailbox)) dirty_ = true;
  // APPENDUID (RFC 4315 §3); a UID of 0 means the index update is pending: no code then.
  if (std::find(uids.begin(), uids.end(), 0u) == uids.end())
    ok(cmd, "APPEND completed", "APPENDUID " + std::to_string(uidvalidity) + " " + format_sequence_set(uids));
  else
    ok(cmd, "APPEND completed");
}

net::awaitable<void> session::on_quota(const command& cmd) {  // RFC 9208 §4.2, §4.3
  const auto& args = std::get<mailbox_arg>(cmd.args);
  auto account = account_;
  mail::quota_usage q;
  auto ec = co_await shared_.blocking.call([&]() -> std::error_code {
    if (cmd.name == command_name::getquotaroot) {
      std::error_code e;
      (void)account->open_folder(args.mailbox, e);
      if (e) return e;
    }
    return account->quota(q);
  });
  if (ec) {
    store_failed(cmd, ec, "GETQUOTA");
    co_return;
  }
  const bool limited = q.limit_bytes || q.limit_messages;
  std::string& out = io_.out();
  if (cmd.name == command_name::getquotaroot) {
    out += "* QUOTAROOT ";
    append_mailbox(out, args.mailbox, utf8_);
    out += limited ? " \"\"\r\n" : "\r\n";
  } else if (!args.mailbox.empty() || !limited) {
    no(cmd, "No such quota root", "NONEXISTENT");
    co_return;
  }
  if (limited) {
    out += "* QUOTA \"\" (";
    if (q.limit_bytes) out += "STORAGE " + std::to_string((q.bytes + 1023) / 1024) + " " + std::to_string(q.limit_bytes / 1024);
    if (q.limit_bytes && q.limit_messages) out += ' ';
    if (q.limit_messages) out += "MESSAGE " + std::to_string(q.messages) + " " + std::to_string(q.limit_messages);
    out += ")\r\n";
  }
  ok(cmd, cmd.name == command_name::getquotaroot ? "GETQUOTAROOT completed" : "GETQUOTA completed");
}

}  // namespace l7::imap::server
