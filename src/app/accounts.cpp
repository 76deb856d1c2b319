#include "app/accounts.hpp"

#include <crypt.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <mutex>
#include <system_error>
#include <type_traits>

#include <fmt/format.h>

#include "app/scram_accounts.hpp"
#include "app/unique_fd.hpp"

namespace l7::app {

namespace {

constexpr std::size_t max_name = 64;
constexpr std::size_t max_password = 1024;

[[noreturn]] void io_error(const std::string& what, int err = errno) {
  throw account_error(account_error::kind::io,
                      fmt::format("{}: {}", what, std::generic_category().message(err)));
}

// crypt(3) of `password` with `setting` (a salt string or a full hash); "" on failure.
std::string crypt_with(std::string_view password, const std::string& setting) {
  const std::string phrase(password);
  auto data = std::make_unique<crypt_data>();
  const char* out = crypt_rn(phrase.c_str(), setting.c_str(), data.get(), sizeof(crypt_data));
  if (!out || out[0] == '*') return {};
  return out;
}

// A fresh yescrypt hash with a random salt from the OS.
std::string hash_password(std::string_view password) {
  char setting[CRYPT_GENSALT_OUTPUT_SIZE];
  if (!crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting))
    io_error("crypt_gensalt_rn");
  auto hash = crypt_with(password, setting);
  if (hash.empty()) io_error("crypt_rn");
  return hash;
}

// Verified against when the account does not exist, so that unknown names cost the same.
const std::string& dummy_hash() {
  static const std::string hash = hash_password("l7 dummy password for unknown accounts");
  return hash;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // hash lengths are fixed by the format
  volatile unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = diff | (a[i] ^ b[i]);
  return diff == 0;
}

void check_name(std::string_view name) {
  if (!account_store::valid_name(name))
    throw account_error(account_error::kind::invalid_name,
                        fmt::format("invalid account name \"{}\": use 1 to 64 of A-Z a-z 0-9 . _ "
                                    "- and do not start with '.' or '-'",
                                    name));
}

void check_password(std::string_view password) {
  if (!account_store::valid_password(password))
    throw account_error(account_error::kind::invalid_password,
                        "invalid password: use 1 to 1024 bytes without NUL");
}

[[noreturn]] void not_found(std::string_view name) {
  throw account_error(account_error::kind::not_found, fmt::format("no account \"{}\"", name));
}

void make_dir(const std::filesystem::path& p, mode_t mode) {
  if (::mkdir(p.c_str(), mode) != 0 && errno != EEXIST) io_error(p.string());
}

void write_all(int fd, std::string_view data, const std::filesystem::path& p) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error(p.string());
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_all(int fd, const std::filesystem::path& p) {
  std::string out;
  char buf[8192];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) io_error(p.string());
    if (n == 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace

account_store::account_store(std::filesystem::path data_dir)
    : data_dir_(std::move(data_dir)),
      dir_(data_dir_ / "accounts"),
      file_(dir_ / "passwd") {}

bool account_store::valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_name || name[0] == '.' || name[0] == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '.' || c == '_' || c == '-';
  });
}

bool account_store::valid_password(std::string_view password) {
  return !password.empty() && password.size() <= max_password &&
         password.find('\0') == std::string_view::npos;
}

account_store::file_stamp account_store::stamp_of(const struct ::stat& st) {
  return {st.st_ino, static_cast<unsigned long long>(st.st_size),
          st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
}

account_store::entries account_store::read_file(file_stamp& stamp) const {
  stamp = {};
  unique_fd fd(::open(file_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return {};
    io_error(file_.string());
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) io_error(file_.string());
  stamp = stamp_of(st);
  const auto text = read_all(fd.get(), file_);
  entries e;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string_view::npos) continue;
    const auto name = line.substr(0, colon);
    const auto hash = line.substr(colon + 1);
    if (valid_name(name) && !hash.empty()) e.emplace(name, hash);
  }
  return e;
}

void account_store::refresh() const {
  struct stat st {};
  file_stamp now;
  if (::stat(file_.c_str(), &st) == 0) {
    now = stamp_of(st);
  } else if (errno != ENOENT) {
    io_error(file_.string());
  }
  {
    std::shared_lock lock(mu_);
    if (now == stamp_) return;
  }
  file_stamp stamp;
  auto fresh = read_file(stamp);
  std::unique_lock lock(mu_);
  entries_ = std::move(fresh);
  stamp_ = stamp;
}

void account_store::write_file(const entries& e) const {
  std::string text;
  for (const auto& [name, hash] : e) text += fmt::format("{}:{}\n", name, hash);
  std::string tmp = (dir_ / "passwd.XXXXXX").string();
  unique_fd fd(::mkostemp(tmp.data(), O_CLOEXEC));  // mode 0600
  if (!fd) io_error(tmp);
  try {
    write_all(fd.get(), text, tmp);
    if (::fsync(fd.get()) != 0) io_error(tmp);
    fd.reset();
    if (::rename(tmp.c_str(), file_.c_str()) != 0) io_error(file_.string());
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  unique_fd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());  // best effort: the rename is already visible
}

template <class F>
void account_store::modify(F&& change) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir_, ec);
  if (ec) io_error(data_dir_.string(), ec.value());
  make_dir(dir_, 0700);
  const auto lock_path = dir_ / "passwd.lock";
  unique_fd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock) io_error(lock_path.string());
  while (::flock(lock.get(), LOCK_EX) != 0) {
    if (errno != EINTR) io_error(lock_path.string());
  }
  file_stamp stamp;
  auto e = read_file(stamp);
  // `change` may return a step to run after passwd is written, still under the lock.
  if constexpr (std::is_void_v<std::invoke_result_t<F&, entries&>>) {
    change(e);
    write_file(e);
  } else {
    auto after = change(e);
    write_file(e);
    after();
  }
  lock.reset();
  refresh();
}

void account_store::add(std::string_view name, std::string_view password) {
  check_name(name);
  check_password(password);
  const auto hash = hash_password(password);
  const auto keys = make_scram_keys(password);
  modify([&](entries& e) {
    if (!e.emplace(name, hash).second)
      throw account_error(account_error::kind::exists,
                          fmt::format("account \"{}\" already exists", name));
    // scram_accounts.hpp: no keys of an older account of this name survive a crash.
    update_scram_file(dir_, name, std::nullopt);
    return [&] { if (keys) update_scram_file(dir_, name, keys); };
  });
  std::error_code ec;
  std::filesystem::create_directories(data_dir_ / "home", ec);
  if (ec) io_error((data_dir_ / "home").string(), ec.value());
  make_dir(home(name), 0750);
}

void account_store::remove(std::string_view name) {
  check_name(name);
  modify([&](entries& e) {
    const auto it = e.find(name);
    if (it == e.end()) not_found(name);
    e.erase(it);
    update_scram_file(dir_, name, std::nullopt);
  });
}

void account_store::set_password(std::string_view name, std::string_view password) {
  check_name(name);
  check_password(password);
  const auto hash = hash_password(password);
  const auto keys = make_scram_keys(password);
  modify([&](entries& e) {
    const auto it = e.find(name);
    if (it == e.end()) not_found(name);
    it->second = hash;
    // scram_accounts.hpp: the old keys go before passwd changes, the new ones come after.
    update_scram_file(dir_, name, std::nullopt);
    return [&] { if (keys) update_scram_file(dir_, name, keys); };
  });
}

std::vector<std::string> account_store::list() const {
  refresh();
  std::shared_lock lock(mu_);
  std::vector<std::string> names;
  for (const auto& [name, hash] : entries_) names.push_back(name);
  return names;
}

bool account_store::exists(std::string_view name) const {
  refresh();
  std::shared_lock lock(mu_);
  return entries_.find(name) != entries_.end();
}

bool account_store::verify(std::string_view name, std::string_view password) const {
  if (!valid_password(password)) return false;
  try {
    refresh();
  } catch (const account_error&) {
    // Keep answering from the last good copy; a broken file must not take logins down.
  }
  std::string stored;
  {
    std::shared_lock lock(mu_);
    const auto it = entries_.find(name);
    if (it != entries_.end()) stored = it->second;
  }
  const bool found = !stored.empty();
  const auto computed = crypt_with(password, found ? stored : dummy_hash());
  return found && !computed.empty() && constant_time_equal(computed, stored);
}

std::filesystem::path account_store::home(std::string_view name) const {
  check_name(name);
  return data_dir_ / "home" / std::string(name);
}

}  // namespace l7::app
