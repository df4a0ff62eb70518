#include "registry/etcd_url.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>

#include "base/ascii.h"

namespace registry {
namespace {

bool is_prefix_char(char c) {
    return (base::is_alpha(c) || base::is_digit(c)) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

bool is_user_char(char c) { return (base::is_alpha(c) || base::is_digit(c)) || c == '-' || c == '.' || c == '_'; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

// One "host[:port]": numeric IPv4, [IPv6] or localhost. Empty when fine.
std::string parse_endpoint(std::string_view text, EtcdEndpoint& out) {
    if (text.empty()) return "is empty";
    std::string_view host, port;
    bool has_port = false;
    if (text.front() == '[') {
        size_t close = text.find(']');
        if (close == std::string_view::npos) return "'[' without ']'";
        host = text.substr(1, close - 1);
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return "expected ':' after ']'";
            port = rest.substr(1);
            has_port = true;
        }
        in6_addr v6{};
        if (host.empty() || ::inet_pton(AF_INET6, std::string(host).c_str(), &v6) != 1)
            return "host " + quoted(host) + " is not a numeric IPv6 address";
        out.host = std::string(host);
    } else {
        size_t colon = text.find(':');
        host = text.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = text.substr(colon + 1);
            has_port = true;
            if (port.find(':') != std::string_view::npos)
                return "an IPv6 address goes in brackets, e.g. [::1]:2379";
        }
        in_addr v4{};
        if (base::iequals(host, "localhost")) {
            out.host = "127.0.0.1";
        } else if (!host.empty() && ::inet_pton(AF_INET, std::string(host).c_str(), &v4) == 1) {
            out.host = std::string(host);
        } else {
            return "host " + quoted(host) + " is not a numeric IPv4 address, [IPv6] or localhost" +
                   " (names are not resolved)";
        }
    }
    out.port = kEtcdDefaultPort;
    if (has_port) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        bool digits = !port.empty() && base::is_digit(port.front());
        if (!digits || ec != std::errc() || end != port.data() + port.size() || value < 1 || value > 65535)
            return "port " + quoted(port) + " is not a number in 1..65535";
        out.port = static_cast<uint16_t>(value);
    }
    return {};
}

std::string parse_prefix(std::string_view text, std::string& out) {
    while (text.size() > 1 && text.back() == '/') text.remove_suffix(1);
    if (text.empty() || text == "/") {
        out = std::string(kEtcdDefaultPrefix);
        return {};
    }
    for (char c : text)
        if (!is_prefix_char(c))
            return "prefix " + quoted(text) + ": " + quoted(std::string_view(&c, 1)) +
                   " is not allowed (letters, digits, - . _ ~ and /)";
    if (text.find("//") != std::string_view::npos) return "prefix " + quoted(text) + " has an empty part ('//')";
    out = std::string(text);
    return {};
}

}  // namespace

std::string EtcdEndpoint::text() const {
    return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool is_etcd_url(std::string_view value) noexcept { return value.starts_with(kEtcdScheme); }

Result<EtcdTarget> parse_etcd_url(std::string_view url) {
    auto bad = [&](std::string what) { return Error{"etcd URL " + quoted(url) + ": " + what}; };
    if (!is_etcd_url(url)) return bad("does not start with etcd://");
    std::string_view rest = url.substr(kEtcdScheme.size());
    EtcdTarget target;
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    for (char c : authority)
        if (c == '?' || c == '#' || base::is_ctl(c) || c == ' ')
            return bad(quoted(std::string_view(&c, 1)) + " is not allowed in the host list");
    if (path.find_first_of("?#") != std::string_view::npos) return bad("no query or fragment ('?', '#') after the prefix");
    size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        std::string_view user = authority.substr(0, at);
        if (user.find(':') != std::string_view::npos)
            return bad("no password in the URL: give the user only (etcd://user@host:port) and the password "
                       "in a file or the environment");
        if (user.empty()) return bad("empty user name before '@'");
        for (char c : user)
            if (!is_user_char(c))
                return bad("user " + quoted(user) + ": " + quoted(std::string_view(&c, 1)) +
                           " is not allowed (letters, digits, - . _)");
        target.user = std::string(user);
        authority.remove_prefix(at + 1);
    }
    if (authority.empty()) return bad("no host:port");
    size_t index = 1;
    while (true) {
        size_t comma = authority.find(',');
        std::string_view one = authority.substr(0, comma);
        EtcdEndpoint endpoint;
        std::string problem = parse_endpoint(one, endpoint);
        if (!problem.empty())
            return bad("endpoint " + std::to_string(index) + " " + quoted(one) + ": " + problem);
        target.endpoints.push_back(std::move(endpoint));
        if (comma == std::string_view::npos) break;
        authority.remove_prefix(comma + 1);
        ++index;
    }
    std::string problem = parse_prefix(path, target.prefix);
    if (!problem.empty()) return bad(problem);
    return target;
}

}  // namespace registry
