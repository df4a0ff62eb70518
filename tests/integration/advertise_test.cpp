// --advertise NAME: the name other machines reach a server by. It goes into
// the entry's url and host, and the server accepts it as Host; any other
// non-loopback name is still refused (the DNS-rebinding guard). The servers
// listen on loopback here: only the names change, not who can connect.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <string>

#include "app/peer_entry.h"
#include "harness.h"
#include "json/reader.h"

using namespace harness;

namespace {

json::Value only_entry(const std::string& registry) {
    auto doc = json::parse(read_file(registry));
    EXPECT_TRUE(doc.ok()) << read_file(registry);
    if (!doc.ok()) return json::Value::object();
    const auto& servers = doc.value().find("servers")->as_array();
    EXPECT_EQ(servers.size(), 1u);
    return servers.empty() ? json::Value::object() : servers[0];
}

std::string handshake_with_host(uint16_t port, const std::string& host) {
    std::string request = upgrade_request(port);
    const size_t at = request.find("Host: ") + 6;
    request.replace(at, request.find("\r\n", at) - at, host);
    UniqueFd fd = connect_to(port);
    EXPECT_TRUE(send_all(fd.get(), request));
    return recv_http_response(fd.get());
}

std::string get_with_host(uint16_t port, const std::string& host) {
    UniqueFd fd = connect_to(port);
    EXPECT_TRUE(send_all(fd.get(), "GET /api/registry HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n"));
    return recv_http_response(fd.get());
}

TEST(Advertise, WsServerEntryNamesTheAdvertisedHost) {
    TempDir dir;
    WsServer ws = start_ws_server(dir.file("servers.json"), {"--advertise", "devbox.example"});
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    json::Value entry = only_entry(dir.file("servers.json"));
    const std::string p = std::to_string(ws.port);
    EXPECT_EQ(entry.find("url")->as_string(), "ws://devbox.example:" + p);
    EXPECT_EQ(entry.find("host")->as_string(), "devbox.example");

    EXPECT_EQ(http_status(handshake_with_host(ws.port, "devbox.example:" + p)), 101);
    EXPECT_EQ(http_status(handshake_with_host(ws.port, "DevBox.Example")), 101) << "host names ignore case";
    EXPECT_EQ(http_status(handshake_with_host(ws.port, "localhost:" + p)), 101) << "loopback names stay accepted";
    std::string other = handshake_with_host(ws.port, "buildbox.example:" + p);
    EXPECT_EQ(http_status(other), 403) << other;
    EXPECT_EQ(http_body(other), "403 Forbidden: Host 'buildbox.example:" + p +
                                   "' is not a loopback name or the advertised name (devbox.example)\n");
    std::string longer = handshake_with_host(ws.port, "devbox.example.evil.com:" + p);
    EXPECT_EQ(http_status(longer), 403) << longer;
}

TEST(Advertise, WsServerAdvertisesAnIpv6AddressInBrackets) {
    TempDir dir;
    WsServer ws = start_ws_server(dir.file("servers.json"), {"--advertise", "fd00::5"});
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    json::Value entry = only_entry(dir.file("servers.json"));
    EXPECT_EQ(entry.find("url")->as_string(), "ws://[fd00::5]:" + std::to_string(ws.port));
    EXPECT_EQ(entry.find("host")->as_string(), "fd00::5");
    EXPECT_EQ(http_status(handshake_with_host(ws.port, "[fd00::5]:" + std::to_string(ws.port))), 101);
}

TEST(Advertise, WithoutItTheHostIsTheHostname) {
    TempDir dir;
    WsServer ws = start_ws_server(dir.file("servers.json"));
    ASSERT_NE(ws.port, 0) << ws.process.stderr_text();
    json::Value entry = only_entry(dir.file("servers.json"));
    EXPECT_EQ(entry.find("url")->as_string(), "ws://localhost:" + std::to_string(ws.port));
    EXPECT_EQ(entry.find("host")->as_string(), app::host_name());
}

TEST(Advertise, ABadNameIsAUsageError) {
    TempDir dir;
    Process ws(bin("ws-server"), {"--registry", dir.file("servers.json"), "--advertise", "dev box"});
    EXPECT_EQ(ws.wait_exit(), 2);
    EXPECT_NE(ws.stderr_text().find("ws-server: --advertise: 'dev box' is not a host name (letters, digits, '-', "
                                    "'.') nor a numeric address"),
              std::string::npos);
}

TEST(Advertise, RegistryHttpAcceptsTheAdvertisedHost) {
    TempDir dir;
    ASSERT_EQ(::mkdir(dir.file("web").c_str(), 0755), 0);
    write_file(dir.file("web") + "/index.html", "<!doctype html>\n");
    HttpServer http = start_registry_http(dir.file("servers.json"), dir.file("web"), {"--advertise", "buildbox"});
    ASSERT_NE(http.port, 0) << http.process.stderr_text();
    const std::string p = std::to_string(http.port);
    std::string ok = get_with_host(http.port, "buildbox:" + p);
    EXPECT_EQ(http_status(ok), 200) << ok;
    std::string other = get_with_host(http.port, "devbox:" + p);
    EXPECT_EQ(http_status(other), 403) << other;
    EXPECT_EQ(http_body(other), "403 Forbidden: Host 'devbox:" + p + "' is not a loopback name or the advertised name (buildbox)\n");
}

TEST(Advertise, PeerPlanRegisterWritesTheName) {
    TempDir dir;
    Process pp(bin("peer-plan"), {"register", "--registry", dir.file("servers.json"), "--port", "4242", "--kind",
                                  "ws", "--advertise", "devbox"});
    ASSERT_EQ(pp.wait_exit(), 0) << pp.stderr_text();
    json::Value entry = only_entry(dir.file("servers.json"));
    EXPECT_EQ(entry.find("url")->as_string(), "ws://devbox:4242");
    EXPECT_EQ(entry.find("host")->as_string(), "devbox");
}

}  // namespace
