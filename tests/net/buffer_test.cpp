#include "net/buffer.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>

namespace {

TEST(Buffer, AppendConsumeAndCompact) {
    net::Buffer buffer;
    EXPECT_TRUE(buffer.empty());
    EXPECT_TRUE(buffer.append("hello world"));
    EXPECT_EQ(buffer.view(), "hello world");
    buffer.consume(6);
    EXPECT_EQ(buffer.view(), "world");
    std::string big(600, 'x');
    EXPECT_TRUE(buffer.append(big));  // forces growth or compaction with data at an offset
    EXPECT_EQ(buffer.view(), "world" + big);
    buffer.consume(buffer.size());
    EXPECT_TRUE(buffer.empty());
}

TEST(Buffer, CompactsInPlaceWhenTheDataFitsOnceMovedToTheFront) {
    net::Buffer buffer;
    ASSERT_TRUE(buffer.append("x"));
    const size_t capacity = buffer.capacity();
    ASSERT_GE(capacity, 16u);
    const uint8_t* block = buffer.data();  // the data starts at the front of the block
    std::string first(capacity, 'a');
    for (size_t i = 0; i < first.size(); ++i) first[i] = static_cast<char>('a' + i % 26);
    buffer.consume(1);
    ASSERT_TRUE(buffer.append(first.substr(0, capacity - 4)));  // the buffer is full but for 4 bytes
    ASSERT_EQ(buffer.capacity(), capacity);
    buffer.consume(capacity / 2);  // now the data sits at an offset
    ASSERT_EQ(buffer.data(), block + capacity / 2);
    const std::string kept = first.substr(capacity / 2, capacity - 4 - capacity / 2);
    ASSERT_EQ(buffer.view(), kept);

    ASSERT_TRUE(buffer.append("0123456789"));  // does not fit behind the data, fits once moved to the front
    EXPECT_EQ(buffer.data(), block) << "the data moved to the front of the same block";
    EXPECT_EQ(buffer.capacity(), capacity) << "compacted, not grown";
    EXPECT_EQ(buffer.view(), kept + "0123456789");
}

TEST(Buffer, GrowsWhenCompactingWouldNotMakeRoom) {
    net::Buffer buffer;
    ASSERT_TRUE(buffer.append("x"));
    const size_t capacity = buffer.capacity();
    ASSERT_TRUE(buffer.append(std::string(capacity - 1, 'y')));
    buffer.consume(1);
    ASSERT_TRUE(buffer.append("zz"));  // capacity - 1 + 2 bytes do not fit in capacity
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
    EXPECT_TRUE(buffer.append("abc"));
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
    EXPECT_TRUE(buffer.append(nullptr, 0));  // an empty payload's data() may be null
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
        EXPECT_TRUE(buffer.append(std::string(size, 'x')));
        if (buffer.capacity() >= 64 * 1024) {
            EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.data()) % 4096, 0u) << size;
        }
        buffer.consume(buffer.size());
    }
}

namespace {

// Sets net::buffer_memory.limit for one test and puts it back.
class MemoryLimit {
public:
    explicit MemoryLimit(size_t limit) : before_(net::buffer_memory.limit) { net::buffer_memory.limit = limit; }
    ~MemoryLimit() { net::buffer_memory.limit = before_; }

private:
    size_t before_;
};

TEST(Buffer, CompactsInPlaceWhenTheRestFits) {
    net::Buffer buffer;
    EXPECT_TRUE(buffer.append(std::string(400, 'a')));
    const uint8_t* block = buffer.data();
    ASSERT_EQ(buffer.capacity(), 512u);
    buffer.consume(300);
    EXPECT_TRUE(buffer.append(std::string(300, 'b')));  // 100 + 300 fit once moved to the front
    EXPECT_EQ(buffer.capacity(), 512u);
    EXPECT_EQ(buffer.data(), block);
    EXPECT_EQ(buffer.view(), std::string(100, 'a') + std::string(300, 'b'));
}

TEST(Buffer, IsAPointerAndThreeThirtyTwoBitSizes) {
    EXPECT_LE(sizeof(net::Buffer), 24u);
}

TEST(Buffer, CountsItsBlocksInBufferMemory) {
    const size_t held = net::buffer_memory.held;
    {
        net::Buffer buffer;
        EXPECT_TRUE(buffer.append(std::string(1000, 'x')));
        EXPECT_EQ(net::buffer_memory.held, held + 1024);
        EXPECT_TRUE(buffer.append(std::string(100 * 1024, 'x')));  // a mapped block now
        EXPECT_EQ(net::buffer_memory.held, held + 128 * 1024);
        buffer.consume(buffer.size());
        buffer.release();
        EXPECT_EQ(net::buffer_memory.held, held);
        EXPECT_TRUE(buffer.append("again"));
    }
    EXPECT_EQ(net::buffer_memory.held, held);  // the destructor gave it back
}

TEST(Buffer, LimitedGrowthStopsAtTheLimitAndKeepsWhatItHolds) {
    net::Buffer buffer;
    EXPECT_TRUE(buffer.append(std::string(500, 'x')));
    MemoryLimit limit(net::buffer_memory.held + 1024);  // 512 more may come, not 1536
    net::buffer_memory.refused = net::Shortage::none;
    EXPECT_FALSE(buffer.append(std::string(600, 'y'), net::Growth::limited));  // would need 2048 in all
    EXPECT_EQ(net::buffer_memory.refused, net::Shortage::limit);
    EXPECT_EQ(buffer.view(), std::string(500, 'x'));
    EXPECT_EQ(buffer.capacity(), 512u);
    EXPECT_TRUE(buffer.append(std::string(500, 'y'), net::Growth::limited));  // 1024 in all: at the limit
    EXPECT_TRUE(buffer.append(std::string(600, 'z')));  // output already promised may pass it
    EXPECT_EQ(buffer.size(), 1600u);
}

TEST(Buffer, RefusesBlocksPastTwoGiBWithoutAllocating) {
    net::Buffer buffer;
    EXPECT_TRUE(buffer.append("abc"));
    net::buffer_memory.refused = net::Shortage::none;
    EXPECT_EQ(buffer.reserve_tail(net::kMaxBlock), nullptr);
    EXPECT_EQ(net::buffer_memory.refused, net::Shortage::system);
    EXPECT_EQ(buffer.view(), "abc");
    EXPECT_EQ(buffer.capacity(), 512u);
}

}  // namespace
