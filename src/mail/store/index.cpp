#include "mail/store/index.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>

#include "app/log.hpp"
#include "mail/store/error.hpp"

namespace l7::mail::detail {
namespace {

constexpr const char* schema_sql = R"sql(
CREATE TABLE IF NOT EXISTS header(id INTEGER PRIMARY KEY CHECK (id = 1), uidvalidity INTEGER NOT NULL,
  uidnext INTEGER NOT NULL, highestmodseq INTEGER NOT NULL, messages INTEGER NOT NULL, bytes INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS msg(uid INTEGER PRIMARY KEY, base TEXT NOT NULL UNIQUE, file TEXT NOT NULL,
  flags TEXT NOT NULL, modseq INTEGER NOT NULL, size INTEGER NOT NULL, internal_ms INTEGER NOT NULL,
  save_ms INTEGER NOT NULL, meta TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS msg_modseq ON msg(modseq);
CREATE TABLE IF NOT EXISTS expunged(uid INTEGER PRIMARY KEY, modseq INTEGER NOT NULL, base TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS expunged_modseq ON expunged(modseq);
CREATE TABLE IF NOT EXISTS pending(base TEXT PRIMARY KEY, meta TEXT NOT NULL, internal_ms INTEGER NOT NULL,
  created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS hdr(base TEXT PRIMARY KEY, data BLOB NOT NULL);
)sql";

constexpr std::int64_t pending_lifetime_ms = 24 * 3600 * 1000;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

// A prepared statement; finalized on destruction. Bind positions start at 1.
class stmt {
 public:
  stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~stmt() { sqlite3_finalize(s_); }
  stmt(const stmt&) = delete;
  stmt& operator=(const stmt&) = delete;

  stmt& bind(int i, std::int64_t v) {
    if (ok()) rc_ = sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  stmt& bind(int i, std::string_view v) {
    if (ok()) rc_ = sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // SQLITE_ROW: a row is there; SQLITE_DONE: finished; anything else: an error.
  int step() {
    if (!ok()) return rc_;
    rc_ = sqlite3_step(s_);
    return rc_;
  }
  std::error_code done() { return step() == SQLITE_DONE ? std::error_code{} : store_error::corrupt; }
  std::int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }

 private:
  bool ok() const { return rc_ == SQLITE_OK || rc_ == SQLITE_ROW || rc_ == SQLITE_DONE; }
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_OK;
};

constexpr const char* row_columns = "uid, base, file, flags, modseq, size, internal_ms, save_ms, meta";
constexpr const char* row_columns_no_meta = "uid, base, file, flags, modseq, size, internal_ms, save_ms, ''";

index_row read_row(const stmt& s) {
  index_row r;
  r.uid = static_cast<std::uint32_t>(s.i64(0));
  r.base = s.text(1);
  r.file = s.text(2);
  r.flags = split_flags(s.text(3));
  r.modseq = static_cast<std::uint64_t>(s.i64(4));
  r.size = static_cast<std::uint64_t>(s.i64(5));
  r.internal_ms = s.i64(6);
  r.save_ms = s.i64(7);
  r.meta = s.text(8);
  return r;
}

sqlite3* open_db(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 10000);
  return db;
}

void move_aside(const std::filesystem::path& file) {
  std::error_code ec;
  auto aside = file;
  aside += ".corrupt-" + std::to_string(now_ms());
  std::filesystem::rename(file, aside, ec);
  for (const char* suffix : {"-wal", "-shm"}) {
    auto side = file;
    side += suffix;
    std::filesystem::remove(side, ec);
  }
}

}  // namespace

std::vector<std::uint32_t> unique_sorted(std::vector<std::uint32_t> uids) {
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return uids;
}

index::open_result index::classify(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_OK: case SQLITE_ROW: case SQLITE_DONE: return open_result::ok;
    case SQLITE_BUSY: case SQLITE_LOCKED: return open_result::busy;
    case SQLITE_CORRUPT: case SQLITE_NOTADB: return open_result::corrupt;
    default: return open_result::failed;
  }
}

std::unique_ptr<index> index::open(const std::filesystem::path& file,
                                   const std::function<std::uint32_t()>& new_uidvalidity,
                                   bool& created, std::error_code& ec) {
  created = false;
  bool moved_aside = false;
  for (int attempt = 0; attempt < 400; ++attempt) {
    sqlite3* db = open_db(file);
    if (!db) break;
    std::unique_ptr<index> idx(new index(db));
    switch (idx->setup(new_uidvalidity, created)) {
      case open_result::ok: return idx;
      case open_result::busy:  // another connection is creating it or holds a lock: wait
        idx.reset();
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        continue;
      case open_result::corrupt:
        idx.reset();
        if (moved_aside) {
          ec = store_error::corrupt;
          return nullptr;
        }
        moved_aside = true;
        app::logger("mail")->warn("mail store: index {} is corrupt; moved aside, rebuilding it from the files "
                                  "with a new UIDVALIDITY", file.string());
        move_aside(file);
        continue;
      case open_result::failed: break;
    }
    break;
  }
  ec = store_error::io;
  return nullptr;
}

index::~index() { sqlite3_close(db_); }

std::error_code index::exec(const char* sql) {
  switch (classify(exec_rc(sql))) {
    case open_result::ok: return {};
    case open_result::corrupt: return store_error::corrupt;
    case open_result::busy: case open_result::failed: break;
  }
  return store_error::io;  // locked too long by another process, disk full, ...
}

int index::exec_rc(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (err) {
    app::logger("mail")->debug("mail store: sqlite: {}", err);
    sqlite3_free(err);
  }
  return rc;
}

// WAL mode, integrity (quick_check), tables, and the header row, created under the write
// lock so that two processes opening a new index agree on one UIDVALIDITY.
index::open_result index::setup(const std::function<std::uint32_t()>& new_uidvalidity, bool& created) {
  if (auto r = classify(exec_rc("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")); r != open_result::ok)
    return r;
  {
    stmt check(db_, "PRAGMA quick_check");
    int rc = check.step();
    if (rc != SQLITE_ROW) return classify(rc) == open_result::ok ? open_result::corrupt : classify(rc);
    if (check.text(0) != "ok") return open_result::corrupt;
  }
  if (auto r = classify(exec_rc("BEGIN IMMEDIATE")); r != open_result::ok) return r;
  int rc = exec_rc(schema_sql);
  index_header h;
  if (classify(rc) == open_result::ok && header(h)) {
    h = {};
    h.uidvalidity = new_uidvalidity();
    created = true;
    if (set_header(h)) rc = SQLITE_CORRUPT;
  }
  if (classify(rc) != open_result::ok) {
    exec_rc("ROLLBACK");
    return classify(rc);
  }
  return classify(exec_rc("COMMIT"));
}

std::error_code index::begin() { return exec("BEGIN IMMEDIATE"); }
std::error_code index::begin_read() { return exec("BEGIN"); }
std::error_code index::commit() { return exec("COMMIT"); }
void index::rollback() { exec("ROLLBACK"); }

std::error_code index::header(index_header& h) {
  stmt s(db_, "SELECT uidvalidity, uidnext, highestmodseq, messages, bytes FROM header WHERE id = 1");
  if (s.step() != SQLITE_ROW) return store_error::corrupt;
  h.uidvalidity = static_cast<std::uint32_t>(s.i64(0));
  h.uidnext = static_cast<std::uint32_t>(s.i64(1));
  h.highestmodseq = static_cast<std::uint64_t>(s.i64(2));
  h.messages = static_cast<std::uint64_t>(s.i64(3));
  h.bytes = static_cast<std::uint64_t>(s.i64(4));
  return {};
}

std::error_code index::set_header(const index_header& h) {
  stmt s(db_, "INSERT OR REPLACE INTO header(id, uidvalidity, uidnext, highestmodseq, messages, bytes) "
              "VALUES (1, ?, ?, ?, ?, ?)");
  s.bind(1, h.uidvalidity).bind(2, h.uidnext).bind(3, static_cast<std::int64_t>(h.highestmodseq));
  s.bind(4, static_cast<std::int64_t>(h.messages)).bind(5, static_cast<std::int64_t>(h.bytes));
  return s.done();
}

std::error_code index::recount() {
  stmt s(db_, "UPDATE header SET messages = (SELECT count(*) FROM msg), "
              "bytes = (SELECT coalesce(sum(size), 0) FROM msg) WHERE id = 1");
  return s.done();
}

std::error_code index::insert(const index_row& r) {
  stmt s(db_, "INSERT INTO msg(uid, base, file, flags, modseq, size, internal_ms, save_ms, meta) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, r.uid).bind(2, r.base).bind(3, r.file).bind(4, join_flags(r.flags));
  s.bind(5, static_cast<std::int64_t>(r.modseq)).bind(6, static_cast<std::int64_t>(r.size));
  s.bind(7, r.internal_ms).bind(8, r.save_ms).bind(9, r.meta);
  if (auto ec = s.done()) return ec;
  if (!r.header.empty()) return put_header(r.base, r.header);
  return {};
}

std::error_code index::put_header(const std::string& base, std::string_view data) {
  stmt s(db_, "INSERT OR REPLACE INTO hdr(base, data) VALUES (?, ?)");
  return s.bind(1, base).bind(2, data).done();
}

std::error_code index::headers_between(std::uint32_t first, std::uint32_t last,
                                       std::vector<std::pair<std::uint32_t, std::string>>& out) {
  stmt s(db_, "SELECT m.uid, h.data FROM msg m JOIN hdr h ON h.base = m.base WHERE m.uid BETWEEN ? AND ? "
              "ORDER BY m.uid");
  s.bind(1, first).bind(2, last);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.emplace_back(static_cast<std::uint32_t>(s.i64(0)), s.text(1));
  return rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
}

std::error_code index::update(std::uint32_t uid, const flag_set& flags, const std::string& file,
                              std::uint64_t modseq) {
  stmt s(db_, "UPDATE msg SET flags = ?, file = ?, modseq = ? WHERE uid = ?");
  s.bind(1, join_flags(flags)).bind(2, file).bind(3, static_cast<std::int64_t>(modseq)).bind(4, uid);
  return s.done();
}

std::error_code index::expunge(const index_row& r, std::uint64_t modseq) {
  stmt del(db_, "DELETE FROM msg WHERE uid = ?");
  if (auto ec = del.bind(1, r.uid).done()) return ec;
  stmt hdr(db_, "DELETE FROM hdr WHERE base = ?");
  if (auto ec = hdr.bind(1, r.base).done()) return ec;
  stmt log(db_, "INSERT OR REPLACE INTO expunged(uid, modseq, base) VALUES (?, ?, ?)");
  return log.bind(1, r.uid).bind(2, static_cast<std::int64_t>(modseq)).bind(3, r.base).done();
}

std::error_code index::find_base(const std::string& base, std::uint32_t& uid) {
  stmt s(db_, "SELECT uid FROM msg WHERE base = ?");
  int rc = s.bind(1, base).step();
  uid = rc == SQLITE_ROW ? static_cast<std::uint32_t>(s.i64(0)) : 0;
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
}

std::error_code index::counts(std::uint64_t& unseen) {
  stmt s(db_, "SELECT count(*) FROM msg WHERE ' ' || flags || ' ' NOT LIKE '% \\Seen %'");
  if (s.step() != SQLITE_ROW) return store_error::corrupt;
  unseen = static_cast<std::uint64_t>(s.i64(0));
  return {};
}

std::error_code index::rows(std::vector<index_row>& out, std::uint64_t changed_since, bool with_meta) {
  std::string sql = std::string("SELECT ") + (with_meta ? row_columns : row_columns_no_meta) +
                    " FROM msg WHERE modseq > ? ORDER BY uid";
  stmt s(db_, sql.c_str());
  s.bind(1, static_cast<std::int64_t>(changed_since));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_row(s));
  return rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
}

std::error_code index::row(std::uint32_t uid, std::optional<index_row>& out) {
  std::string sql = std::string("SELECT ") + row_columns + " FROM msg WHERE uid = ?";
  stmt s(db_, sql.c_str());
  int rc = s.bind(1, uid).step();
  if (rc == SQLITE_ROW) out = read_row(s);
  else out.reset();
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
}

std::error_code index::rows_between(std::uint32_t first, std::uint32_t last, std::vector<index_row>& out,
                                    bool with_meta) {
  std::string sql = std::string("SELECT ") + (with_meta ? row_columns : row_columns_no_meta) +
                    " FROM msg WHERE uid BETWEEN ? AND ? ORDER BY uid";
  stmt s(db_, sql.c_str());
  s.bind(1, first).bind(2, last);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_row(s));
  return rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
}

std::error_code index::vanished_since(std::uint64_t modseq, std::vector<std::uint32_t>& out) {
  stmt s(db_, "SELECT uid FROM expunged WHERE modseq > ? ORDER BY uid");
  s.bind(1, static_cast<std::int64_t>(modseq));
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(static_cast<std::uint32_t>(s.i64(0)));
  return rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
}

std::error_code index::expunged_bases(std::set<std::string>& out) {
  stmt s(db_, "SELECT base FROM expunged");
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.insert(s.text(0));
  return rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
}

std::error_code index::put_pending(const std::string& base, const std::string& meta, std::int64_t internal_ms) {
  stmt old(db_, "DELETE FROM pending WHERE created_ms < ?");
  if (auto ec = old.bind(1, now_ms() - pending_lifetime_ms).done()) return ec;
  stmt s(db_, "INSERT OR REPLACE INTO pending(base, meta, internal_ms, created_ms) VALUES (?, ?, ?, ?)");
  return s.bind(1, base).bind(2, meta).bind(3, internal_ms).bind(4, now_ms()).done();
}

std::error_code index::take_pending(const std::string& base, std::string& meta, std::int64_t& internal_ms,
                                    bool& found) {
  stmt s(db_, "SELECT meta, internal_ms FROM pending WHERE base = ?");
  int rc = s.bind(1, base).step();
  found = rc == SQLITE_ROW;
  if (!found) return rc == SQLITE_DONE ? std::error_code{} : store_error::corrupt;
  meta = s.text(0);
  internal_ms = s.i64(1);
  stmt del(db_, "DELETE FROM pending WHERE base = ?");
  return del.bind(1, base).done();
}

}  // namespace l7::mail::detail
