#include "app/scram_accounts.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "app/accounts.hpp"
#include "app/unique_fd.hpp"
#include "core/base64.hpp"
#include "core/bytes.hpp"
#include "core/random.hpp"
#include "core/saslprep.hpp"

namespace l7::app {
namespace {

constexpr std::string_view scheme = "SCRAM-SHA-256$";
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t secret_bytes = 32;

[[noreturn]] void io_error(const std::string& what, int err = errno) {
  throw account_error(account_error::kind::io, fmt::format("{}: {}", what, std::generic_category().message(err)));
}

bool read_all(int fd, std::string& out) {
  char buf[8192];
  for (;;) {
    const auto n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) return true;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// "name:verifier" lines; others (blank, '#', malformed) are skipped, as in passwd.
std::map<std::string, scram::keys, std::less<>> parse_file(std::string_view text) {
  std::map<std::string, scram::keys, std::less<>> out;
  while (!text.empty()) {
    auto end = text.find('\n');
    auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const auto colon = line.find(':');
    if (line.empty() || line[0] == '#' || colon == std::string_view::npos) continue;
    const auto name = line.substr(0, colon);
    auto k = parse_scram_keys(line.substr(colon + 1));
    if (k && account_store::valid_name(name)) out.insert_or_assign(std::string(name), std::move(*k));
  }
  return out;
}

bool decode_digest(std::string_view b64, sha256_digest& out) {
  auto raw = base64_decode(b64);
  if (!raw || raw->size() != out.size()) return false;
  std::memcpy(out.data(), raw->data(), out.size());
  return true;
}

}  // namespace

std::optional<scram::keys> make_scram_keys(std::string_view password) {
  auto prepared = saslprep(password);
  if (!prepared) return std::nullopt;
  std::array<std::byte, salt_bytes> salt{};
  random_fill(salt);
  return scram::derive_keys(*prepared, as_chars(salt), scram_iterations);
}

std::string format_scram_keys(const scram::keys& k) {
  return fmt::format("{}{}:{}${}:{}", scheme, k.iterations, base64_encode(k.salt), base64_encode(k.stored_key),
                     base64_encode(k.server_key));
}

// SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
std::optional<scram::keys> parse_scram_keys(std::string_view text) {
  if (!text.starts_with(scheme)) return std::nullopt;
  text.remove_prefix(scheme.size());
  const auto colon1 = text.find(':');
  const auto dollar = text.find('$');
  const auto colon2 = text.rfind(':');
  if (colon1 == std::string_view::npos || dollar == std::string_view::npos || dollar < colon1 || colon2 < dollar)
    return std::nullopt;
  scram::keys k;
  const auto count = text.substr(0, colon1);
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), k.iterations);
  if (ec != std::errc{} || end != count.data() + count.size() || k.iterations == 0) return std::nullopt;
  auto salt = base64_decode(text.substr(colon1 + 1, dollar - colon1 - 1));
  if (!salt || salt->empty()) return std::nullopt;
  k.salt = std::move(*salt);
  if (!decode_digest(text.substr(dollar + 1, colon2 - dollar - 1), k.stored_key) ||
      !decode_digest(text.substr(colon2 + 1), k.server_key))
    return std::nullopt;
  return k;
}

void update_scram_file(const std::filesystem::path& accounts_dir, std::string_view name,
                       const std::optional<scram::keys>& k) {
  const auto file = accounts_dir / "scram";
  std::string text;
  {
    unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd && errno != ENOENT) io_error(file.string());
    if (fd && !read_all(fd.get(), text)) io_error(file.string());
  }
  auto entries = parse_file(text);
  if (k) {
    entries.insert_or_assign(std::string(name), *k);
  } else if (entries.erase(std::string(name)) == 0) {
    return;  // nothing to remove
  }
  std::string out;
  for (const auto& [n, keys] : entries) out += fmt::format("{}:{}\n", n, format_scram_keys(keys));
  std::string tmp = (accounts_dir / "scram.XXXXXX").string();
  unique_fd fd(::mkostemp(tmp.data(), O_CLOEXEC));  // mode 0600
  if (!fd) io_error(tmp);
  if (!write_all(fd.get(), out) || ::fsync(fd.get()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    io_error(tmp, err);
  }
  fd.reset();
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    io_error(file.string(), err);
  }
  unique_fd dir(::open(accounts_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());
}

scram_accounts::scram_accounts(std::filesystem::path data_dir) : dir_(std::move(data_dir) / "accounts") {}

void scram_accounts::refresh() const {
  const auto file = dir_ / "scram";
  struct stat st {};
  stamp now;
  if (::stat(file.c_str(), &st) == 0)
    now = {st.st_ino, static_cast<unsigned long long>(st.st_size), st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
  if (now == stamp_) return;
  std::string text;
  unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd && !read_all(fd.get(), text)) return;  // keep the last good copy
  keys_ = parse_file(text);
  stamp_ = now;
}

std::optional<scram::keys> scram_accounts::find(std::string_view name) const {
  std::lock_guard lock(mu_);
  refresh();
  const auto it = keys_.find(name);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

// The secret for fake keys: read, or made once (linked into place, so that two processes
// starting together agree). Without a writable directory, a per-process secret.
const std::string& scram_accounts::secret() const {
  if (!secret_.empty()) return secret_;
  const auto file = dir_ / "scram.secret";
  for (int attempt = 0; attempt < 2 && secret_.empty(); ++attempt) {
    std::string text;
    unique_fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd && read_all(fd.get(), text) && text.size() == secret_bytes) {
      secret_ = std::move(text);
      break;
    }
    if (fd || errno != ENOENT) break;
    std::error_code ec;
    std::filesystem::create_directories(dir_.parent_path(), ec);
    if (::mkdir(dir_.c_str(), 0700) != 0 && errno != EEXIST) break;
    std::array<std::byte, secret_bytes> raw{};
    random_fill(raw);
    std::string tmp = (dir_ / "scram.secret.XXXXXX").string();
    unique_fd out(::mkostemp(tmp.data(), O_CLOEXEC));
    if (!out) break;
    const bool written = write_all(out.get(), as_chars(raw)) && ::fsync(out.get()) == 0;
    out.reset();
    const bool linked = written && ::link(tmp.c_str(), file.c_str()) == 0;
    ::unlink(tmp.c_str());
    if (linked) secret_ = std::string(as_chars(raw));
    // else: someone else made it first (EEXIST): read theirs on the next attempt
  }
  if (secret_.empty()) {
    std::array<std::byte, secret_bytes> raw{};
    random_fill(raw);
    secret_ = std::string(as_chars(raw));
  }
  return secret_;
}

scram::keys scram_accounts::lookup(std::string_view name) const {
  try {
    if (auto k = find(name)) return std::move(*k);
  } catch (const std::exception&) {
    // fall through to fake keys: a failed login
  }
  std::lock_guard lock(mu_);
  const auto& s = secret();
  const auto n = std::string(name);
  scram::keys k;
  const auto salt = scram::hmac(s, "salt\n" + n);
  k.salt = std::string(as_chars(salt).substr(0, salt_bytes));
  k.iterations = scram_iterations;
  k.stored_key = scram::hmac(s, "stored key\n" + n);
  k.server_key = scram::hmac(s, "server key\n" + n);
  return k;
}

}  // namespace l7::app
