// libFuzzer target: the IMAP client's response reader (src/imap/client/response_reader.hpp)
// on arbitrary server bytes, and what the client reads out of each response. Checks:
// - fed whole, byte by byte and split where the input chooses, the same responses come out
//   (tag, kind, name, number, code, text, the FETCH data the client uses) and the same error;
// - a FETCH the client accepts has a sequence number, and SEARCH numbers are never 0;
// - sequence_set_text of the UIDs found names each of them once, in order.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "imap/client/response_reader.hpp"

namespace {

using namespace l7::imap::client;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "imap client response fuzz: invariant broken: %s\n", what);
  std::abort();
}

std::string digest(const client_response& c) {
  const auto& r = c.r;
  std::string d = r.tag + '|' + std::to_string(static_cast<int>(r.type)) + '|' + r.name + '|' +
                  (r.number ? std::to_string(*r.number) : "-") + '|' + r.code + '|' + r.text + '|' +
                  (c.malformed ? "m" : "") + '|' + std::to_string(r.values.size());
  if (auto f = fetch_of(r)) {
    check(f->seq == *r.number, "FETCH without its number");
    d += "|F" + std::to_string(f->uid.value_or(0)) + ',' + std::to_string(f->size.value_or(0)) + ',' +
         f->body.value_or("-") + ',' + f->header_fields.value_or("-");
  }
  if (auto s = search_of(r)) {
    for (auto n : *s) {
      check(n != 0, "SEARCH 0");
      d += ',' + std::to_string(n);
    }
    std::vector<std::uint32_t> sorted(*s);
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::vector<std::uint32_t> back;
    const auto text = sequence_set_text(*s);
    std::size_t pos = 0;
    while (pos < text.size()) {
      auto comma = text.find(',', pos);
      auto item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      auto colon = item.find(':');
      std::uint64_t a = std::stoull(item.substr(0, colon));
      std::uint64_t b = colon == std::string::npos ? a : std::stoull(item.substr(colon + 1));
      for (auto n = a; n <= b; ++n) back.push_back(static_cast<std::uint32_t>(n));
      pos = comma == std::string::npos ? text.size() : comma + 1;
    }
    check(back == sorted, "sequence_set_text does not name the UIDs");
  }
  if (auto caps = capabilities_of(r))
    for (const auto& n : caps->names) check(!n.empty(), "empty capability");
  return d;
}

std::vector<std::string> run(std::string_view in, std::size_t step, std::error_code& ec) {
  response_reader reader(2000, 300);
  std::vector<std::string> out;
  std::string buf;
  std::size_t fed = 0;
  while (fed < in.size()) {
    const auto n = std::min(step, in.size() - fed);
    buf.append(in.substr(fed, n));
    fed += n;
    for (;;) {
      const auto used = reader.parse(buf, ec);
      check(used <= buf.size(), "consumed more than given");
      buf.erase(0, used);
      if (ec) return out;
      if (!reader.ready()) break;
      out.push_back(digest(reader.take()));
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t cut = data[0] + 1;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  std::error_code whole_ec;
  const auto whole = run(in, in.size() + 1, whole_ec);
  for (std::size_t step : {std::size_t{1}, cut}) {
    std::error_code ec;
    const auto split = run(in, step, ec);
    check(split == whole, "responses differ by split");
    check(ec == whole_ec, "error differs by split");
  }
  return 0;
}
