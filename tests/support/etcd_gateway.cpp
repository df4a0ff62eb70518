#include "tests/support/etcd_gateway.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

namespace support {

std::string gateway_reply(std::string_view status, std::string_view body) {
    return "HTTP/1.1 " + std::string(status) + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           std::string(body);
}

ScriptedGateway::ScriptedGateway(Script script) : script_(std::move(script)) {
    fd_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    ::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), length);
    ::listen(fd_.get(), 8);
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
}

ScriptedGateway::~ScriptedGateway() {
    stop_ = true;
    thread_.join();
}

std::vector<std::pair<std::string, std::string>> ScriptedGateway::calls() {
    std::lock_guard lock(mutex_);
    return calls_;
}

// Until `fd` is readable (true), or the gateway stops or, for a client
// connection, is told to drop it (false).
bool ScriptedGateway::wait(int fd, bool client) {
    pollfd p{fd, POLLIN, 0};
    while (!stop_ && !(client && drop_))
        if (::poll(&p, 1, 20) == 1) return true;
    return false;
}

std::string ScriptedGateway::answer_for(const std::string& call, const std::string& body) {
    std::lock_guard lock(mutex_);
    calls_.emplace_back(call, body);
    return script_(call, body);
}

void ScriptedGateway::serve() {
    while (wait(fd_.get(), false)) {
        UniqueFd client(::accept(fd_.get(), nullptr, nullptr));
        std::string in;
        char buffer[4096];
        while (wait(client.get(), true)) {
            ssize_t n = ::recv(client.get(), buffer, sizeof buffer, 0);
            if (n <= 0) break;
            in.append(buffer, static_cast<size_t>(n));
            size_t end = in.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            size_t length_at = in.find("Content-Length: ");
            size_t length = length_at < end ? std::stoul(in.substr(length_at + 16)) : 0;
            if (in.size() < end + 4 + length) continue;
            size_t path_at = in.find("/v3/") + 4;
            std::string call = in.substr(path_at, in.find(' ', path_at) - path_at);
            std::string answer = answer_for(call, in.substr(end + 4, length));
            in.erase(0, end + 4 + length);
            ::send(client.get(), answer.data(), answer.size(), MSG_NOSIGNAL);
        }
        drop_ = false;  // dropped (or closed by the client): the next connection is served
    }
}

}  // namespace support
