#include "http/security.h"

#include <gtest/gtest.h>

#include <string>

using namespace std::literals;

namespace http {
namespace {

TEST(SecurityTest, LoopbackHostsAccepted) {
    const std::string_view accepted[] = {
        "localhost",       "LOCALHOST",       "LocalHost:5173", "localhost:1",  "localhost:65535",
        "localhost:00080", "127.0.0.1",       "127.0.0.1:80",   "[::1]",        "[::1]:5173",
        "[::1]:65535",     "127.0.0.1:54321",
    };
    for (std::string_view host : accepted) EXPECT_TRUE(is_loopback_host(host)) << host;
}

TEST(SecurityTest, OtherHostsRefused) {
    const std::string_view refused[] = {
        "",
        ":80",
        "localhost.evil.com",   // DNS rebinding: a name the attacker controls
        "localhost.evil.com:5173",
        "evil.localhost",
        "127.0.0.1.nip.io",
        "127.0.0.1.nip.io:5173",
        "evil.com",
        "evil.com:5173",
        "localhost.",           // the FQDN spelling is a different Host to a browser
        "localhost:",           // empty port
        "localhost:0",
        "localhost:65536",
        "localhost:99999",
        "localhost:123456",
        "localhost:80a",
        "localhost:+80",
        "localhost: 80",
        "localhost:80:80",
        " localhost",
        "localhost ",
        "127.0.0.2",
        "127.1",
        "0.0.0.0",
        "2130706433",           // 127.0.0.1 as one decimal number
        "0x7f000001",
        "::1",
        "[::1]x",
        "[::1]:",
        "[::1]:0",
        "[0:0:0:0:0:0:0:1]",
        "[::ffff:127.0.0.1]",
        "user@localhost",
        "localhost\0.evil.com"sv,
    };
    for (std::string_view host : refused) EXPECT_FALSE(is_loopback_host(host)) << host;
}

TEST(SecurityTest, HostOfAnAdvertisedName) {
    EXPECT_TRUE(is_host_of("devbox", "devbox"));
    EXPECT_TRUE(is_host_of("DevBox.LAN:8080", "devbox.lan")) << "names ignore case";
    EXPECT_TRUE(is_host_of("10.0.0.5:80", "10.0.0.5"));
    EXPECT_TRUE(is_host_of("[FD00::5]:80", "fd00::5"));
    for (std::string_view host : {"devbox.lan.evil.com", "devbo", "devbox:", "devbox:0", "devbox:80x", "xdevbox",
                                  "evil.devbox", ""})
        EXPECT_FALSE(is_host_of(host, "devbox")) << host;
    EXPECT_FALSE(is_host_of("devbox", "")) << "no name advertised";
}

// The 403 names what would have been accepted: the loopback names, and the
// address listened on and the advertised name when they add one.
TEST(SecurityTest, HostRefusalNamesEveryAcceptedName) {
    EXPECT_TRUE(is_own_host("localhost:80", "", ""));
    EXPECT_TRUE(is_own_host("10.0.0.5", "10.0.0.5", ""));
    EXPECT_TRUE(is_own_host("devbox:80", "127.0.0.1", "devbox"));
    EXPECT_FALSE(is_own_host("evil.example", "127.0.0.1", "devbox"));
    for (std::string_view loopback_only : {"", "127.0.0.1", "::1", "0.0.0.0", "::", "localhost"})
        EXPECT_EQ(host_refusal("evil.example", loopback_only, ""), "Host 'evil.example' is not a loopback name")
            << loopback_only;
    EXPECT_EQ(host_refusal("evil.example", "127.0.0.1", "devbox"),
              "Host 'evil.example' is not a loopback name or the advertised name (devbox)");
    EXPECT_EQ(host_refusal("evil.example", "10.0.0.5", ""),
              "Host 'evil.example' is not a loopback name or the listening address (10.0.0.5)");
    EXPECT_EQ(host_refusal("evil.example", "fd00::5", "devbox"),
              "Host 'evil.example' is not a loopback name, the listening address (fd00::5) or the advertised name "
              "(devbox)");
    EXPECT_EQ(host_refusal(std::string(150, 'h'), "", ""), "Host '" + std::string(100, 'h') + "' is not a loopback name");
}

TEST(SecurityTest, LoopbackOriginsAccepted) {
    const std::string_view accepted[] = {
        "http://localhost",     "http://localhost:5173", "https://localhost:5173", "HTTP://LOCALHOST:5173",
        "http://127.0.0.1:80",  "http://127.0.0.1",      "http://[::1]:5173",      "https://[::1]",
    };
    for (std::string_view origin : accepted) EXPECT_TRUE(is_loopback_origin(origin)) << origin;
}

TEST(SecurityTest, OtherOriginsRefused) {
    const std::string_view refused[] = {
        "",
        "null",  // sandboxed iframes, file:// pages
        "http://",
        "https://",
        "localhost:5173",
        "ws://localhost:5173",
        "file://localhost",
        "http://localhost/",
        "http://localhost:5173/path",
        "http://localhost.evil.com",
        "http://localhost.evil.com:5173",
        "http://127.0.0.1.nip.io:5173",
        "http://evil.com",
        "https://evil.com",
        "http://user@localhost",
        "http://localhost:0",
        "http://[::1]x",
        "http:/localhost",
        " http://localhost",
        "http://localhost ",
    };
    for (std::string_view origin : refused) EXPECT_FALSE(is_loopback_origin(origin)) << origin;
}

}  // namespace
}  // namespace http
