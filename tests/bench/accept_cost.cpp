// accept_cost: what "only its owner gets in" adds to each connection. In one
// process, N times: connect to a loopback listener, accept, and close both
// ends (with a reset, so no TIME_WAIT fills the port range); "checked" rounds
// also do what the servers do on accept: getsockname + getpeername and one
// NETLINK_SOCK_DIAG question (net/peer_owner.h). Rounds alternate plain and
// checked; the best round of each is kept. Prints one "k=v" line:
//   kind=accept conns=N rounds=R plain_us=... checked_us=... lookup_us=...
// microseconds of this thread's CPU time per connection (what a server's
// core pays; on a shared machine wall time also counts other processes' turns):
// a whole plain and a whole checked connection, and the check alone, timed
// around it in the checked rounds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "net/peer_owner.h"

namespace {

double cpu_us() {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

struct Loopback {
    UniqueFd listener;
    sockaddr_in address{};
};

bool open_listener(Loopback& lo) {
    lo.listener.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    lo.address.sin_family = AF_INET;
    lo.address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof lo.address;
    return lo.listener && ::bind(lo.listener.get(), reinterpret_cast<sockaddr*>(&lo.address), size) == 0 &&
           ::listen(lo.listener.get(), 64) == 0 &&
           ::getsockname(lo.listener.get(), reinterpret_cast<sockaddr*>(&lo.address), &size) == 0;
}

void close_with_reset(UniqueFd& fd) {
    linger no_linger{1, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &no_linger, sizeof no_linger);
    fd.reset();
}

// Microseconds per connection over `count` connections; -1 on failure.
// *lookup_us: the part spent in the check.
double round_us(Loopback& lo, net::PeerOwner* check, int count, std::string* error, double* lookup_us) {
    double in_check = 0;
    const double start = cpu_us();
    for (int i = 0; i < count; ++i) {
        UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (::connect(client.get(), reinterpret_cast<sockaddr*>(&lo.address), sizeof lo.address) != 0) {
            *error = sys_error("connect").message;
            return -1;
        }
        UniqueFd accepted(::accept(lo.listener.get(), nullptr, nullptr));
        if (!accepted) {
            *error = sys_error("accept").message;
            return -1;
        }
        if (check) {
            const double asked = cpu_us();
            auto pair = net::socket_pair_of(accepted.get());
            auto uid = pair.ok() ? check->owner(pair.value()) : Result<uint32_t>(pair.error());
            if (!uid.ok() || uid.value() != ::geteuid()) {
                *error = uid.ok() ? "wrong owner " + std::to_string(uid.value()) : uid.error().message;
                return -1;
            }
            in_check += cpu_us() - asked;
        }
        close_with_reset(accepted);
        close_with_reset(client);
    }
    *lookup_us = in_check / count;
    return (cpu_us() - start) / count;
}

}  // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 20'000;
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
    if (count <= 0 || rounds <= 0) {
        std::fprintf(stderr, "usage: accept_cost [connections per round] [rounds of each kind]\n");
        return 2;
    }
    auto check = net::PeerOwner::open();
    if (!check.ok()) {
        std::string why = check.error().message;
        std::replace(why.begin(), why.end(), ' ', '_');  // one k=v field
        std::printf("kind=accept error=%s\n", why.c_str());
        return 0;  // BSD, macOS: nothing to measure
    }
    Loopback lo;
    if (!open_listener(lo)) {
        std::perror("accept_cost: listen on 127.0.0.1");
        return 1;
    }
    double plain = 1e9, checked = 1e9, lookup = 1e9, unused = 0, in_round = 0;
    std::string error;
    for (int r = 0; r < rounds; ++r) {
        double p = round_us(lo, nullptr, count, &error, &unused);
        double c = round_us(lo, &check.value(), count, &error, &in_round);
        if (p < 0 || c < 0) {
            std::fprintf(stderr, "accept_cost: %s\n", error.c_str());
            return 1;
        }
        plain = std::min(plain, p);
        checked = std::min(checked, c);
        lookup = std::min(lookup, in_round);
    }
    std::printf("kind=accept conns=%d rounds=%d plain_us=%.2f checked_us=%.2f lookup_us=%.2f\n", count, rounds, plain,
                checked, lookup);
    return 0;
}
