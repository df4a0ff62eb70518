// Loopback Host and Origin checks (SPEC "Security defaults"). Deliberately an
// allow-list of three exact spellings: a name that merely starts or ends like
// one ("localhost.evil.com", "127.0.0.1.nip.io") is how DNS rebinding gets in.
// Other loopback spellings (127.0.0.2, [0:0::1], "localhost.") are refused too;
// a user who needs them binds and browses with one of the three.
#include "http/security.h"

#include <vector>

#include "base/ascii.h"

namespace http {
namespace {

using base::iequals;

// 1-5 digits, value 1-65535.
bool is_port(std::string_view digits) noexcept {
    if (digits.empty() || digits.size() > 5) return false;
    unsigned value = 0;
    for (char c : digits) {
        if (!base::is_digit(c)) return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value >= 1 && value <= 65535;
}

bool is_loopback_name(std::string_view name) noexcept {
    return iequals(name, "localhost") || name == "127.0.0.1" || name == "[::1]";
}

}  // namespace

bool is_loopback_host(std::string_view host_header) noexcept {
    // An IPv6 literal holds colons of its own, so the port separator is the
    // last colon, and only after the closing bracket.
    size_t colon = host_header.rfind(':');
    size_t bracket = host_header.rfind(']');
    if (colon == std::string_view::npos || (bracket != std::string_view::npos && colon < bracket))
        return is_loopback_name(host_header);
    return is_loopback_name(host_header.substr(0, colon)) && is_port(host_header.substr(colon + 1));
}

bool is_host_of(std::string_view host_header, std::string_view address) noexcept {
    if (address.empty() || address == "0.0.0.0" || address == "::" || address == "localhost") return false;
    const bool v6 = address.find(':') != std::string_view::npos;
    std::string_view name = host_header;
    if (v6) {
        if (!name.starts_with('[')) return false;
        const size_t close = name.find(']');
        if (close == std::string_view::npos || !iequals(name.substr(1, close - 1), address)) return false;
        name.remove_prefix(close + 1);
    } else {
        if (name.size() < address.size() || !iequals(name.substr(0, address.size()), address)) return false;
        name.remove_prefix(address.size());
    }
    return name.empty() || (name[0] == ':' && is_port(name.substr(1)));
}

bool is_own_host(std::string_view host_header, std::string_view listen_address,
                 std::string_view advertised_name) noexcept {
    return is_loopback_host(host_header) || is_host_of(host_header, listen_address) ||
           is_host_of(host_header, advertised_name);
}

std::string host_refusal(std::string_view host_header, std::string_view listen_address,
                         std::string_view advertised_name) {
    std::vector<std::string> names{"a loopback name"};
    // An address is_host_of() accepts, unless a loopback name says it already.
    const bool v6 = listen_address.find(':') != std::string_view::npos;
    const std::string listen_host = v6 ? "[" + std::string(listen_address) + "]" : std::string(listen_address);
    if (is_host_of(listen_host, listen_address) && !is_loopback_name(listen_host))
        names.push_back("the listening address (" + std::string(listen_address) + ")");
    if (is_host_of(advertised_name, advertised_name))
        names.push_back("the advertised name (" + std::string(advertised_name) + ")");
    std::string text = "Host '" + std::string(host_header.substr(0, 100)) + "' is not ";
    for (size_t i = 0; i < names.size(); ++i)
        text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
    return text;
}

bool is_loopback_origin(std::string_view origin) noexcept {
    for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
        if (origin.size() > scheme.size() && iequals(origin.substr(0, scheme.size()), scheme))
            return is_loopback_host(origin.substr(scheme.size()));
    }
    return false;
}

}  // namespace http
