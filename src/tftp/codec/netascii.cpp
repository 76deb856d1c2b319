#include "tftp/codec/netascii.hpp"

#include <memory>

namespace l7::tftp {

namespace {
constexpr std::byte cr{'\r'}, lf{'\n'}, nul{0};
}

netascii_encoder::result netascii_encoder::encode(std::span<const std::byte> in,
                                                  std::span<std::byte> out) {
  result r;
  if (held_ != 0) {
    if (out.empty()) return r;
    out[r.produced++] = std::byte(held_ - 1);
    held_ = 0;
  }
  while (r.consumed < in.size() && r.produced < out.size()) {
    const std::byte b = in[r.consumed++];
    if (b == lf || b == cr) {
      out[r.produced++] = cr;
      const std::byte second = b == lf ? lf : nul;
      if (r.produced < out.size()) out[r.produced++] = second;
      else held_ = std::to_integer<unsigned>(second) + 1;
    } else {
      out[r.produced++] = b;
    }
  }
  return r;
}

void netascii_decoder::decode(std::span<const std::byte> in, std::vector<std::byte>& out) {
  for (const std::byte b : in) {
    if (cr_) {
      cr_ = false;
      if (b == lf) {
        out.push_back(lf);
        continue;
      }
      out.push_back(cr);
      if (b == nul) continue;
    }
    if (b == cr) cr_ = true;
    else out.push_back(b);
  }
}

void netascii_decoder::finish(std::vector<std::byte>& out) {
  if (cr_) out.push_back(cr);
  cr_ = false;
}

sender::source netascii_source(sender::source local) {
  struct state {
    sender::source local;
    netascii_encoder enc;
    std::vector<std::byte> in = std::vector<std::byte>(16 * 1024);
    std::size_t pos = 0, len = 0;
    bool eof = false;
  };
  auto st = std::make_shared<state>();
  st->local = std::move(local);
  return [st](std::span<std::byte> out, std::error_code& ec) {
    std::size_t produced = 0;
    while (produced < out.size()) {
      if (st->pos == st->len && !st->eof) {
        st->len = st->local(st->in, ec);
        if (ec) return produced;
        st->pos = 0;
        st->eof = st->len < st->in.size();
      }
      const auto pending = std::span(st->in).subspan(st->pos, st->len - st->pos);
      auto r = st->enc.encode(pending, out.subspan(produced));
      st->pos += r.consumed;
      produced += r.produced;
      if (r.produced == 0 && st->pos == st->len && st->eof) break;  // nothing held, nothing left
    }
    return produced;
  };
}

receiver::sink netascii_sink(receiver::sink local) {
  struct state {
    receiver::sink local;
    netascii_decoder dec;
    std::vector<std::byte> buf;
  };
  auto st = std::make_shared<state>();
  st->local = std::move(local);
  return [st](std::span<const std::byte> data, bool last, std::error_code& ec) {
    st->buf.clear();
    st->dec.decode(data, st->buf);
    if (last) st->dec.finish(st->buf);
    st->local(st->buf, last, ec);
  };
}

}  // namespace l7::tftp
