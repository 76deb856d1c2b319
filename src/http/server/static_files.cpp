#include "http/server/static_files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bytes.hpp"
#include "core/hash.hpp"
#include "core/text.hpp"
#include "http/codec/conditional.hpp"
#include "http/codec/range.hpp"

namespace l7::http::server {
namespace {

// Files up to this size go out in one write together with the head.
constexpr std::uint64_t inline_limit = 64 * 1024;

int status_for_open_error(std::error_code ec) {
  if (ec == app::jail_errc::outside_root || ec == app::jail_errc::invalid_path) return 400;
  if (ec == app::jail_errc::symlink_escape || ec == std::errc::permission_denied) return 403;
  if (ec == std::errc::no_such_file_or_directory || ec == std::errc::not_a_directory ||
      ec == std::errc::too_many_symbolic_link_levels)
    return 404;
  return 500;
}

net::awaitable<void> respond_status(exchange& ex, int status) {
  std::string body = std::to_string(status) + " " + std::string(reason_phrase(status)) + "\n";
  co_await ex.respond(status, "text/plain; charset=utf-8", body);
}

// RFC 9110 §14.6: several ranges as multipart/byteranges, each part straight from the file.
net::awaitable<void> send_multipart(exchange& ex, response_head head, const cached_file& file,
                                    const range_result& ranges) {
  auto size = static_cast<std::uint64_t>(file.st.st_size);
  auto parts = make_multipart_byteranges(to_hex(sha1(file.etag)).substr(0, 24), file.content_type,
                                         ranges.ranges, size);
  head.status = 206;
  head.headers.add("Content-Type", parts.content_type);
  if (co_await ex.begin(std::move(head), parts.content_length)) co_return;
  for (std::size_t i = 0; i < ranges.ranges.size(); ++i) {
    if (co_await ex.write(as_bytes(parts.part_headers[i]))) co_return;
    if (co_await ex.write_file(file.fd.get(), ranges.ranges[i].first, ranges.ranges[i].length()))
      co_return;
  }
  if (co_await ex.write(as_bytes(parts.closing))) co_return;
  co_await ex.finish();
}

}  // namespace

static_files::static_files(const settings& s)
    : jail_(s.root),
      listing_(s.directory_listing),
      files_(s.open_file_cache, s.open_file_cache_valid, [jail = jail_](const std::string& path) {
        return jail.open_file(path, O_RDONLY | O_NONBLOCK);
      }) {}

net::awaitable<void> static_files::operator()(exchange& ex) const {
  if (ex.method() != "GET" && ex.method() != "HEAD") {
    response_head head;
    head.status = 405;
    head.headers.add("Allow", "GET, HEAD");
    co_await ex.respond(std::move(head), "405 Method Not Allowed\n");
    co_return;
  }
  std::string path(ex.path());
  auto now = file_cache::clock::now();
  auto file = files_.local().lookup(path, now);
  if (!file) {
    co_await respond_status(ex, status_for_open_error(file.error()));
    co_return;
  }
  if (S_ISDIR((*file)->st.st_mode)) {
    if (!path.ends_with('/')) {  // relative links inside need the trailing slash
      response_head head;
      head.status = 301;
      std::string location = percent_encode(path + "/", "/");
      if (!ex.query().empty()) location += "?" + std::string(ex.query());
      head.headers.add("Location", location);
      co_await ex.respond(std::move(head), "");
      co_return;
    }
    auto index = files_.local().lookup(path + "index.html", now);
    if (index && S_ISREG((*index)->st.st_mode)) {
      co_await serve_file(ex, std::move(*index));
    } else if (listing_) {
      co_await serve_directory(ex, path);
    } else {
      co_await respond_status(ex, 403);
    }
    co_return;
  }
  if (!S_ISREG((*file)->st.st_mode)) {
    co_await respond_status(ex, 403);
    co_return;
  }
  co_await serve_file(ex, std::move(*file));
}

net::awaitable<void> static_files::serve_file(exchange& ex, file_cache::handle file) const {
  int fd = file->fd.get();
  auto size = static_cast<std::uint64_t>(file->st.st_size);
  std::int64_t mtime = file->st.st_mtim.tv_sec;
  const std::string& etag = file->etag;
  const auto& headers = ex.request().headers;
  response_head head;
  head.headers.add("ETag", etag);
  head.headers.add("Last-Modified", file->last_modified);
  head.headers.add("Accept-Ranges", "bytes");
  switch (evaluate_preconditions(ex.method(), headers, {etag, mtime, true})) {
    case precondition_result::not_modified:
      head.status = 304;
      co_await ex.respond(std::move(head), "");
      co_return;
    case precondition_result::failed:
      head.status = 412;
      co_await ex.respond(std::move(head), "");
      co_return;
    case precondition_result::proceed:
      break;
  }
  range_result ranges;
  auto range = headers.get("Range");
  auto if_range_value = headers.get("If-Range");
  if (range && ex.method() == "GET" && (!if_range_value || if_range(*if_range_value, etag, mtime)))
    ranges = parse_range(*range, size);

  if (ranges.status == range_status::unsatisfiable) {  // RFC 9110 §15.5.17
    head.status = 416;
    head.headers.add("Content-Range", format_unsatisfied_range(size));
    co_await ex.respond(std::move(head), "");
    co_return;
  }
  if (ranges.status == range_status::satisfiable && ranges.ranges.size() > 1) {
    co_await send_multipart(ex, std::move(head), *file, ranges);
    co_return;
  }
  std::uint64_t first = 0, length = size;
  head.headers.add("Content-Type", file->content_type);
  if (ranges.status == range_status::satisfiable) {
    head.status = 206;
    first = ranges.ranges[0].first;
    length = ranges.ranges[0].length();
    head.headers.add("Content-Range", format_content_range(first, ranges.ranges[0].last, size));
  }
  if (length <= inline_limit) {
    std::string body(length, '\0');
    if (ex.method() == "GET" &&
        ::pread(fd, body.data(), length, static_cast<off_t>(first)) != static_cast<ssize_t>(length)) {
      co_await respond_status(ex, 500);
      co_return;
    }
    co_await ex.respond(std::move(head), body);
    co_return;
  }
  if (co_await ex.begin(std::move(head), length)) co_return;
  if (co_await ex.write_file(fd, first, length)) co_return;
  co_await ex.finish();
}

net::awaitable<void> static_files::serve_directory(exchange& ex, const std::string& path) const {
  auto resolved = jail_.resolve(path);
  if (!resolved) {
    co_await respond_status(ex, status_for_open_error(resolved.error()));
    co_return;
  }
  auto accept = ex.request().headers.get("Accept").value_or("");
  bool json = ex.query_param("format") == "json" ||
              (accept.find("application/json") != std::string_view::npos &&
               accept.find("text/html") == std::string_view::npos);
  std::string body = json ? render_listing_json(path, resolved->fs_path)
                          : render_listing_html(path, resolved->fs_path);
  response_head head;
  head.headers.add("Content-Type", json ? "application/json" : "text/html; charset=utf-8");
  head.headers.add("Vary", "Accept");
  co_await ex.respond(std::move(head), body);
}

}  // namespace l7::http::server
