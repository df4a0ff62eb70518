#include "net/buffer.h"

#include <gtest/gtest.h>

#include <cstddef>

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

TEST(AllocateBytes, LargeBlocksStartOnAPage) {
    for (size_t size : {size_t{1}, size_t{512}, size_t{65535}}) {
        net::Bytes bytes = net::allocate_bytes(size);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(bytes.get()) % alignof(std::max_align_t), 0u) << size;
    }
    for (size_t size : {size_t{64 * 1024}, size_t{256 * 1024}, size_t{256 * 1024 + 1}}) {
        net::Bytes bytes = net::allocate_bytes(size);
        EXPECT_EQ(reinterpret_cast<uintptr_t>(bytes.get()) % 4096, 0u) << size;
        bytes[size - 1] = 1;  // the whole size is there (ASan checks)
    }
}

TEST(AllocateBytes, BufferGrowsOntoPageAlignedBlocksWhenLarge) {
    net::Buffer buffer;
    for (size_t size = 1; size <= (1u << 20); size *= 4) {
        buffer.append(std::string(size, 'x'));
        if (buffer.capacity() >= 64 * 1024) {
            EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % 4096, 0u) << size;
        }
        buffer.consume(buffer.size());
    }
}
