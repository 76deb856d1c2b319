#include "dns/client/reverse.hpp"

#include <string>
#include <vector>

namespace l7::dns::client {

name reverse_name(const ip_address& address) {
  std::vector<std::string> labels;
  const auto& b = address.bytes();
  if (address.is_v4()) {
    for (int i = 3; i >= 0; --i) labels.push_back(std::to_string(b[i]));
    labels.insert(labels.end(), {"in-addr", "arpa"});
  } else {
    static constexpr char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
      labels.emplace_back(1, hex[b[i] & 0xf]);
      labels.emplace_back(1, hex[b[i] >> 4]);
    }
    labels.insert(labels.end(), {"ip6", "arpa"});
  }
  // Labels of 1-3 octets, at most 34 of them: always within the limits of RFC 1035 §2.3.4.
  std::error_code ec;
  return name::from_labels(std::move(labels), ec);
}

}  // namespace l7::dns::client
