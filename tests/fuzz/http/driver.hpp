// Test driver for the HTTP/1.x parser, shared by the unit tests and the fuzz targets.
// It behaves like a connection: one buffer, input arriving in pieces, unconsumed bytes kept,
// pipelined messages parsed one after another, finish() at end of stream. Everything the
// parser reports is recorded in a transcript so runs with different splits can be compared.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/bytes.hpp"
#include "http/codec/parser.hpp"

namespace l7::http::testing {

struct message_record {
  std::string head;      // start line, then "name: value" lines, '\n'-separated
  std::string flags;     // chunked / content_length / keep_alive / upgrade / ...
  std::string body;
  std::string trailers;
  bool ended = false;
  friend bool operator==(const message_record&, const message_record&) = default;
};

struct transcript {
  std::vector<message_record> messages;
  std::error_code error;
  std::size_t leftover = 0;  // unconsumed bytes when the run stopped
  friend bool operator==(const transcript&, const transcript&) = default;
};

inline std::string describe_fields(const fields& f) {
  std::string out;
  for (const auto& [name, value] : f) out += name + ": " + value + "\n";
  return out;
}

inline void record_head(const parser& p, role r, message_record& m) {
  if (r == role::request) {
    const auto& h = p.request();
    m.head = h.method + " " + h.target + " " + std::to_string(h.version) + "\n";
    m.head += describe_fields(h.headers);
  } else {
    const auto& h = p.response();
    m.head = std::to_string(h.status) + " " + h.reason + " " + std::to_string(h.version) + "\n";
    m.head += describe_fields(h.headers);
  }
  const auto cl = p.content_length();
  m.flags = std::string(p.chunked() ? "chunked " : "") +
            (cl ? "cl=" + std::to_string(*cl) + " " : "") + (p.keep_alive() ? "keep-alive " : "") +
            (p.upgrade() ? "upgrade " : "") + (p.body_until_close() ? "until-close " : "") +
            (p.expect_continue() ? "100-continue " : "");
}

struct run_options {
  role r = role::request;
  limits lim{};
  std::string response_to;  // response role: method of the request
  std::size_t max_messages = 64;
  // Request role: a new parser for each message instead of reset(), to prove that reset()
  // (which keeps storage) leaves nothing of the last message behind.
  bool fresh_parser_per_message = false;
};

// Feeds `input` cut at the ascending offsets in `cuts` (empty: all at once).
inline transcript run_parser(std::string_view input, const std::vector<std::size_t>& cuts,
                             const run_options& o) {
  transcript t;
  parser p(o.r, o.lim);
  if (!o.response_to.empty()) p.expect_response_to(o.response_to);
  std::string buf;
  std::size_t pos = 0;  // start of unconsumed bytes in buf
  std::size_t fed = 0, next_cut = 0;
  const auto feed = [&] {
    if (fed == input.size()) return false;
    while (next_cut < cuts.size() && cuts[next_cut] <= fed) ++next_cut;
    const std::size_t to = next_cut < cuts.size() ? std::min(cuts[next_cut], input.size())
                                                  : input.size();
    buf.append(input.substr(fed, to - fed));
    fed = to;
    return true;
  };
  std::optional<message_record> cur;
  bool stop = false;
  feed();
  while (!stop) {
    std::error_code ec;
    const std::size_t n = p.parse(std::string_view(buf).substr(pos), ec);
    const event ev = p.next();
    if (std::holds_alternative<head_event>(ev)) {
      cur.emplace();
      record_head(p, o.r, *cur);
    } else if (const auto* d = std::get_if<data_event>(&ev)) {
      if (cur) cur->body.append(as_chars(d->bytes));
    } else if (std::holds_alternative<end_event>(ev) && cur) {
      cur->ended = true;
      cur->trailers = describe_fields(p.trailers());
      t.messages.push_back(*cur);
      cur.reset();
      stop = p.upgrade() || t.messages.size() >= o.max_messages;
      if (o.fresh_parser_per_message) p = parser(o.r, o.lim);
      else p.reset();
    }
    pos += n;
    if (pos > 4096 && pos * 2 > buf.size()) {
      buf.erase(0, pos);
      pos = 0;
    }
    if (ec) {
      t.error = ec;
      break;
    }
    if (std::holds_alternative<need_more>(ev) && !feed()) {
      p.finish(ec);
      if (ec) {
        t.error = ec;
      } else if (std::holds_alternative<end_event>(p.next()) && cur) {
        cur->ended = true;
        t.messages.push_back(*cur);
        cur.reset();
      }
      break;
    }
  }
  if (cur) t.messages.push_back(*cur);
  t.leftover = buf.size() - pos + (input.size() - fed);
  return t;
}

inline transcript run_whole(std::string_view input, const run_options& o) {
  return run_parser(input, {}, o);
}

inline transcript run_split(std::string_view input, std::size_t at, const run_options& o) {
  return run_parser(input, {at}, o);
}

inline transcript run_bytewise(std::string_view input, const run_options& o) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
  return run_parser(input, cuts, o);
}

}  // namespace l7::http::testing
