// Parser driver, body states and accessors. Heads: parser_head.cpp; chunked: parser_chunked.cpp.
#include "http/codec/parser.hpp"

#include <algorithm>
#include <utility>

#include "core/bytes.hpp"

namespace l7::http {

parser::parser(role r, limits l) : role_(r), limits_(l) {}

std::size_t parser::parse(std::string_view in, std::error_code& ec) {
  return parse(as_bytes(in), ec);
}

std::size_t parser::parse(std::span<const std::byte> in, std::error_code& ec) {
  ec = {};
  if (state_ == state::failed) {
    ec = error_;
    return 0;
  }
  if (!std::holds_alternative<need_more>(event_)) return 0;  // one event at a time
  const std::string_view text = as_chars(in);
  std::size_t used = 0;
  while (std::holds_alternative<need_more>(event_)) {
    const state before = state_;
    const std::size_t n = step(text.substr(used), ec);
    if (ec) {
      error_ = ec;
      state_ = state::failed;
      event_ = need_more{};
      return used;
    }
    used += n;
    if (n == 0 && state_ == before) break;  // needs more input
  }
  return used;
}

event parser::next() { return std::exchange(event_, need_more{}); }

std::size_t parser::step(std::string_view in, std::error_code& ec) {
  switch (state_) {
    case state::head: return step_head(in, ec);
    case state::length_body: return step_length_body(in, ec);
    case state::close_body: return step_close_body(in, ec);
    case state::chunk_line: return step_chunk_line(in, ec);
    case state::chunk_data: return step_chunk_data(in);
    case state::chunk_crlf: return step_chunk_crlf(in, ec);
    case state::trailers: return step_trailers(in, ec);
    case state::end:
      event_ = end_event{};
      state_ = state::done;
      return 0;
    case state::done:
    case state::failed: return 0;
  }
  return 0;
}

// Produces a data event for the first n bytes of `in`.
std::size_t parser::emit_data(std::string_view in, std::uint64_t n) {
  const auto len = static_cast<std::size_t>(n);
  event_ = data_event{as_bytes(in.substr(0, len))};
  body_bytes_ += len;
  return len;
}

// RFC 9112 §6.3 item 6. The limit is checked after the head event so the caller has the head
// when it answers 413.
std::size_t parser::step_length_body(std::string_view in, std::error_code& ec) {
  if (limits_.max_body != 0 && content_length_.value_or(0) > limits_.max_body) {
    ec = error::body_too_large;
    return 0;
  }
  const std::uint64_t n = std::min<std::uint64_t>(remaining_, in.size());
  if (n == 0) return 0;
  remaining_ -= n;
  if (remaining_ == 0) state_ = state::end;
  return emit_data(in, n);
}

// RFC 9112 §6.3 item 8: everything up to the end of the stream; finish() ends it.
std::size_t parser::step_close_body(std::string_view in, std::error_code& ec) {
  if (in.empty()) return 0;
  std::uint64_t n = in.size();
  if (limits_.max_body != 0) {
    const std::uint64_t room = limits_.max_body - std::min(body_bytes_, limits_.max_body);
    if (room == 0) {
      ec = error::body_too_large;
      return 0;
    }
    n = std::min(n, room);
  }
  return emit_data(in, n);
}

void parser::finish(std::error_code& ec) {
  ec = {};
  switch (state_) {
    case state::close_body:
      // With an event still waiting for next(), the following parse() produces `end`.
      if (std::holds_alternative<need_more>(event_)) {
        event_ = end_event{};
        state_ = state::done;
      } else {
        state_ = state::end;
      }
      return;
    case state::head:
      if (!scan_.started()) return;  // clean close between messages
      break;
    case state::end:
    case state::done: return;
    case state::failed:
      ec = error_;
      return;
    default: break;
  }
  ec = error::partial_message;
  error_ = ec;
  state_ = state::failed;
}

void parser::expect_response_to(std::string_view method) { response_to_.assign(method); }

void parser::reset() {
  // Member by member, so that the heads' strings and field lists keep their storage for the
  // next message on the connection.
  if (!interim_) response_to_.clear();  // an interim response keeps the final one's method
  request_.method.clear();
  request_.target.clear();
  request_.version = 11;
  request_.headers.clear();
  response_.status = 200;
  response_.reason.clear();
  response_.version = 11;
  response_.headers.clear();
  trailers_.clear();
  state_ = state::head;
  event_ = need_more{};
  error_.clear();
  scan_ = detail::section_scanner{};
  content_length_.reset();
  remaining_ = 0;
  body_bytes_ = 0;
  chunked_ = until_close_ = keep_alive_ = upgrade_ = expect_continue_ = interim_ = false;
}

bool parser::chunked() const { return chunked_; }
std::optional<std::uint64_t> parser::content_length() const { return content_length_; }
bool parser::keep_alive() const { return keep_alive_; }
bool parser::expect_continue() const { return expect_continue_; }
bool parser::upgrade() const { return upgrade_; }
bool parser::body_until_close() const { return until_close_; }
bool parser::done() const { return state_ == state::done; }

}  // namespace l7::http
