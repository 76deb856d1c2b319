#include "app/log.hpp"

#include <array>
#include <ctime>
#include <map>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace l7::app {

namespace {

constexpr std::string_view pattern = "%Y-%m-%dT%H:%M:%S.%e%z [%^%l%$] [%n] %v";

struct log_state {
  std::mutex mu;
  spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  spdlog::level::level_enum level = spdlog::level::info;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
  std::shared_ptr<spdlog::logger> access;
  bool access_on = true;
  bool combined = true;

  log_state() {
    sink->set_pattern(std::string(pattern));
    auto out = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    out->set_pattern("%v");
    access = std::make_shared<spdlog::logger>("access", std::move(out));
    access->flush_on(spdlog::level::info);
  }
};

log_state& state() {
  static auto* s = new log_state;  // never destroyed: services may log during exit
  return *s;
}

spdlog::level::level_enum parse_level(std::string_view level) {
  constexpr std::array names{"trace", "debug", "info", "warn", "error", "critical", "off"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (level == names[i]) return static_cast<spdlog::level::level_enum>(i);
  }
  throw std::invalid_argument(fmt::format(
      "log level \"{}\": expected trace, debug, info, warn, error, critical or off", level));
}

// Apache-style log item escaping: no quote, backslash, control or non-ASCII byte goes out raw.
void append_field(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += '-';
    return;
  }
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += ch;
    }
  }
}

std::string format_time(std::int64_t time_unix) {
  constexpr std::array months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto t = static_cast<std::time_t>(time_unix);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("[{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000]", tm.tm_mday, months[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace

void init_logging(std::string_view level, bool access_log, std::string_view access_format) {
  const auto lvl = parse_level(level);
  if (access_format != "combined" && access_format != "common")
    throw std::invalid_argument(fmt::format(
        "access log format \"{}\": expected \"combined\" or \"common\"", access_format));
  auto& s = state();
  {
    std::lock_guard lock(s.mu);
    s.level = lvl;
    s.access_on = access_log;
    s.combined = access_format == "combined";
    for (auto& [name, l] : s.loggers) l->set_level(lvl);
  }
  spdlog::set_default_logger(logger("l7"));
}

void init_logging(const log_config& cfg) { init_logging(cfg.level, cfg.access_log, cfg.format); }

std::shared_ptr<spdlog::logger> logger(std::string_view service) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  const auto it = s.loggers.find(service);
  if (it != s.loggers.end()) return it->second;
  auto l = std::make_shared<spdlog::logger>(std::string(service), s.sink);
  l->set_level(s.level);
  s.loggers.emplace(std::string(service), l);
  return l;
}

void log_access(const access_record& r) {
  auto& s = state();
  bool combined = true;
  {
    std::lock_guard lock(s.mu);
    if (!s.access_on) return;
    combined = s.combined;
  }
  const auto line =
      combined ? format_combined(r.remote_ip, r.user, r.time_unix, r.request_line, r.status,
                                 r.bytes, r.referer, r.user_agent)
               : format_common(r.remote_ip, r.user, r.time_unix, r.request_line, r.status,
                               r.bytes);
  s.access->log(spdlog::level::info, spdlog::string_view_t(line));
}

std::string format_common(std::string_view remote_ip, std::string_view user,
                          std::int64_t time_unix, std::string_view request_line, int status,
                          std::optional<std::uint64_t> bytes) {
  std::string out;
  append_field(out, remote_ip);
  out += " - ";
  append_field(out, user);
  out += ' ';
  out += format_time(time_unix);
  out += " \"";
  append_field(out, request_line);
  out += fmt::format("\" {:03} ", status);
  out += bytes ? std::to_string(*bytes) : std::string("-");
  return out;
}

std::string format_combined(std::string_view remote_ip, std::string_view user,
                            std::int64_t time_unix, std::string_view request_line, int status,
                            std::optional<std::uint64_t> bytes, std::string_view referer,
                            std::string_view user_agent) {
  auto out = format_common(remote_ip, user, time_unix, request_line, status, bytes);
  out += " \"";
  append_field(out, referer);
  out += "\" \"";
  append_field(out, user_agent);
  out += '"';
  return out;
}

}  // namespace l7::app
