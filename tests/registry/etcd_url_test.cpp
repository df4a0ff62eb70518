#include "registry/etcd_url.h"

#include <gtest/gtest.h>

#include <string>

namespace {

using registry::EtcdEndpoint;
using registry::parse_etcd_url;

std::string error_of(std::string_view url) {
    auto parsed = parse_etcd_url(url);
    return parsed.ok() ? "(ok)" : parsed.error().message;
}

TEST(EtcdUrl, OneEndpointGetsTheDefaultPrefix) {
    auto parsed = parse_etcd_url("etcd://127.0.0.1:2379");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    ASSERT_EQ(parsed.value().endpoints.size(), 1u);
    EXPECT_EQ(parsed.value().endpoints[0], (EtcdEndpoint{"127.0.0.1", 2379}));
    EXPECT_EQ(parsed.value().prefix, "/peer-plan");
    EXPECT_EQ(parsed.value().user, "");
    EXPECT_EQ(parsed.value().key_for("server-1-abc"), "/peer-plan/servers/server-1-abc");
}

TEST(EtcdUrl, ListUserPrefixIpv6AndLocalhost) {
    auto parsed = parse_etcd_url("etcd://alice@10.0.0.5:2379,[::1]:32379,localhost/team/a/");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    const auto& target = parsed.value();
    ASSERT_EQ(target.endpoints.size(), 3u);
    EXPECT_EQ(target.endpoints[0], (EtcdEndpoint{"10.0.0.5", 2379}));
    EXPECT_EQ(target.endpoints[1], (EtcdEndpoint{"::1", 32379}));
    EXPECT_EQ(target.endpoints[2], (EtcdEndpoint{"127.0.0.1", 2379}));
    EXPECT_EQ(target.endpoints[1].text(), "[::1]:32379");
    EXPECT_EQ(target.endpoints[0].text(), "10.0.0.5:2379");
    EXPECT_EQ(target.prefix, "/team/a");
    EXPECT_EQ(target.user, "alice");
    EXPECT_EQ(target.servers_prefix(), "/team/a/servers/");
}

TEST(EtcdUrl, SlashAloneIsTheDefaultPrefix) {
    auto parsed = parse_etcd_url("etcd://127.0.0.1:1/");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value().prefix, "/peer-plan");
}

TEST(EtcdUrl, IsEtcdUrl) {
    EXPECT_TRUE(registry::is_etcd_url("etcd://x"));
    EXPECT_FALSE(registry::is_etcd_url("/home/u/.peer-plan"));
    EXPECT_FALSE(registry::is_etcd_url("etcd:/x"));
}

TEST(EtcdUrl, ErrorsNameTheBadPart) {
    EXPECT_EQ(error_of("http://127.0.0.1:2379"), "etcd URL 'http://127.0.0.1:2379': does not start with etcd://");
    EXPECT_EQ(error_of("etcd://"), "etcd URL 'etcd://': no host:port");
    EXPECT_EQ(error_of("etcd:///p"), "etcd URL 'etcd:///p': no host:port");
    EXPECT_EQ(error_of("etcd://127.0.0.1:x"),
              "etcd URL 'etcd://127.0.0.1:x': endpoint 1 '127.0.0.1:x': port 'x' is not a number in 1..65535");
    EXPECT_EQ(error_of("etcd://127.0.0.1:2379,127.0.0.1:0"),
              "etcd URL 'etcd://127.0.0.1:2379,127.0.0.1:0': endpoint 2 '127.0.0.1:0': port '0' is not a number "
              "in 1..65535");
    EXPECT_EQ(error_of("etcd://127.0.0.1:65536"),
              "etcd URL 'etcd://127.0.0.1:65536': endpoint 1 '127.0.0.1:65536': port '65536' is not a number in "
              "1..65535");
    EXPECT_EQ(error_of("etcd://127.0.0.1:+1"),
              "etcd URL 'etcd://127.0.0.1:+1': endpoint 1 '127.0.0.1:+1': port '+1' is not a number in 1..65535");
    EXPECT_EQ(error_of("etcd://127.0.0.1:2379,"), "etcd URL 'etcd://127.0.0.1:2379,': endpoint 2 '': is empty");
    EXPECT_EQ(error_of("etcd://etcd.example:2379"),
              "etcd URL 'etcd://etcd.example:2379': endpoint 1 'etcd.example:2379': host 'etcd.example' is not a "
              "numeric IPv4 address, [IPv6] or localhost (names are not resolved)");
    EXPECT_EQ(error_of("etcd://::1:2379"),
              "etcd URL 'etcd://::1:2379': endpoint 1 '::1:2379': an IPv6 address goes in brackets, e.g. [::1]:2379");
    EXPECT_EQ(error_of("etcd://[::1:2379"), "etcd URL 'etcd://[::1:2379': endpoint 1 '[::1:2379': '[' without ']'");
    EXPECT_EQ(error_of("etcd://[::g]:1"),
              "etcd URL 'etcd://[::g]:1': endpoint 1 '[::g]:1': host '::g' is not a numeric IPv6 address");
    EXPECT_EQ(error_of("etcd://[::1]2379"), "etcd URL 'etcd://[::1]2379': endpoint 1 '[::1]2379': expected ':' after ']'");
    EXPECT_EQ(error_of("etcd://a:pw@127.0.0.1:1"),
              "etcd URL 'etcd://a:pw@127.0.0.1:1': no password in the URL: give the user only "
              "(etcd://user@host:port) and the password in a file or the environment");
    EXPECT_EQ(error_of("etcd://@127.0.0.1:1"), "etcd URL 'etcd://@127.0.0.1:1': empty user name before '@'");
    EXPECT_EQ(error_of("etcd://b%20b@127.0.0.1:1"),
              "etcd URL 'etcd://b%20b@127.0.0.1:1': user 'b%20b': '%' is not allowed (letters, digits, - . _)");
    EXPECT_EQ(error_of("etcd://127.0.0.1:1/a b"),
              "etcd URL 'etcd://127.0.0.1:1/a b': prefix '/a b': ' ' is not allowed (letters, digits, - . _ ~ and /)");
    EXPECT_EQ(error_of("etcd://127.0.0.1:1/a//b"), "etcd URL 'etcd://127.0.0.1:1/a//b': prefix '/a//b' has an empty part ('//')");
    EXPECT_EQ(error_of("etcd://127.0.0.1:1/a?x=1"),
              "etcd URL 'etcd://127.0.0.1:1/a?x=1': no query or fragment ('?', '#') after the prefix");
    EXPECT_EQ(error_of("etcd://127.0.0.1:1 "), "etcd URL 'etcd://127.0.0.1:1 ': ' ' is not allowed in the host list");
}

}  // namespace
