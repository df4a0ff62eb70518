// Slow-loris clients: connections that send a request one byte at a time on
// a thread of their own, and notice when the server hangs up on them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.h"

namespace load {

class Dripper {
public:
    // Opens `count` connections now; then every `interval_ms` each still open
    // one sends its next byte of `request`, until all are closed by the
    // server or `give_up_ms` has passed.
    Dripper(uint16_t port, size_t count, std::string request, int interval_ms, int give_up_ms);
    ~Dripper();
    size_t connected() const { return conns_.size(); }
    int open() const { return open_; }  // not yet closed by the server

    struct Result {
        int still_open = 0;       // when the dripping stopped
        size_t most_sent = 0;     // bytes of the request any one got out
        int64_t shortest_ms = 0;  // lifetime from connect to the server's hang-up
        int64_t longest_ms = 0;
        int answered = 0;         // got an HTTP answer with `status` before the hang-up
    };
    Result finish(int status);  // waits for the thread

private:
    struct Conn {
        UniqueFd fd;
        size_t sent = 0;
        int64_t opened_ms = 0;
        int64_t closed_ms = 0;  // 0 while open
        std::string answer;
    };
    void run(int interval_ms, int64_t give_up);

    std::string request_;
    std::vector<Conn> conns_;
    std::atomic<int> open_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace load
