// The benchmark's load generator (see loadgen.cpp for what it does and how
// it keeps its own cost down): options, and the one-thread epoll client.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "conn.h"
#include "payload.h"
#include "proc_stats.h"

namespace bench {

enum class Mode { ws, tcp, http, idle };

struct Options {
    std::string mode = "ws";
    std::string host = "127.0.0.1";
    uint64_t port = 0;
    uint64_t connections = 1;
    uint64_t inflight = 1;
    uint64_t size = 16;
    bool text = false;
    int64_t warmup_ms = 500;
    int64_t duration_ms = 2500;
    int64_t settle_ms = 1000;
    int64_t setup_limit_ms = 60'000;
    uint64_t pid = 0;
    std::string path = "/api/registry";
    uint64_t max_connecting = 256;
    bool free_port = false;
};

class LoadGen {
public:
    LoadGen(const Options& options, Mode mode, uint32_t mask_key)
        : o_(options), mode_(mode), mask_key_(mask_key), payload_(options.size, options.text, mask_key) {}
    int run();

private:
    enum class Phase { warmup, measure, settle, done };

    bool open_more();
    bool on_event(Conn& c, uint32_t events);
    bool on_connected(Conn& c);
    bool on_readable(Conn& c);
    bool on_bytes(Conn& c, const uint8_t* data, size_t size);
    void on_open(Conn& c);
    void on_echo(Conn& c, uint64_t seq);
    void queue_message(Conn& c);
    void mark_dirty(Conn& c);
    bool flush(Conn& c);
    bool watch(Conn& c, bool write);
    bool step();  // false once the run is over or failed
    void report() const;
    bool fail(const Conn& c, const std::string& what);
    bool fail(const std::string& what);
    // Small messages are copied whole into their slot: one iovec instead of two
    // costs the kernel less than the copy costs us.
    bool inline_body() const { return payload_.body_size() <= 64; }

    const Options& o_;
    Mode mode_;
    uint32_t mask_key_;
    Payload payload_;
    std::string http_request_;
    std::string expected_body_;
    UniqueFd epoll_;
    std::vector<Conn> conns_;
    std::vector<uint32_t> dirty_;
    // One read takes what a server sends for four 64 KiB messages at once: the
    // TCP echo's 256 KiB, and ws-server's four frames with their 10-byte
    // headers. At exactly 256 KiB each WebSocket read left 40 bytes behind and
    // cost a second read and a second epoll round (docs/benchmarks.md).
    static constexpr size_t kReadSize = 256 * 1024 + 4096;
    static_assert(kReadSize >= 4 * (64 * 1024 + 10), "four 64 KiB server frames");
    std::vector<uint8_t> read_buffer_ = std::vector<uint8_t>(kReadSize);

    Phase phase_ = Phase::warmup;
    bool failed_ = false;
    size_t opened_ = 0, opening_ = 0, open_ = 0, echoed_ = 0;
    int64_t now_ = 0, start_ = 0, all_open_at_ = 0;
    ProcSample server_before_, server_after_;
    int64_t own_cpu_before_ = 0, own_cpu_after_ = 0;
    int64_t measure_start_ = 0, measure_end_ = 0;
    uint64_t measured_ = 0;
    std::vector<int64_t> latencies_ns_;
};

}  // namespace bench
