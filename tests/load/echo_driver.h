// Many WebSocket clients in one thread: non-blocking sockets on one epoll.
// Each client connects, does the opening handshake, and once every client is
// open (so they are all connected at the same time) sends its messages with a
// few in flight, checks every echoed byte, then closes with 1000 and waits
// for the server's close and EOF. One message in 8 goes as two fragments
// with a ping between them (the pong must come first, then the whole echo),
// and text messages hold 2-, 3- and 4-byte UTF-8 characters that the
// fragment split may cut. Message sizes, contents, opcodes and mask
// keys vary per client and sequence number, and are regenerated to check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace load {

struct EchoPlan {
    uint16_t port = 0;
    size_t clients = 1;
    size_t messages = 1;       // per client
    size_t in_flight = 4;      // messages sent ahead of their echoes, per client
    size_t min_size = 1;       // payload bytes
    size_t max_size = 200;
    size_t max_connecting = 128;  // connects pending at once (the accept backlog is finite)
    int timeout_ms = 120'000;     // for the whole run
};

struct EchoReport {
    size_t opened = 0;           // handshakes completed
    size_t peak_open = 0;        // clients open at the same time
    size_t closed_cleanly = 0;   // close 1000 answered, then EOF
    uint64_t messages = 0;       // echoes received and verified
    uint64_t bytes = 0;          // payload bytes verified
    uint64_t fragmented = 0;     // of the messages: sent as two fragments around a ping, pong verified
    int64_t handshake_ms = 0;    // until all were open
    int64_t echo_ms = 0;         // from the first message to the last echo
    int64_t total_ms = 0;
    size_t failed = 0;
    std::string first_error;     // of the first failed client
    bool ok() const { return failed == 0; }
    std::string summary() const;
};

EchoReport run_echo(const EchoPlan& plan);

// The payload of message `seq` of client `client` (what the echo must be).
std::string message_payload(size_t client, size_t seq, size_t min_size, size_t max_size);

}  // namespace load
