#include "smtp/relay/queue.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/unique_fd.hpp"

namespace l7::smtp::relay {
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

std::error_code write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_error();
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

std::error_code fsync_dir(const fs::path& dir) {
  app::unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return last_error();
  if (::fsync(fd.get()) != 0) return last_error();
  return {};
}

// tmp file in the same directory, fsync, rename over `target` (not the directory fsync).
std::error_code replace_file(const fs::path& target, std::string_view data) {
  auto tmp = target;
  tmp += ".tmp";
  app::unique_fd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return last_error();
  auto ec = write_all(fd.get(), data);
  if (!ec && ::fsync(fd.get()) != 0) ec = last_error();
  fd.reset();
  if (!ec && ::rename(tmp.c_str(), target.c_str()) != 0) ec = last_error();
  if (ec) ::unlink(tmp.c_str());
  return ec;
}

const char* state_name(rcpt_state s) {
  switch (s) {
    case rcpt_state::pending: return "pending";
    case rcpt_state::delivered: return "delivered";
    case rcpt_state::failed: return "failed";
  }
  return "pending";
}

bool state_of(const std::string& s, rcpt_state& out) {
  if (s == "pending") out = rcpt_state::pending;
  else if (s == "delivered") out = rcpt_state::delivered;
  else if (s == "failed") out = rcpt_state::failed;
  else return false;
  return true;
}

}  // namespace

bool queue_entry::done() const {
  return std::all_of(recipients.begin(), recipients.end(), [](const queued_recipient& r) {
    return r.state != rcpt_state::pending && r.reported;
  });
}

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 32 &&
         std::all_of(id.begin(), id.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); });
}

std::string to_json(const queue_entry& e) {
  json j;
  j["version"] = 1;
  j["id"] = e.id;
  j["from"] = e.from;
  j["ret"] = e.ret;
  j["envid"] = e.envid;
  j["smtputf8"] = e.smtputf8;
  j["arrival"] = e.arrival;
  j["next_attempt"] = e.next_attempt;
  j["attempts"] = e.attempts;
  j["delay_warned"] = e.delay_warned;
  auto& rs = j["recipients"] = json::array();
  for (const auto& r : e.recipients) {
    rs.push_back({{"address", r.address}, {"notify", r.notify}, {"orcpt", r.orcpt},
                  {"state", state_name(r.state)}, {"reported", r.reported}, {"status", r.status},
                  {"diagnostic", r.diagnostic}, {"remote", r.remote}, {"passed_on", r.passed_on}});
  }
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

bool from_json(std::string_view text, queue_entry& e) {
  const auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  try {
    if (j.at("version").get<int>() != 1) return false;
    queue_entry out;
    out.id = j.at("id").get<std::string>();
    if (!valid_id(out.id)) return false;
    out.from = j.at("from").get<std::string>();
    out.ret = j.value("ret", std::string{});
    out.envid = j.value("envid", std::string{});
    out.smtputf8 = j.value("smtputf8", false);
    out.arrival = j.at("arrival").get<std::int64_t>();
    out.next_attempt = j.at("next_attempt").get<std::int64_t>();
    out.attempts = j.at("attempts").get<unsigned>();
    out.delay_warned = j.value("delay_warned", false);
    for (const auto& r : j.at("recipients")) {
      queued_recipient q;
      q.address = r.at("address").get<std::string>();
      q.notify = r.value("notify", std::uint8_t{0});
      q.orcpt = r.value("orcpt", std::string{});
      if (!state_of(r.at("state").get<std::string>(), q.state)) return false;
      q.reported = r.value("reported", false);
      q.status = r.value("status", std::string{});
      q.diagnostic = r.value("diagnostic", std::string{});
      q.remote = r.value("remote", std::string{});
      q.passed_on = r.value("passed_on", false);
      if (q.address.empty()) return false;
      out.recipients.push_back(std::move(q));
    }
    if (out.recipients.empty()) return false;
    e = std::move(out);
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

queue::queue(fs::path dir) : dir_(std::move(dir)) {}

std::error_code queue::ensure_dir() const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return ec;
  ::chmod(dir_.c_str(), 0700);
  return {};
}

std::error_code queue::add(const queue_entry& e, std::string_view message) {
  if (!valid_id(e.id)) return make_error_code(std::errc::invalid_argument);
  if (auto ec = ensure_dir()) return ec;
  if (auto ec = replace_file(dir_ / (e.id + ".eml"), message)) return ec;
  if (auto ec = replace_file(dir_ / (e.id + ".json"), to_json(e))) {
    ::unlink((dir_ / (e.id + ".eml")).c_str());
    return ec;
  }
  return fsync_dir(dir_);
}

std::error_code queue::update(const queue_entry& e) {
  if (!valid_id(e.id)) return make_error_code(std::errc::invalid_argument);
  if (auto ec = replace_file(dir_ / (e.id + ".json"), to_json(e))) return ec;
  return fsync_dir(dir_);
}

std::error_code queue::remove(const std::string& id) {
  if (!valid_id(id)) return make_error_code(std::errc::invalid_argument);
  // The envelope first: without it the .eml is an orphan that load() deletes.
  if (::unlink((dir_ / (id + ".json")).c_str()) != 0 && errno != ENOENT) return last_error();
  ::unlink((dir_ / (id + ".eml")).c_str());
  return fsync_dir(dir_);
}

std::error_code queue::read_message(const std::string& id, std::string& out) const {
  if (!valid_id(id)) return make_error_code(std::errc::invalid_argument);
  std::ifstream in(dir_ / (id + ".eml"), std::ios::binary);
  if (!in) return make_error_code(std::errc::no_such_file_or_directory);
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return make_error_code(std::errc::io_error);
  out = std::move(s).str();
  return {};
}

std::vector<queue_entry> queue::list(std::vector<std::uint64_t>* sizes) const {
  std::vector<queue_entry> out;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(dir_, ec)) {
    if (d.path().extension() != ".json") continue;
    std::ifstream in(d.path(), std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    queue_entry e;
    if (from_json(s.str(), e) && e.id == d.path().stem().string()) out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const queue_entry& a, const queue_entry& b) {
    return a.arrival != b.arrival ? a.arrival < b.arrival : a.id < b.id;
  });
  if (sizes) {
    sizes->clear();
    for (const auto& e : out) {
      std::error_code size_ec;
      const auto n = fs::file_size(dir_ / (e.id + ".eml"), size_ec);
      sizes->push_back(size_ec ? 0 : n);
    }
  }
  return out;
}

std::vector<queue_entry> queue::load(std::vector<std::string>* problems) {
  std::vector<queue_entry> out;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return out;
  auto note = [problems](std::string s) {
    if (problems) problems->push_back(std::move(s));
  };
  std::vector<fs::path> envelopes, messages;
  for (const auto& d : fs::directory_iterator(dir_, ec)) {
    const auto name = d.path().filename().string();
    if (name.ends_with(".tmp")) {
      fs::remove(d.path(), ec);  // an interrupted write
    } else if (name.ends_with(".json")) {
      envelopes.push_back(d.path());
    } else if (name.ends_with(".eml")) {
      messages.push_back(d.path());
    }
  }
  for (const auto& m : messages) {
    auto env = m;
    env.replace_extension(".json");
    if (!fs::exists(env, ec)) {
      note("removed " + m.filename().string() + ": no envelope (not acknowledged)");
      fs::remove(m, ec);
    }
  }
  for (const auto& p : envelopes) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    queue_entry e;
    auto msg = p;
    msg.replace_extension(".eml");
    const bool ok = from_json(s.str(), e) && e.id == p.stem().string() && fs::exists(msg, ec);
    if (!ok) {
      const auto corrupt = dir_ / "corrupt";
      fs::create_directories(corrupt, ec);
      fs::rename(p, corrupt / p.filename(), ec);
      if (fs::exists(msg, ec)) fs::rename(msg, corrupt / msg.filename(), ec);
      note("moved " + p.filename().string() + " to corrupt/: unreadable envelope or missing message");
      continue;
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const queue_entry& a, const queue_entry& b) {
    return a.arrival != b.arrival ? a.arrival < b.arrival : a.id < b.id;
  });
  return out;
}

}  // namespace l7::smtp::relay
