#include "tftp/codec/packet.hpp"

#include <algorithm>
#include <cassert>

#include "core/bytes.hpp"
#include "core/text.hpp"
#include "tftp/codec/error.hpp"

namespace l7::tftp {
namespace {

// Reads NUL-terminated strings from a datagram body.
class string_reader {
 public:
  explicit string_reader(std::string_view body) : body_(body) {}

  bool at_end() const { return pos_ == body_.size(); }
  // True when only NUL bytes remain (padding some clients add after the last field).
  bool only_padding() const {
    return std::all_of(body_.begin() + static_cast<std::ptrdiff_t>(pos_), body_.end(),
                       [](char c) { return c == '\0'; });
  }
  std::optional<std::string_view> next() {
    const auto nul = body_.find('\0', pos_);
    if (nul == std::string_view::npos) return std::nullopt;
    auto s = body_.substr(pos_, nul - pos_);
    pos_ = nul + 1;
    return s;
  }
  std::string_view rest() {
    auto s = body_.substr(pos_);
    pos_ = body_.size();
    return s;
  }

 private:
  std::string_view body_;
  std::size_t pos_ = 0;
};

// RFC 2347 §2: option/value pairs until the end of the packet.
std::vector<option> decode_options(string_reader& r, bool allow_padding, std::error_code& ec) {
  std::vector<option> out;
  while (!r.at_end()) {
    if (allow_padding && r.only_padding()) break;
    auto name = r.next();
    if (!name) return ec = error::unterminated, out;
    auto value = r.next();
    if (!value) return ec = error::bad_option, out;
    if (name->empty()) return ec = error::bad_option, out;
    if (find_option(out, *name)) return ec = error::duplicate_option, out;
    if (out.size() == max_options) return ec = error::too_many_options, out;
    out.push_back({std::string(*name), std::string(*value)});
  }
  return out;
}

packet decode_request(opcode op, std::string_view body, std::error_code& ec) {
  string_reader r(body);
  request req;
  req.op = op;
  auto file = r.next();
  if (!file) return ec = error::unterminated, req;
  auto mode = r.next();
  if (!mode) return ec = error::unterminated, req;
  if (file->empty()) return ec = error::empty_filename, req;
  req.filename = std::string(*file);
  req.mode = std::string(*mode);
  req.options = decode_options(r, true, ec);
  return req;
}

void put_u16(std::vector<std::byte>& out, std::uint16_t v) {
  out.push_back(std::byte(v >> 8));
  out.push_back(std::byte(v & 0xff));
}

void put_string(std::vector<std::byte>& out, std::string_view s) {
  assert(s.find('\0') == std::string_view::npos);
  auto b = as_bytes(s);
  out.insert(out.end(), b.begin(), b.end());
  out.push_back(std::byte{0});
}

}  // namespace

std::string printable(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
  return out;
}

namespace {

std::string options_text(const std::vector<option>& options) {
  std::string out;
  for (const auto& o : options) out += " " + printable(o.name) + "=" + printable(o.value);
  return out;
}

}  // namespace

std::optional<opcode> peek_opcode(std::span<const std::byte> d) {
  if (d.size() < 2) return std::nullopt;
  const auto v = static_cast<std::uint16_t>((std::to_integer<unsigned>(d[0]) << 8) |
                                            std::to_integer<unsigned>(d[1]));
  if (v < 1 || v > 6) return std::nullopt;
  return static_cast<opcode>(v);
}

packet decode(std::span<const std::byte> datagram, std::error_code& ec) {
  ec.clear();
  if (datagram.size() < 2) return ec = error::truncated, packet{};
  const auto op = peek_opcode(datagram);
  if (!op) return ec = error::bad_opcode, packet{};
  const auto body = as_chars(datagram.subspan(2));
  switch (*op) {
    case opcode::rrq:
    case opcode::wrq: return decode_request(*op, body, ec);
    case opcode::data: {
      if (datagram.size() < 4) return ec = error::truncated, packet{};
      byte_reader r(datagram.subspan(2));
      data_packet d;
      d.block = r.u16();
      d.payload = datagram.subspan(4);
      return d;
    }
    case opcode::ack: {
      // RFC 1350 §5 says 4 octets; trailing bytes are ignored, as tftp-hpa does.
      if (datagram.size() < 4) return ec = error::truncated, packet{};
      byte_reader r(datagram.subspan(2));
      return ack_packet{r.u16()};
    }
    case opcode::error: {
      if (datagram.size() < 4) return ec = error::truncated, packet{};
      byte_reader r(datagram.subspan(2));
      error_packet e;
      e.code = r.u16();
      string_reader s(body.substr(2));
      auto msg = s.next();
      e.message = std::string(msg ? *msg : s.rest());  // a missing NUL is tolerated
      return e;
    }
    case opcode::oack: {
      string_reader r(body);
      oack_packet o;
      o.options = decode_options(r, false, ec);
      return o;
    }
  }
  return ec = error::bad_opcode, packet{};
}

std::optional<transfer_mode> parse_mode(std::string_view mode) {
  if (iequals(mode, "octet")) return transfer_mode::octet;
  if (iequals(mode, "netascii")) return transfer_mode::netascii;
  return std::nullopt;
}

std::string_view mode_name(transfer_mode m) {
  return m == transfer_mode::octet ? "octet" : "netascii";
}

const option* find_option(const std::vector<option>& options, std::string_view name) {
  for (const auto& o : options)
    if (iequals(o.name, name)) return &o;
  return nullptr;
}

void encode_request(const request& r, std::vector<std::byte>& out) {
  assert(r.op == opcode::rrq || r.op == opcode::wrq);
  put_u16(out, static_cast<std::uint16_t>(r.op));
  put_string(out, r.filename);
  put_string(out, r.mode);
  for (const auto& o : r.options) {
    put_string(out, o.name);
    put_string(out, o.value);
  }
}

void encode_data(std::uint16_t block, std::span<const std::byte> payload, std::vector<std::byte>& out) {
  put_u16(out, static_cast<std::uint16_t>(opcode::data));
  put_u16(out, block);
  out.insert(out.end(), payload.begin(), payload.end());
}

void encode_ack(std::uint16_t block, std::vector<std::byte>& out) {
  put_u16(out, static_cast<std::uint16_t>(opcode::ack));
  put_u16(out, block);
}

void encode_error(std::uint16_t code, std::string_view message, std::vector<std::byte>& out) {
  put_u16(out, static_cast<std::uint16_t>(opcode::error));
  put_u16(out, code);
  put_string(out, message);
}

void encode_oack(const std::vector<option>& options, std::vector<std::byte>& out) {
  put_u16(out, static_cast<std::uint16_t>(opcode::oack));
  for (const auto& o : options) {
    put_string(out, o.name);
    put_string(out, o.value);
  }
}

void encode(const packet& p, std::vector<std::byte>& out) {
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, request>) encode_request(v, out);
        else if constexpr (std::is_same_v<T, data_packet>) encode_data(v.block, v.payload, out);
        else if constexpr (std::is_same_v<T, ack_packet>) encode_ack(v.block, out);
        else if constexpr (std::is_same_v<T, error_packet>) encode_error(v.code, v.message, out);
        else encode_oack(v.options, out);
      },
      p);
}

void write_data_header(std::span<std::byte> out, std::uint16_t block) {
  assert(out.size() >= data_header_size);
  out[0] = std::byte{0};
  out[1] = std::byte{static_cast<std::uint8_t>(opcode::data)};
  out[2] = std::byte(block >> 8);
  out[3] = std::byte(block & 0xff);
}

std::string_view wire_message(std::uint16_t code) {
  switch (code) {
    case wire::file_not_found: return "File not found";
    case wire::access_violation: return "Access violation";
    case wire::disk_full: return "Disk full or allocation exceeded";
    case wire::illegal_operation: return "Illegal TFTP operation";
    case wire::unknown_tid: return "Unknown transfer ID";
    case wire::file_exists: return "File already exists";
    case wire::no_such_user: return "No such user";
    case wire::option_refused: return "Option negotiation refused";
    default: return "Not defined";
  }
}

std::string describe(const packet& p) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, request>)
          return std::string(v.op == opcode::rrq ? "RRQ \"" : "WRQ \"") + printable(v.filename) + "\" " +
                 printable(v.mode) + options_text(v.options);
        else if constexpr (std::is_same_v<T, data_packet>)
          return "DATA " + std::to_string(v.block) + " (" + std::to_string(v.payload.size()) + " bytes)";
        else if constexpr (std::is_same_v<T, ack_packet>)
          return "ACK " + std::to_string(v.block);
        else if constexpr (std::is_same_v<T, error_packet>)
          return "ERROR " + std::to_string(v.code) + " \"" + printable(v.message) + "\"";
        else
          return "OACK" + options_text(v.options);
      },
      p);
}

std::string describe(std::span<const std::byte> datagram) {
  std::error_code ec;
  auto p = decode(datagram, ec);
  if (ec) return "malformed (" + ec.message() + ", " + std::to_string(datagram.size()) + " bytes)";
  return describe(p);
}

}  // namespace l7::tftp
