// One transfer of the TFTP service: its own UDP socket (a new TID, RFC 1350 §4), the file
// behind it, and the codec's sender or receiver driven over the socket.
#pragma once

#include <memory>

#include <spdlog/spdlog.h>

#include "app/jail.hpp"
#include "app/metrics.hpp"
#include "net/runtime.hpp"
#include "tftp/codec/packet.hpp"
#include "tftp/server/limits.hpp"
#include "tftp/server/settings.hpp"

namespace l7::tftp::server {

// What every session of the service shares; owned by the service and by running sessions.
struct shared_state {
  explicit shared_state(settings s);

  settings config;
  std::unique_ptr<app::jail> root;    // read requests
  std::unique_ptr<app::jail> upload;  // write requests; null when uploads are off
  session_limits limits;
  std::shared_ptr<spdlog::logger> log;
  app::gauge* active = nullptr;
  app::counter *get_ok = nullptr, *get_failed = nullptr, *put_ok = nullptr, *put_failed = nullptr,
               *refused = nullptr, *bytes_sent = nullptr, *bytes_received = nullptr;
};

// Serves `req` from `peer`; the session's socket is bound to `local` (the listener's address)
// with a new port. Runs on `w` until the transfer ends or the worker stops.
net::awaitable<void> run_session(std::shared_ptr<shared_state> st, net::worker& w, request req,
                                 net::udp::endpoint peer, asio::ip::address local);

}  // namespace l7::tftp::server
