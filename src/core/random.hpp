// Unpredictable bytes from OpenSSL's CSPRNG (the header does not expose OpenSSL), drawn from a
// small per-thread pool so that per-frame callers (WebSocket masks, RFC 6455 §5.3) stay cheap.
#pragma once

#include <cstddef>
#include <span>

namespace l7 {

// Fills `out`. Throws std::runtime_error if the system has no entropy to give (never in practice).
void random_fill(std::span<std::byte> out);

}  // namespace l7
