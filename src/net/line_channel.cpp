#include "net/line_channel.hpp"

#include "core/bytes.hpp"

namespace l7::net {

line_channel::line_channel(worker& w, std::unique_ptr<connection> c, std::size_t max_line)
    : worker_(w), waiter_(w.executor(), true), conn_(std::move(c)), framer_(max_line, true),
      in_(max_line + read_chunk) {
  conn_->set_owner(&waiter_);
}

line_channel::~line_channel() {
  if (conn_) conn_->set_owner(nullptr);
}

awaitable<std::error_code> line_channel::wait(unsigned what, duration timeout) {
  conn_->expires_after(timeout);
  auto ec = co_await waiter_.wait(*conn_, what);
  conn_->disarm();
  co_return ec;
}

awaitable<std::error_code> line_channel::read_more(duration timeout, bool stoppable) {
  for (;;) {
    io_result r;
    if (in_.empty()) {
      // Into the worker's scratch buffer, parsed where it lies: a session whose client sends
      // whole commands never holds a read buffer of its own (what is left over is copied by
      // keep_input() before the session can suspend).
      auto space = worker_.poller().scratch();
      space = space.first(std::min(space.size(), in_.max_size()));
      r = conn_->read_some(space);
      if (r.status == io_status::done) {
        in_.borrow(space.first(r.bytes));
        co_return std::error_code{};
      }
    } else {
      const auto room = std::min(read_chunk, in_.capacity_left());
      if (room == 0) co_return make_error_code(std::errc::no_buffer_space);
      auto space = in_.prepare(room);  // takes a borrowed rest into owned storage first
      r = conn_->read_some(space);
      if (r.status == io_status::done) {
        in_.commit(r.bytes);
        co_return std::error_code{};
      }
    }
    if (r.status == io_status::eof) co_return asio::error::eof;
    if (r.status == io_status::failed) co_return r.ec ? r.ec : make_error_code(asio::error::broken_pipe);
    if (stoppable && worker_.stopping()) co_return asio::error::shut_down;
    auto ec = co_await wait(r.status == io_status::want_read ? ready_read : ready_write, timeout);
    if (ec && (stoppable || ec != asio::error::shut_down)) co_return ec;
  }
}

void line_channel::keep_input() {
  in_.keep_rest();
  in_.shrink_if_empty(keep_buffer);
}

void line_channel::consume(std::size_t n) {
  in_.consume(n);
  keep_input();
}

awaitable<std::error_code> line_channel::read_line(std::string& line, bool& too_long, duration timeout) {
  too_long = false;
  for (;;) {
    auto r = framer_.next(in_.text());
    if (r.status == line_status::ok) line.assign(r.line);
    in_.consume(r.consumed);
    if (r.status == line_status::ok) {
      keep_input();
      co_return std::error_code{};
    }
    if (r.status == line_status::too_long || r.status == line_status::bare_lf) {
      line.clear();
      too_long = true;
      keep_input();
      co_return std::error_code{};
    }
    if (auto ec = co_await read_more(timeout, true)) co_return ec;
  }
}

awaitable<std::error_code> line_channel::read_some(std::string_view& bytes, duration timeout, bool stoppable) {
  if (in_.empty()) {
    if (auto ec = co_await read_more(timeout, stoppable)) co_return ec;
  }
  bytes = in_.text();
  co_return std::error_code{};
}

awaitable<std::error_code> line_channel::flush(duration timeout) {
  auto a = as_bytes(std::string_view(out_));
  while (!a.empty()) {
    auto r = conn_->write_some(a);
    if (r.status == io_status::done) {
      a = a.subspan(r.bytes);
      continue;
    }
    if (r.status == io_status::eof || r.status == io_status::failed) {
      out_.clear();
      co_return r.ec ? r.ec : make_error_code(asio::error::broken_pipe);
    }
    // TLS may need to read before it can write again.
    const unsigned what = r.status == io_status::want_read ? ready_read : ready_write;
    auto ec = co_await wait(what, timeout);
    // A graceful stop does not interrupt a write (it has its own timeout).
    if (ec && ec != asio::error::shut_down) {
      out_.clear();
      co_return ec;
    }
  }
  out_.clear();
  if (out_.capacity() > keep_buffer) std::string().swap(out_);  // after a large reply (RETR)
  co_return std::error_code{};
}

awaitable<std::error_code> line_channel::start_tls(ssl_ctx_st* ctx, duration timeout) {
  if (!conn_->start_tls_server(ctx)) co_return make_error_code(std::errc::not_enough_memory);
  for (;;) {
    auto r = conn_->handshake();
    if (r.status == io_status::done) co_return std::error_code{};
    if (r.status != io_status::want_read && r.status != io_status::want_write)
      co_return r.ec ? r.ec : make_error_code(asio::error::eof);
    if (auto ec = co_await wait(r.status == io_status::want_read ? ready_read : ready_write, timeout)) co_return ec;
  }
}

void line_channel::close() {
  if (!conn_ || !conn_->is_open()) return;
  conn_->shutdown_write();
  conn_->close();
}

awaitable<void> line_channel::flush_and_close(duration timeout) {
  (void)co_await flush(timeout);
  close();
}

}  // namespace l7::net
