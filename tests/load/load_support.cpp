#include "load_support.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "json/reader.h"

namespace load {

void figures(const std::string& test, const std::string& text) {
    std::printf("[figures] %s: %s\n", test.c_str(), text.c_str());
    std::fflush(stdout);
}

std::string bin(const std::string& name) {
    const char* dir = std::getenv("PEER_PLAN_BIN_DIR");
    return std::string(dir && *dir ? dir : ".") + "/" + name;
}

int own_fds() { return usage(::getpid()).fds; }

bool HttpClient::get(const std::string& path, int* status, std::string* body) {
    std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n\r\n";
    if (!harness::send_all(fd_.get(), request)) return false;
    size_t head_end;
    while ((head_end = in_.find("\r\n\r\n")) == std::string::npos)
        if (!more()) return false;
    std::string head = in_.substr(0, head_end);
    for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t at = head.find("\r\ncontent-length:");
    if (at == std::string::npos || head.find("\r\nconnection: close") != std::string::npos) return false;
    size_t length = std::strtoul(head.c_str() + at + 17, nullptr, 10);
    while (in_.size() < head_end + 4 + length)
        if (!more()) return false;
    *status = harness::http_status(in_);
    *body = in_.substr(head_end + 4, length);
    in_.erase(0, head_end + 4 + length);
    return true;
}

bool HttpClient::more() {
    std::string got = harness::recv_exact(fd_.get(), 1, 10'000);
    if (got.empty()) return false;
    in_ += got;
    char chunk[65536];
    ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, MSG_DONTWAIT);
    if (n > 0) in_.append(chunk, static_cast<size_t>(n));
    return true;
}

bool entries_of(const std::string& text, std::set<Triple>* out) {
    Result<json::Value> parsed = json::parse(text);
    if (!parsed.ok() || !parsed.value().is_array()) return false;
    for (const json::Value& e : parsed.value().as_array()) {
        const json::Value* id = e.find("id");
        const json::Value* port = e.find("port");
        const json::Value* pid = e.find("pid");
        if (!id || !id->is_string() || !port || !port->as_int() || !pid || !pid->as_int()) return false;
        out->insert({id->as_string(), *port->as_int(), *pid->as_int()});
    }
    return true;
}

void RegistryLoad::SetUp() {
    raise_fd_limit();
    fds_at_start_ = own_fds();
    harness::write_file(dir_.file("index.html"), "<!doctype html><title>load</title>\n");
}

void RegistryLoad::TearDown() { EXPECT_EQ(own_fds(), fds_at_start_) << "the test left descriptors open"; }

Child RegistryLoad::start_registry_http(uint16_t* port, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--port", "0", "--registry", registry(), "--web", dir_.path()};
    args.insert(args.end(), extra.begin(), extra.end());
    Child child(bin("registry-http"), args, dir_.file("registry-http"));
    *port = 0;
    if (auto line = child.wait_for_line("registry-http listening on http://127.0.0.1:", 10'000))
        *port = static_cast<uint16_t>(std::atoi(line->c_str() + line->find("127.0.0.1:") + 10));
    return child;
}

}  // namespace load
