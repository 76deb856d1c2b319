// ws_load's command line and what it asks of the operating system: options, the fd limit,
// CPU time of a process, waiting for stdin or a signal. Only bench/ws_load.cpp includes it.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>

namespace ws_load {

// The command line (see bench/ws_load.cpp for what each option means).
struct options {
  std::string mode = "echo";
  std::size_t connections = 1;
  std::size_t size = 32;
  double duration = 5;
  double warmup = 1;
  std::size_t window = 8;
  unsigned threads = 1;
  bool text = false;
  long server_pid = 0;
  std::string host, port, target;
};

// CPU seconds (user + system) of a process, all its threads: /proc/PID/stat fields 14 and 15
// (proc(5)), after the parenthesised command name. -1 when it cannot be read.
inline double process_cpu(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto paren = all.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(all.substr(paren + 2));
  std::string field;
  double ticks = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i)
    if (i >= 14) ticks += std::stod(field);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline double own_cpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(ru.ru_utime) + sec(ru.ru_stime);
}

inline volatile std::sig_atomic_t signalled = 0;

// Idle mode: hold the connections until stdin reaches EOF or a signal arrives. The handlers
// are installed without SA_RESTART, so a signal interrupts the blocking read.
inline void hold() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { signalled = 1; };
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  char buf[256];
  while (!signalled && ::read(0, buf, sizeof buf) > 0) {
  }
}

inline void raise_fd_limit(std::size_t connections) {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rlim_t want = connections + 64;
  if (rl.rlim_cur >= want) return;
  rl.rlim_cur = want;
  if (rl.rlim_max < want) rl.rlim_max = want;  // works as root; otherwise the soft limit stays
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

[[noreturn]] inline void usage(const char* why) {
  std::fprintf(stderr,
               "ws_load: %s\nusage: ws_load --mode echo|bulk|idle [--connections N] [--size BYTES]\n"
               "        [--duration S] [--warmup S] [--window W] [--threads T] [--text] [--server-pid PID]\n"
               "        ws://HOST:PORT/PATH\n",
               why);
  std::exit(2);
}

inline options parse_args(int argc, char** argv) {
  options o;
  std::string url;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--text") { o.text = true; continue; }
    if (a.rfind("--", 0) != 0) { url = a; continue; }
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    std::string v = argv[++i];
    try {
      if (a == "--mode") o.mode = v;
      else if (a == "--connections") o.connections = std::stoul(v);
      else if (a == "--size") o.size = std::stoul(v);
      else if (a == "--duration") o.duration = std::stod(v);
      else if (a == "--warmup") o.warmup = std::stod(v);
      else if (a == "--window") o.window = std::stoul(v);
      else if (a == "--threads") o.threads = static_cast<unsigned>(std::stoul(v));
      else if (a == "--server-pid") o.server_pid = std::stol(v);
      else usage(("unknown option " + a).c_str());
    } catch (const std::logic_error&) {  // std::stoul / std::stod on a non-number
      usage(("bad value for " + a).c_str());
    }
  }
  if (o.mode != "echo" && o.mode != "bulk" && o.mode != "idle") usage("--mode: echo, bulk or idle");
  if (o.connections == 0 || o.threads == 0 || o.window == 0) usage("counts must be positive");
  if (url.rfind("ws://", 0) != 0) usage("the URL must start with ws://");
  std::string rest = url.substr(5);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  o.target = slash == std::string::npos ? "/" : rest.substr(slash);
  auto colon = authority.rfind(':');
  if (colon == std::string::npos) usage("the URL needs a port");
  o.host = authority.substr(0, colon);
  o.port = authority.substr(colon + 1);
  o.threads = static_cast<unsigned>(std::min<std::size_t>(o.threads, o.connections));
  return o;
}

}  // namespace ws_load
