// RFC 2047 encoded words ("=?charset?B|Q?text?=") in header text.
#pragma once

#include <string>
#include <string_view>

namespace l7::mail {

// Decodes every encoded word of unstructured header text (or of a phrase already taken out of
// its quotes) to UTF-8. RFC 2047 §6.2: white space between two adjacent encoded words is
// dropped, and adjacent words in one charset are joined before conversion, so a character
// split across them survives. Lenient: words not delimited by white space are decoded too, a
// language suffix (RFC 2231 §5, "utf-8*en") is ignored, a word with an unknown charset or a
// malformed one is kept as written. Text outside encoded words is passed through
// sanitize_utf8 (RFC 6532 UTF-8 headers stay; stray 8-bit bytes become U+FFFD).
std::string decode_encoded_words(std::string_view text);

// Encodes UTF-8 `text` for a header (RFC 2047 §5 (3), so it is valid as a phrase as well as
// unstructured text): printable ASCII without "=?" comes back as it is; anything else becomes
// "=?utf-8?Q?...?=" (mostly ASCII) or "=?utf-8?B?...?=" words of at most 75 characters,
// separated by single spaces, never splitting a UTF-8 sequence (§5, §6).
std::string encode_encoded_words(std::string_view text);

}  // namespace l7::mail
