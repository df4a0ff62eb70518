#include "net/buffer.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

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

TEST(Buffer, CompactsInPlaceWhenTheDataFitsOnceMovedToTheFront) {
    net::Buffer buffer;
    buffer.append("x");
    const size_t capacity = buffer.capacity();
    ASSERT_GE(capacity, 16u);
    const uint8_t* block = buffer.data();  // the data starts at the front of the block
    std::string first(capacity, 'a');
    for (size_t i = 0; i < first.size(); ++i) first[i] = static_cast<char>('a' + i % 26);
    buffer.consume(1);
    buffer.append(first.substr(0, capacity - 4));  // the buffer is full but for 4 bytes
    ASSERT_EQ(buffer.capacity(), capacity);
    buffer.consume(capacity / 2);  // now the data sits at an offset
    ASSERT_EQ(buffer.data(), block + capacity / 2);
    const std::string kept = first.substr(capacity / 2, capacity - 4 - capacity / 2);
    ASSERT_EQ(buffer.view(), kept);

    buffer.append("0123456789");  // does not fit behind the data, fits once moved to the front
    EXPECT_EQ(buffer.data(), block) << "the data moved to the front of the same block";
    EXPECT_EQ(buffer.capacity(), capacity) << "compacted, not grown";
    EXPECT_EQ(buffer.view(), kept + "0123456789");
}

TEST(Buffer, GrowsWhenCompactingWouldNotMakeRoom) {
    net::Buffer buffer;
    buffer.append("x");
    const size_t capacity = buffer.capacity();
    buffer.append(std::string(capacity - 1, 'y'));
    buffer.consume(1);
    buffer.append("zz");  // capacity - 1 + 2 bytes do not fit in capacity
    EXPECT_GT(buffer.capacity(), capacity);
    EXPECT_EQ(buffer.view(), std::string(capacity - 1, 'y') + "zz");
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
