#include "app/mime.hpp"

#include <fstream>

#include <gtest/gtest.h>

#include "unit/app/temp_dir.hpp"

namespace l7::app {
namespace {

TEST(mime, builtin_table) {
  const mime_table t;
  EXPECT_EQ(t.lookup("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(t.lookup("/a/b/STYLE.CSS"), "text/css; charset=utf-8");
  EXPECT_EQ(t.lookup("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(t.lookup("data.json"), "application/json; charset=utf-8");
  EXPECT_EQ(t.lookup("notes.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(t.lookup("a.png"), "image/png");
  EXPECT_EQ(t.lookup("a.JPG"), "image/jpeg");
  EXPECT_EQ(t.lookup("a.svg"), "image/svg+xml");
  EXPECT_EQ(t.lookup("a.wasm"), "application/wasm");
  EXPECT_EQ(t.lookup("live.m3u8"), "application/vnd.apple.mpegurl");
  EXPECT_EQ(t.lookup("seg1.ts"), "video/mp2t");
  EXPECT_EQ(t.lookup("v.mp4"), "video/mp4");
  EXPECT_EQ(t.lookup("a.xml"), "application/xml");
  EXPECT_EQ(t.lookup("a.pdf"), "application/pdf");
  EXPECT_EQ(t.lookup("README"), "application/octet-stream");
  EXPECT_EQ(t.lookup(".bashrc"), "application/octet-stream");
  EXPECT_EQ(t.lookup("a."), "application/octet-stream");
  EXPECT_EQ(t.lookup("a.unknownext"), "application/octet-stream");
}

TEST(mime, loads_a_mime_types_file_below_the_builtin_entries) {
  l7::test::temp_dir dir;
  const auto file = dir.path() / "mime.types";
  std::ofstream(file) << "# comment\n"
                         "text/x-custom\t\tcus  CUS2 # trailing comment\n"
                         "application/x-thing thing multi.part\n"
                         "text/vnd.trolltech.linguist ts\n"
                         "application/empty\n";
  mime_table t;
  EXPECT_TRUE(t.load(file));
  EXPECT_FALSE(t.load(dir.path() / "missing"));
  EXPECT_EQ(t.lookup("a.cus"), "text/x-custom; charset=utf-8");
  EXPECT_EQ(t.lookup("a.cus2"), "text/x-custom; charset=utf-8");
  EXPECT_EQ(t.lookup("a.thing"), "application/x-thing");
  EXPECT_EQ(t.lookup("a.part"), "application/octet-stream");
  EXPECT_EQ(t.lookup("a.ts"), "video/mp2t");
}

TEST(mime, process_table) {
  EXPECT_EQ(mime_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(mime_type_for("x.bin.unknown"), "application/octet-stream");
  EXPECT_EQ(mime_type_for("seg.ts"), "video/mp2t");
  if (std::filesystem::exists("/etc/mime.types")) {
    EXPECT_EQ(mime_type_for("a.odt"), "application/vnd.oasis.opendocument.text");
  }
}

}  // namespace
}  // namespace l7::app
