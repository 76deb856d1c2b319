#include "net/line_service.hpp"

#include <sys/socket.h>

#include <algorithm>

#include <spdlog/spdlog.h>

#include "net/connection_server.hpp"

namespace l7::net {

line_listener& listener_named(std::deque<line_listener>& all, const std::string& name,
                              std::shared_ptr<asio::ssl::context> tls, bool implicit_tls,
                              std::size_t max_connections) {
  auto it = std::find_if(all.begin(), all.end(), [&](const line_listener& l) { return l.name == name; });
  if (it != all.end()) return *it;
  all.push_back({name, std::move(tls), implicit_tls, std::make_shared<connection_limit>(max_connections)});
  return all.back();
}

void serve_sessions(worker& w, tcp::acceptor acceptor, const line_listener& l, std::string_view busy,
                    session_fn session, std::shared_ptr<spdlog::logger> log) {
  connection_accept_options options;
  options.service = l.name;
  options.limit = l.limit;
  if (!l.implicit_tls && !busy.empty()) {
    options.reject = [busy = std::string(busy)](int fd) {
      (void)::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    };
  }
  spawn_connection_acceptor(w, std::move(acceptor), std::move(options),
                            [&w, session = std::move(session), log](std::unique_ptr<connection> c) {
                              asio::co_spawn(w.executor(), session(std::move(c)), [log](std::exception_ptr e) {
                                if (!e) return;
                                try {
                                  std::rethrow_exception(e);
                                } catch (const std::exception& ex) {
                                  log->error("session ended by an exception: {}", ex.what());
                                }
                              });
                            });
}

}  // namespace l7::net
