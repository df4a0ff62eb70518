// A growable byte buffer with cheap consumption from the front. Unlike
// std::string it never zero-fills the space that recv() is about to write,
// it is 24 bytes (a pointer and three 32-bit sizes: every connection has two),
// and growing it can fail without ending the process: reserve_tail() then
// returns null and the caller closes that one client.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <utility>

namespace net {

// Large byte blocks start on a page. glibc puts a large block 16 bytes past a
// page boundary, and from there the kernel's copies (rep movsb) ran at half
// speed or worse on this AMD machine: 1 connection x 64 KiB x 16 in flight
// echoed 20,000-24,000 messages/s from such a read buffer and 45,000 in most
// runs from a page-aligned one. Small blocks keep malloc's alignment: an
// aligned allocation leaves gaps in the heap that idle connections pay for.
struct FreeBytes {
    void operator()(uint8_t* bytes) const { std::free(bytes); }
};
using Bytes = std::unique_ptr<uint8_t[], FreeBytes>;
// For the server's one read buffer, taken at start (it cannot run without it).
inline Bytes allocate_bytes(size_t size) {
    constexpr size_t kPage = 4096;
    void* bytes = size >= 64 * 1024 ? std::aligned_alloc(kPage, (size + kPage - 1) / kPage * kPage) : std::malloc(size);
    if (bytes == nullptr) std::abort();  // out of memory before the first client
    return Bytes(static_cast<uint8_t*>(bytes));
}

// Why a buffer could not grow.
enum class Shortage : uint8_t {
    none,
    limit,   // all buffers together would pass BufferMemory::limit (ws-server: close 1013)
    system,  // malloc or mmap failed, or the block would pass 2 GiB (ws-server: close 1011)
};

// The bytes in all Buffer blocks of the process together: what --max-memory
// bounds. One event loop thread owns them all, so plain counters do.
struct BufferMemory {
    size_t held = 0;                                     // capacity of every block now
    size_t limit = std::numeric_limits<size_t>::max();   // limited growth stops here
    Shortage refused = Shortage::none;                   // why the last failed growth failed
};
inline BufferMemory buffer_memory;

// Whether a growth may pass BufferMemory::limit: input (what a client makes
// us keep) may not; output already promised may.
enum class Growth : uint8_t { any, limited };

// Blocks of 64 KiB and more are pages mapped for them alone: they start on a
// page, and they go back to the system when freed. From malloc they would
// not: glibc raises its mmap threshold to the size of each mapped block freed
// (up to 32 MiB), so after one large message the next ones came from its heap
// and stayed resident (20 clients x 16 MiB fragmented messages left 38-68 MB
// behind). Capacities are 512 << k, so a large one is whole pages.
inline constexpr size_t kLargeBlock = 64 * 1024;
inline constexpr size_t kMaxBlock = size_t{1} << 31;

inline uint8_t* allocate_block(size_t capacity) noexcept {
    if (capacity < kLargeBlock) return static_cast<uint8_t*>(std::malloc(capacity));
    void* block = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return block == MAP_FAILED ? nullptr : static_cast<uint8_t*>(block);
}

inline void free_block(uint8_t* block, size_t capacity) noexcept {
    if (block == nullptr) return;
    if (capacity < kLargeBlock) std::free(block);
    else ::munmap(block, capacity);
}

class Buffer {
public:
    Buffer() = default;
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer() { free(); }

    size_t size() const { return end_ - begin_; }
    bool empty() const { return begin_ == end_; }
    size_t capacity() const { return capacity_; }
    uint8_t* data() { return bytes_ + begin_; }
    std::span<uint8_t> span() { return {data(), size()}; }
    std::string_view view() const { return {reinterpret_cast<const char*>(bytes_) + begin_, size()}; }

    // Room for at least `n` more bytes at the end; returns where to write
    // them, or null when the memory cannot be had (buffer_memory.refused says
    // why; what the buffer holds is kept).
    uint8_t* reserve_tail(size_t n, Growth growth = Growth::any) noexcept;
    void commit(size_t n) { end_ += static_cast<uint32_t>(n); }
    // False, with nothing appended, when the memory cannot be had.
    [[nodiscard]] bool append(const void* data, size_t n, Growth growth = Growth::any) noexcept {
        if (n == 0) return true;  // data may be null then, which memcpy does not allow
        uint8_t* into = reserve_tail(n, growth);
        if (into == nullptr) return false;
        std::memcpy(into, data, n);
        end_ += static_cast<uint32_t>(n);
        return true;
    }
    [[nodiscard]] bool append(std::string_view s, Growth growth = Growth::any) noexcept {
        return append(s.data(), s.size(), growth);
    }
    void consume(size_t n) {
        begin_ += static_cast<uint32_t>(n);
        if (begin_ == end_) begin_ = end_ = 0;
    }
    void clear() { begin_ = end_ = 0; }
    // Frees the memory when empty: idle connections should cost almost nothing.
    void release() {
        if (empty()) free();
    }

private:
    void free() noexcept {
        free_block(bytes_, capacity_);
        buffer_memory.held -= capacity_;
        bytes_ = nullptr;
        capacity_ = begin_ = end_ = 0;
    }

    uint8_t* bytes_ = nullptr;
    uint32_t capacity_ = 0;
    uint32_t begin_ = 0, end_ = 0;
};

inline uint8_t* Buffer::reserve_tail(size_t n, Growth growth) noexcept {
    if (capacity_ - end_ >= n) return bytes_ + end_;
    const size_t used = size();
    if (capacity_ >= used + n && begin_ > 0) {  // enough room once compacted
        std::memmove(bytes_, bytes_ + begin_, used);
    } else {
        if (n > kMaxBlock - used) {
            buffer_memory.refused = Shortage::system;
            return nullptr;
        }
        size_t grown = capacity_ ? size_t{capacity_} * 2 : 512;
        while (grown < used + n) grown *= 2;
        if (grown > kMaxBlock) {
            buffer_memory.refused = Shortage::system;
            return nullptr;
        }
        const size_t more = grown - capacity_;
        if (growth == Growth::limited && buffer_memory.held + more > buffer_memory.limit) {
            buffer_memory.refused = Shortage::limit;
            return nullptr;
        }
        uint8_t* bigger = allocate_block(grown);
        if (bigger == nullptr) {
            buffer_memory.refused = Shortage::system;
            return nullptr;
        }
        if (used) std::memcpy(bigger, bytes_ + begin_, used);
        free_block(bytes_, capacity_);
        buffer_memory.held += more;
        bytes_ = bigger;
        capacity_ = static_cast<uint32_t>(grown);
    }
    begin_ = 0;
    end_ = static_cast<uint32_t>(used);
    return bytes_ + end_;
}

}  // namespace net
