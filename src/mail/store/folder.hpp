// One Maildir folder (INBOX or a Maildir++ ".Name" directory) with its index.
//
// Ownership and threads: an account hands out std::shared_ptr<folder>; every session that
// opens the same folder of the same account gets the same object, so they see each other's
// changes and share one notification list. All members are thread-safe: one mutex per folder
// guards its index; file writes of append/copy run outside it. Blocking: call from a thread
// pool, never from an event loop thread.
//
// Truth: the files are the truth, the index follows them. sync() reconciles: new files get
// the next UIDs in delivery order, vanished files are logged as expunged. Every write commits
// the index and then notifies watchers, on the calling thread, with no lock held.
//
// Errors (store_error): no_such_folder once the folder was deleted or renamed (open it again
// by its new name), no_such_message, quota_exceeded, io, corrupt.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <system_error>
#include <vector>

#include "mail/store/flags.hpp"

namespace l7::mail {

namespace detail {
class index;
struct index_row;
class quota_tracker;
class watch_list;
}  // namespace detail

using time_point = std::chrono::system_clock::time_point;

struct message_record {
  std::uint32_t uid = 0;
  std::string id;               // Maildir base name: stable across flag changes
  std::filesystem::path path;   // the file as the index last saw it
  flag_set flags;               // system flags and keywords (flags.hpp)
  std::uint64_t modseq = 0;     // RFC 7162 §3.1.1
  std::uint64_t size = 0;       // bytes as stored (RFC822.SIZE)
  time_point internal_date, save_date;  // RFC 9051 §2.3.3; SAVEDATE (RFC 8514)
  std::string meta;             // opaque text given at delivery (capture: envelope JSON)
};

struct folder_snapshot {
  std::uint32_t uidvalidity = 0, uidnext = 1;
  std::uint64_t highestmodseq = 0;
  std::vector<message_record> messages;  // ascending UID
};

// STATUS items (RFC 9051 §6.3.11, RFC 7162 §3.1.4, RFC 8438 SIZE). \Recent is not kept: 0.
struct folder_status {
  std::uint32_t messages = 0, recent = 0, unseen = 0, uidnext = 1, uidvalidity = 0;
  std::uint64_t size = 0, highestmodseq = 0;
};

enum class flag_op { add, remove, replace };  // STORE +FLAGS / -FLAGS / FLAGS

struct store_result {
  std::vector<message_record> changed;  // records after the change
  std::vector<std::uint32_t> failed;    // UNCHANGEDSINCE failures: RFC 7162 §3.1.3 [MODIFIED]
  std::uint64_t highestmodseq = 0;
};

struct folder_changes {
  std::vector<message_record> changed;   // MODSEQ above the given one (FETCH CHANGEDSINCE)
  std::vector<std::uint32_t> vanished;   // expunged after it (QRESYNC VANISHED (EARLIER))
  std::uint64_t highestmodseq = 0;
};

// COPYUID / MOVE's COPYUID (RFC 4315 §3, RFC 6851 §4.3): source[i] became dest[i].
struct uid_mapping {
  std::uint32_t uidvalidity = 0;
  std::vector<std::uint32_t> source, dest;
};

// Called after a change committed: the folder's name and its HIGHESTMODSEQ after the change.
// Runs on the thread that made the change; must not block (post to your own loop).
using change_callback = std::function<void(const std::string& folder, std::uint64_t modseq)>;

// Unsubscribes on destruction. A callback already running on another thread may finish
// after the handle is gone, so it must not capture state that dies with the handle's owner
// without a weak_ptr.
class watch_handle {
 public:
  watch_handle() = default;
  watch_handle(std::weak_ptr<detail::watch_list> list, std::uint64_t id) : list_(std::move(list)), id_(id) {}
  watch_handle(watch_handle&& o) noexcept;
  watch_handle& operator=(watch_handle&& o) noexcept;
  ~watch_handle();
  void reset();

 private:
  std::weak_ptr<detail::watch_list> list_;
  std::uint64_t id_ = 0;
};

class folder {
 public:
  // Opens the index (rebuilding it when missing or corrupt) and syncs. Used by account.
  static std::shared_ptr<folder> open(std::string name, std::filesystem::path dir, std::error_code& ec);
  ~folder();

  std::string name() const;
  std::filesystem::path dir() const;

  // Reconciles the index with the files; `move_new` moves new/ files to cur/ (IMAP SELECT).
  std::error_code sync(bool move_new = false);
  // The index as it is now (call sync() first to see other programs' changes).
  // `with_meta` false leaves every record's meta empty (IMAP has no use for it).
  std::error_code snapshot(folder_snapshot& out, bool with_meta = true);
  // From the index header's cached totals and one count (no full scan).
  std::error_code status(folder_status& out);
  // One message's record; no_such_message when the UID is not (or no longer) here.
  std::error_code message(std::uint32_t uid, message_record& out);
  // Records of the messages with first <= UID <= last, ascending; meta only `with_meta`.
  std::error_code messages(std::uint32_t first, std::uint32_t last, std::vector<message_record>& out,
                           bool with_meta = false);
  // The message's bytes. If the file moved (another program renamed it) syncs and retries.
  std::error_code read(std::uint32_t uid, std::string& out);
  // The same for a record just looked up (no index query unless the file moved). With
  // `header_only`, reading stops after the empty line that ends the header section (IMAP
  // FETCH of header fields on large mailboxes): `out` may hold some body bytes too.
  std::error_code read(const message_record& m, std::string& out, bool header_only = false);

  // The header cache (IMAP FETCH of header fields without opening files): the cached header
  // sections of the messages with first <= UID <= last that have one, ascending. Messages
  // get one when delivered or appended, or through remember_headers().
  std::error_code headers(std::uint32_t first, std::uint32_t last,
                          std::vector<std::pair<std::uint32_t, std::string>>& out);
  // Caches header sections read from files: (message id, header section) pairs; ids that
  // are no longer indexed are skipped. One transaction.
  std::error_code remember_headers(const std::vector<std::pair<std::string, std::string>>& by_id);

  // Stores `message` durably (tmp/, fsync, rename, fsync dir), then indexes it (RFC 9051
  // §6.3.12 APPEND; the UID is RFC 4315's APPENDUID). `into_new` delivers into new/ (SMTP,
  // flags ignored); otherwise into cur/ with `flags`. `meta` is kept with the message.
  // `uid` gets the new UID (0 if the index could not be updated: the message is stored and
  // the next sync indexes it), `id` the Maildir base name. quota_exceeded before any write.
  std::error_code append(std::string_view message, const flag_set& flags, time_point internal_date,
                         std::string_view meta, bool into_new, std::uint32_t* uid, std::string* id);

  // RFC 9051 §6.4.6 STORE; `unchanged_since` is RFC 7162 §3.1.3's test. UIDs not in the
  // folder are ignored. Renames the files' ":2," info (best effort, the index is authoritative).
  std::error_code store_flags(const std::vector<std::uint32_t>& uids, flag_op op, const flag_set& flags,
                              std::optional<std::uint64_t> unchanged_since, store_result& out);
  // Expunges messages flagged \Deleted (RFC 9051 §6.4.3), only those in `uids` when given
  // (UID EXPUNGE, RFC 4315 §2.1). `require_deleted` false removes the listed UIDs whatever
  // their flags (POP3 UPDATE, REST delete). The index commits first, then files are unlinked.
  std::error_code expunge(const std::vector<std::uint32_t>* uids, bool require_deleted,
                          std::vector<std::uint32_t>& expunged);
  std::error_code changes_since(std::uint64_t modseq, folder_changes& out, bool with_meta = true);

  // COPY / MOVE (RFC 9051 §6.4.7, RFC 6851). Copies keep flags, internal date and meta.
  // MOVE into the same folder is refused (invalid_name).
  std::error_code copy(const std::vector<std::uint32_t>& uids, folder& dest, uid_mapping& out);
  std::error_code move(const std::vector<std::uint32_t>& uids, folder& dest, uid_mapping& out);

  watch_handle watch(change_callback cb);

  // Account internals: quota accounting and retirement on delete/rename.
  // attach_quota adds this folder's totals to `q` and reports later changes to it.
  void attach_quota(std::shared_ptr<detail::quota_tracker> q);
  // Closes the index, makes every later call fail with no_such_folder, and notifies the
  // watchers (an IMAP session with the folder selected says BYE).
  void retire();

 private:
  folder(std::string name, std::filesystem::path dir);
  using lock = std::unique_lock<std::mutex>;
  std::error_code check_open(const lock&) const;
  std::error_code sync_locked(bool move_new, std::uint64_t& notify_modseq);
  std::error_code index_file(const std::string& base, const std::string& rel, std::uint64_t size,
                             const flag_set& flags, time_point internal, const std::string& meta,
                             std::string_view header, std::uint32_t& uid, std::uint64_t& modseq);
  std::error_code insert_rows(std::vector<detail::index_row>& rows, std::uint32_t& uidvalidity,
                              std::uint64_t& modseq);
  std::error_code insert_rows_locked(std::vector<detail::index_row>& rows, std::uint32_t& uidvalidity,
                                     std::uint64_t& modseq);
  std::error_code remove_rows(const std::vector<std::uint32_t>* uids, bool require_deleted,
                              std::vector<std::uint32_t>& expunged, std::uint64_t& modseq);
  std::error_code collect(const std::vector<std::uint32_t>& uids, std::vector<detail::index_row>& rows);
  message_record to_record(const detail::index_row& r) const;
  void apply_quota(std::int64_t messages, std::int64_t bytes);
  void notify(std::uint64_t modseq);

  mutable std::mutex mu_;
  // new/ and cur/ mtimes (ns) after the last sync that found the folder quiet, or 0: while
  // they stay the same no file was added, removed or renamed, and sync() skips the scan.
  std::int64_t synced_new_ns_ = 0, synced_cur_ns_ = 0;
  bool synced_moved_new_ = false;  // that sync also moved new/ to cur/
  std::string name_;
  std::filesystem::path dir_;
  std::unique_ptr<detail::index> index_;
  std::shared_ptr<detail::quota_tracker> quota_;
  std::shared_ptr<detail::watch_list> watchers_;
};

// The header section of a message (through the empty line that ends it; all of it when
// there is none); empty when it is longer than `limit` (not worth caching).
std::string_view header_prefix(std::string_view message, std::size_t limit = 64 * 1024);

}  // namespace l7::mail
