// engine::reload(): zone files and the hosts file into an immutable snapshot.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "app/log.hpp"
#include "dns/codec/hosts.hpp"
#include "dns/codec/types.hpp"
#include "dns/codec/zone.hpp"
#include "dns/server/engine.hpp"

namespace l7::dns::server {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return std::move(s).str();
}

// "path size mtime-ns;" for each file: a change in any of them reloads everything.
std::string stamp(const fs::path& p) {
  struct ::stat st {};
  if (::stat(p.c_str(), &st) != 0) return p.string() + " -;";
  return p.string() + " " + std::to_string(st.st_size) + " " +
         std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + ";";
}

std::vector<fs::path> zone_paths(const settings& s) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_directory(s.zones_dir, ec)) {
    for (const auto& e : fs::directory_iterator(s.zones_dir, ec))
      if (e.path().extension() == ".zone" && e.is_regular_file(ec)) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  out.insert(out.end(), s.zone_files.begin(), s.zone_files.end());
  return out;
}

// One zone file: the origin is the file name without ".zone" (so "example.com.zone" is
// example.com.), and the zone apex is wherever its SOA sits, which $ORIGIN may move.
std::optional<auth::zone> load_zone(const fs::path& path, std::string& error,
                                    std::vector<std::string>& warnings) {
  auto text = read_text(path);
  if (!text) {
    error = "cannot read the file";
    return std::nullopt;
  }
  std::string stem = path.filename().string();
  if (stem.size() > 5 && stem.ends_with(".zone")) stem.resize(stem.size() - 5);
  std::error_code ec;
  zone_parse_options opts;
  opts.origin = name::parse(stem, ec);
  if (ec) opts.origin = name{};  // not a name: the file must set $ORIGIN before relative names
  const fs::path dir = path.parent_path();
  opts.include = [dir](std::string_view file) -> std::optional<std::string> {
    fs::path p(file);
    return read_text(p.is_absolute() ? p : dir / p);
  };
  zone_parse_error perr;
  auto records = parse_zone(*text, opts, perr);
  if (!records) {
    error = "line " + std::to_string(perr.line) + ": " + perr.message;
    return std::nullopt;
  }
  name apex = opts.origin;
  for (const auto& rr : *records)
    if (rr.type == rr_type::soa) {
      apex = rr.owner;
      break;
    }
  return auth::zone::build(apex, std::move(*records), error, &warnings);
}

}  // namespace

bool engine::reload(bool force) {
  const auto paths = zone_paths(settings_);
  std::string fingerprint;
  for (const auto& p : paths) fingerprint += stamp(p);
  fingerprint += stamp(settings_.hosts_file);
  const auto current = data_.load();
  if (!force && current->fingerprint == fingerprint) return false;

  auto log = app::logger("dns");
  auto snap = std::make_shared<data_snapshot>();
  snap->fingerprint = std::move(fingerprint);
  for (const auto& p : paths) {
    std::string error;
    std::vector<std::string> warnings;
    auto z = load_zone(p, error, warnings);
    for (const auto& w : warnings) log->warn("{}: {}", p.string(), w);
    if (!z) {
      log->error("{}: zone not loaded: {}", p.string(), error);
      continue;
    }
    log->info("zone {} loaded from {} ({} records, serial {})", z->origin().to_string(),
              p.string(), z->record_count(), z->soa().serial);
    snap->zones.add(std::move(*z));
  }
  std::error_code ec;
  if (fs::exists(settings_.hosts_file, ec)) {
    if (auto text = read_text(settings_.hosts_file)) {
      std::vector<std::string> warnings;
      for (const auto& e : parse_hosts(*text, &warnings))
        for (const auto& n : e.names) snap->hosts.add(e.address, n);
      for (const auto& w : warnings) log->warn("{}: {}", settings_.hosts_file.string(), w);
      log->info("hosts: {} names from {}", snap->hosts.size(), settings_.hosts_file.string());
    } else {
      log->error("{}: cannot read the hosts file", settings_.hosts_file.string());
    }
  }
  data_.store(std::move(snap));
  generation_.fetch_add(1, std::memory_order_acq_rel);
  return true;
}

}  // namespace l7::dns::server
