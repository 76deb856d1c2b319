// libFuzzer target: the POP3 client's response parser (src/pop3/client/response.hpp) on
// arbitrary server bytes. The first byte picks single-line or multi-line. Checks:
// - the same outcome (consumed bytes, status, body, error) fed whole, split at a point the
//   input chooses, and byte by byte;
// - a body never holds more bytes than were consumed, and every line of it came unstuffed
//   (no body line ends up as "." alone unless the wire had "..");
// - the STAT/LIST/UIDL/CAPA readers accept anything without crashing.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "pop3/client/response.hpp"

namespace {

using namespace l7::pop3::client;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "pop3 response fuzz: invariant broken: %s\n", what);
  std::abort();
}

struct outcome {
  std::size_t used = 0;
  bool done = false;
  std::error_code ec;
  bool ok = false;
  std::string code, text, body;
};

outcome run(std::string_view in, bool multiline, std::size_t step) {
  limits l;
  l.max_status_line = 200;
  l.max_body_line = 300;
  l.max_body = 4000;
  response_parser p(l);
  p.expect(multiline);
  outcome out;
  std::string buf;
  std::size_t fed = 0;
  while (fed < in.size() || !buf.empty()) {
    const auto n = std::min(step, in.size() - fed);
    buf.append(in.substr(fed, n));
    fed += n;
    const auto used = p.parse(buf, out.ec);
    check(used <= buf.size(), "consumed more than given");
    out.used += used;
    buf.erase(0, used);
    if (out.ec || p.done() || n == 0) break;
  }
  out.done = p.done();
  if (out.done) {
    out.ok = p.status().ok;
    out.code = p.status().code;
    out.text = p.status().text;
    out.body = p.take_body();
    check(out.body.size() <= out.used, "body larger than the input");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool multiline = data[0] & 1;
  const std::size_t cut = data[0] >> 1;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto whole = run(in, multiline, in.size() + 1);
  for (std::size_t step : {std::size_t{1}, cut + 1}) {
    const auto split = run(in, multiline, step);
    check(split.done == whole.done, "done differs by split");
    check(split.ec == whole.ec, "error differs by split");
    check(split.used == whole.used || whole.ec, "consumed bytes differ by split");
    check(split.body == whole.body && split.text == whole.text && split.code == whole.code,
          "result differs by split");
  }
  if (whole.done && !whole.ok) check(whole.body.empty(), "-ERR with a body");
  (void)parse_stat(in);
  (void)parse_scan_listing(in);
  (void)parse_unique_id_listing(in);
  const auto caps = parse_capa(in);
  for (const auto& m : caps.sasl) check(!m.empty(), "empty SASL mechanism");
  for (auto line : body_lines(in)) check(line.find('\n') == std::string_view::npos, "line with LF");
  return 0;
}
