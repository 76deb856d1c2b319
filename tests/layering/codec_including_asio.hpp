// Input for the codec_layering_check test: a codec header that must be rejected.
#pragma once
#include <asio.hpp>
