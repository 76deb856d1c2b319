// Internal to the mail codec: how a parsed header section fills a body_part's MIME fields.
#pragma once

#include "mail/codec/mime.hpp"

namespace l7::mail::detail {

// Sets type, subtype, content_type, encoding, id, description, md5, disposition, language and
// location of `p` from p.fields; keeps the defaults set by the parent when there is no
// usable Content-Type.
void interpret_fields(body_part& p);

}  // namespace l7::mail::detail
