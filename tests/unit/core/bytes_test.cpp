#include <gtest/gtest.h>

#include "core/buffer.hpp"
#include "core/bytes.hpp"

namespace l7 {

TEST(bytes, round_trip_and_bounds) {
  std::vector<std::byte> out;
  byte_writer w(out);
  w.u8(1);
  w.u16(0x0203);
  w.u32(0x04050607);
  w.u64(0x08090a0b0c0d0e0fULL);
  w.text("hi");
  byte_reader r(out);
  EXPECT_EQ(r.u8(), 1);
  EXPECT_EQ(r.u16(), 0x0203);
  EXPECT_EQ(r.u32(), 0x04050607u);
  EXPECT_EQ(r.u64(), 0x08090a0b0c0d0e0fULL);
  EXPECT_EQ(as_chars(r.bytes(2)), "hi");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.u16(), 0);
  EXPECT_FALSE(r.ok());
}

TEST(bytes, flat_buffer_borrows_and_keeps_the_rest) {
  flat_buffer b(64);
  std::string outside = "hello world";
  b.borrow(std::as_writable_bytes(std::span(outside)));
  EXPECT_TRUE(b.borrowing());
  EXPECT_EQ(b.text(), "hello world");
  EXPECT_EQ(b.data().data(), reinterpret_cast<const std::byte*>(outside.data())) << "no copy";
  b.consume(6);
  b.keep_rest();
  EXPECT_FALSE(b.borrowing());
  outside.assign(outside.size(), '#');  // the caller reuses its buffer
  EXPECT_EQ(b.text(), "world");
  // More input appends to what was kept.
  auto space = b.prepare(1);
  space[0] = std::byte{'!'};
  b.commit(1);
  EXPECT_EQ(b.text(), "world!");
  EXPECT_THROW(b.borrow(std::as_writable_bytes(std::span(outside))), std::logic_error);
  // Consumed entirely: nothing kept, no storage taken.
  flat_buffer c(64);
  c.borrow(std::as_writable_bytes(std::span(outside)));
  c.consume(outside.size());
  c.keep_rest();
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(c.storage(), 0u);
  // prepare() while borrowing keeps the rest first.
  flat_buffer d(64);
  std::string more = "abc";
  d.borrow(std::as_writable_bytes(std::span(more)));
  d.consume(1);
  d.prepare(4);
  more = "XYZ";
  EXPECT_EQ(d.text(), "bc");
}

TEST(bytes, flat_buffer_prepare_commit_consume) {
  flat_buffer b(16);
  auto s = b.prepare(8);
  std::memcpy(s.data(), "abcdefgh", 8);
  b.commit(8);
  b.consume(3);
  EXPECT_EQ(b.text(), "defgh");
  b.prepare(11);  // fits after compaction
  EXPECT_EQ(b.text(), "defgh");
  EXPECT_THROW(b.prepare(12), std::length_error);
}

}  // namespace l7
