#include "ftp/codec/ascii.hpp"

#include <algorithm>
#include <cstring>

namespace l7::ftp {

namespace {
constexpr std::byte lf{'\n'};
}

void ascii_to_network(std::span<const std::byte> in, std::string& out) {
  out.reserve(out.size() + in.size() + in.size() / 32);
  const auto* p = reinterpret_cast<const char*>(in.data());
  const char* end = p + in.size();
  while (p < end) {
    const auto* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    if (!nl) {
      out.append(p, end);
      break;
    }
    out.append(p, nl);
    out += "\r\n";
    p = nl + 1;
  }
}

std::uint64_t ascii_extra(std::span<const std::byte> in) {
  return static_cast<std::uint64_t>(std::count(in.begin(), in.end(), lf));
}

void ascii_from_network::feed(std::span<const std::byte> in, std::string& out) {
  out.reserve(out.size() + in.size() + 1);
  std::size_t i = 0;
  if (pending_cr_ && !in.empty()) {
    pending_cr_ = false;
    if (in[0] != lf) out += '\r';  // the held CR was data; an LF after it is the line end
  }
  const auto* p = reinterpret_cast<const char*>(in.data());
  while (i < in.size()) {
    const auto* c = static_cast<const char*>(std::memchr(p + i, '\r', in.size() - i));
    if (!c) {
      out.append(p + i, in.size() - i);
      break;
    }
    const std::size_t at = static_cast<std::size_t>(c - p);
    out.append(p + i, at - i);
    if (at + 1 == in.size()) {  // CR at the end: wait for the next buffer
      pending_cr_ = true;
      break;
    }
    if (in[at + 1] != lf) out += '\r';
    i = at + 1;
  }
}

void ascii_from_network::finish(std::string& out) {
  if (pending_cr_) out += '\r';
  pending_cr_ = false;
}

}  // namespace l7::ftp
