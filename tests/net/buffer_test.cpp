#include "net/buffer.h"

#include <gtest/gtest.h>

namespace {

TEST(Buffer, AppendConsumeAndCompact) {
    net::Buffer buffer;
    EXPECT_TRUE(buffer.empty());
    buffer.append("hello world");
    EXPECT_EQ(buffer.view(), "hello world");
    buffer.consume(6);
    EXPECT_EQ(buffer.view(), "world");
    std::string big(600, 'x');
    buffer.append(big);  // forces growth or compaction with data at an offset
    EXPECT_EQ(buffer.view(), "world" + big);
    buffer.consume(buffer.size());
    EXPECT_TRUE(buffer.empty());
}

TEST(Buffer, ReserveTailThenCommit) {
    net::Buffer buffer;
    uint8_t* into = buffer.reserve_tail(3);
    into[0] = 'a';
    into[1] = 'b';
    buffer.commit(2);
    EXPECT_EQ(buffer.view(), "ab");
}

TEST(Buffer, ReleaseFreesOnlyWhenEmpty) {
    net::Buffer buffer;
    buffer.append("abc");
    buffer.release();
    EXPECT_EQ(buffer.view(), "abc");
    buffer.consume(3);
    buffer.release();
    EXPECT_EQ(buffer.capacity(), 0u);
}

}  // namespace

namespace {

TEST(Buffer, AppendingNothingToAnEmptyBufferIsFine) {
    net::Buffer buffer;
    buffer.append(nullptr, 0);  // an empty payload's data() may be null
    EXPECT_TRUE(buffer.empty());
    EXPECT_EQ(buffer.capacity(), 0u);
}

}  // namespace
