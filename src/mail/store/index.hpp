// The per-folder index: one SQLite file (WAL, synchronous=FULL) beside cur/ new/ tmp/.
// It maps UIDs to Maildir base names and keeps what the files cannot: UIDVALIDITY, UIDNEXT,
// HIGHESTMODSEQ and per-message MODSEQ (RFC 7162 §3.1), keywords, save date, `meta`, and the
// expunge log that answers QRESYNC's VANISHED (RFC 7162 §3.2.5.1).
//
// Not thread-safe: the owning folder serializes calls with its mutex. Several processes may
// share the file: writers run inside begin()/commit() (BEGIN IMMEDIATE), which takes SQLite's
// write lock, and re-read the header inside the transaction.
// Errors: store_error::corrupt for SQLite errors, store_error::io when the file cannot be opened.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <system_error>
#include <vector>

#include "mail/store/flags.hpp"

struct sqlite3;

namespace l7::mail::detail {

struct index_header {
  std::uint32_t uidvalidity = 0, uidnext = 1;
  std::uint64_t highestmodseq = 1, messages = 0, bytes = 0;
};

struct index_row {
  std::uint32_t uid = 0;
  std::string base, file;  // base name; path relative to the folder ("cur/<base>:2,S")
  flag_set flags;
  std::uint64_t modseq = 0, size = 0;
  std::int64_t internal_ms = 0, save_ms = 0;  // milliseconds since the epoch
  std::string meta;
  std::string header;  // insert(): the header section to cache with the row (may be empty)
};

// A UID set as IMAP may send it ("3,1:3") in ascending order without duplicates.
std::vector<std::uint32_t> unique_sorted(std::vector<std::uint32_t> uids);

class index {
 public:
  // Opens `file`, creating it (with UIDVALIDITY `new_uidvalidity()`) when it is missing. A
  // file that is not SQLite or fails quick_check is moved aside (<file>.corrupt-<time>) and
  // replaced by a new one. `created` tells the caller the index is new: a sync rebuilds it
  // from the files. Waits while another connection holds a lock during creation.
  static std::unique_ptr<index> open(const std::filesystem::path& file,
                                     const std::function<std::uint32_t()>& new_uidvalidity,
                                     bool& created, std::error_code& ec);
  ~index();
  index(const index&) = delete;
  index& operator=(const index&) = delete;

  std::error_code begin();       // write transaction (takes the write lock at once)
  std::error_code begin_read();  // a consistent read of several statements; end with commit()
  std::error_code commit();
  void rollback();

  std::error_code header(index_header& h);
  std::error_code set_header(const index_header& h);

  // Sets the header's message count and bytes from the rows (self-repair on open).
  std::error_code recount();

  std::error_code insert(const index_row& r);
  std::error_code update(std::uint32_t uid, const flag_set& flags, const std::string& file,
                         std::uint64_t modseq);
  // Deletes the row and logs (uid, modseq, base) in the expunge log.
  std::error_code expunge(const index_row& r, std::uint64_t modseq);

  // The UID of the row with this base name, 0 when there is none.
  std::error_code find_base(const std::string& base, std::uint32_t& uid);
  // Messages without \Seen (STATUS UNSEEN).
  std::error_code counts(std::uint64_t& unseen);
  // Rows in UID order; `changed_since` > 0 keeps rows with MODSEQ above it.
  std::error_code rows(std::vector<index_row>& out, std::uint64_t changed_since = 0, bool with_meta = true);
  std::error_code row(std::uint32_t uid, std::optional<index_row>& out);
  // Rows with first <= uid <= last, in UID order; `with_meta` false leaves meta empty.
  std::error_code rows_between(std::uint32_t first, std::uint32_t last, std::vector<index_row>& out,
                               bool with_meta);
  // The header cache (table hdr, keyed by base name so that it can never answer for another
  // message): the cached header sections of the rows with first <= uid <= last, in UID order.
  std::error_code headers_between(std::uint32_t first, std::uint32_t last,
                                  std::vector<std::pair<std::uint32_t, std::string>>& out);
  std::error_code put_header(const std::string& base, std::string_view data);
  // UIDs expunged with MODSEQ above `modseq`, ascending.
  std::error_code vanished_since(std::uint64_t modseq, std::vector<std::uint32_t>& out);
  // Base names in the expunge log (sync deletes such files if they are still there).
  std::error_code expunged_bases(std::set<std::string>& out);

  // Meta written before a delivery's file appears, so that a sync finds it even if the
  // delivering process dies before it records the message itself.
  std::error_code put_pending(const std::string& base, const std::string& meta, std::int64_t internal_ms);
  std::error_code take_pending(const std::string& base, std::string& meta, std::int64_t& internal_ms,
                               bool& found);

 private:
  explicit index(sqlite3* db) : db_(db) {}
  std::error_code exec(const char* sql);
  int exec_rc(const char* sql);
  // What an SQLite result code means while opening: usable, worth a retry, a broken file.
  enum class open_result { ok, busy, corrupt, failed };
  static open_result classify(int rc);
  open_result setup(const std::function<std::uint32_t()>& new_uidvalidity, bool& created);

  sqlite3* db_;
};

}  // namespace l7::mail::detail
