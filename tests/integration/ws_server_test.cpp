// ws-server end to end: the real binary on port 0 with a temporary registry,
// spoken to over loopback sockets. Assertions are on exact bytes, status codes,
// close codes and file contents. This file covers the handshake, simple echoes,
// closing, limits, SIGTERM, the registry and the command line; the echo path
// under load and frame streaming are in ws_echo_test.cpp.
#include <signal.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness.h"
#include "json/reader.h"
#include "ws_server_fixture.h"

using namespace harness;

namespace {

std::string send_handshake(uint16_t port, const std::string& request) {
    UniqueFd fd = connect_to(port);
    EXPECT_TRUE(send_all(fd.get(), request));
    return recv_http_response(fd.get());
}

std::string frame_bytes(uint8_t opcode, size_t size) {
    std::string payload(size, '\0');
    for (size_t i = 0; i < size; ++i) payload[i] = static_cast<char>(opcode == 1 ? 'a' + i % 26 : i * 7);
    return payload;
}

uint16_t close_code_after(uint16_t port, const std::string& bytes, std::string* reason = nullptr) {
    UniqueFd fd = ws_connect(port);
    EXPECT_TRUE(fd);
    EXPECT_TRUE(send_all(fd.get(), bytes));
    uint16_t code = read_close_code(fd.get(), reason);
    EXPECT_TRUE(wait_closed(fd.get()));
    return code;
}

TEST_F(WsServerTest, HandshakeAnswersTheRfcExample) {
    std::string response = send_handshake(port(), upgrade_request(port()));
    EXPECT_EQ(response,
              "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

TEST_F(WsServerTest, PermessageDeflateOfferIsDeclined) {
    std::string response = send_handshake(
        port(), upgrade_request(port(), "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    EXPECT_EQ(http_status(response), 101);
    EXPECT_EQ(response.find("Sec-WebSocket-Extensions"), std::string::npos);
}

struct BadHandshake {
    const char* name;
    std::string request;
    int status;
    std::string body;  // the whole of it
};

TEST_F(WsServerTest, BadHandshakesGetTheirStatus) {
    std::string p = std::to_string(port());
    std::string base = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + p + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    std::string key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    const BadHandshake cases[] = {
        {"no key", base + "Sec-WebSocket-Version: 13\r\n\r\n", 400, "400 Bad Request: missing Sec-WebSocket-Key\n"},
        {"short key", base + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n", 400,
         "400 Bad Request: Sec-WebSocket-Key is not 16 bytes in base64\n"},
        {"no upgrade", "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, "400 Bad Request: missing 'Upgrade: websocket'\n"},
        {"version 8", base + key + "Sec-WebSocket-Version: 8\r\n\r\n", 426,
         "426 Upgrade Required: Sec-WebSocket-Version '8' is not supported\n"},
        {"no version", base + key + "\r\n", 400, "400 Bad Request: missing Sec-WebSocket-Version\n"},
        {"POST", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", 405,
         "405 Method Not Allowed: a WebSocket handshake must be a GET\n"},
        {"foreign origin", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n", 403,
         "403 Forbidden: Origin 'http://evil.example' is not allowed\n"},
        {"null origin", base + key + "Sec-WebSocket-Version: 13\r\nOrigin: null\r\n\r\n", 403,
         "403 Forbidden: Origin 'null' is not allowed\n"},
        {"foreign host",
         "GET / HTTP/1.1\r\nHost: attacker.example:" + p +
             "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + key + "Sec-WebSocket-Version: 13\r\n\r\n",
         403, "403 Forbidden: Host 'attacker.example:" + p + "' is not a loopback name\n"},
        {"header without colon", "GET / HTTP/1.1\r\nHost: localhost\r\nBroken header\r\n\r\n", 400,
         "400 Bad Request: header line 3 has no ':'\n"},
        {"HTTP/1.0", "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n", 400,
         "400 Bad Request: a WebSocket handshake needs HTTP/1.1\n"},
    };
    for (const BadHandshake& c : cases) {
        std::string response = send_handshake(port(), c.request);
        EXPECT_EQ(http_status(response), c.status) << c.name << "\n" << response;
        EXPECT_EQ(http_body(response), c.body) << c.name << "\n" << response;
        EXPECT_EQ(http_header(response, "Connection"), "close") << c.name;
    }
}

TEST_F(WsServerTest, Version426NamesVersion13) {
    std::string request = upgrade_request(port());
    request.replace(request.find("Version: 13"), 11, "Version: 14");
    std::string response = send_handshake(port(), request);
    EXPECT_EQ(http_status(response), 426);
    EXPECT_EQ(http_header(response, "Sec-WebSocket-Version"), "13") << response;
    EXPECT_EQ(http_body(response), "426 Upgrade Required: Sec-WebSocket-Version '14' is not supported\n");
}

TEST_F(WsServerTest, LoopbackOriginIsAccepted) {
    std::string response = send_handshake(port(), upgrade_request(port(), "Origin: http://localhost:5173\r\n"));
    EXPECT_EQ(http_status(response), 101);
}

TEST_F(WsServerTest, OversizedHandshakeGets431) {
    std::string huge = upgrade_request(port(), "X-Filler: " + std::string(20000, 'x') + "\r\n");
    std::string response = send_handshake(port(), huge);
    EXPECT_EQ(http_status(response), 431) << response;
}

TEST_F(WsServerTest, EchoesEveryPayloadLengthEncoding) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(fd);
    for (uint8_t opcode : {1, 2}) {
        for (size_t size : {0u, 1u, 125u, 126u, 65535u, 65536u, 1u << 20}) {
            std::string payload = frame_bytes(opcode, size);
            ASSERT_TRUE(send_all(fd.get(), masked_frame(0x80 | opcode, payload)));
            Frame echo = read_frame(fd.get());
            ASSERT_TRUE(echo.ok) << size;
            EXPECT_TRUE(echo.fin);
            EXPECT_EQ(echo.opcode, opcode) << size;
            EXPECT_EQ(echo.payload.size(), size);
            EXPECT_TRUE(echo.payload == payload) << "payload differs at size " << size;
        }
    }
}

TEST_F(WsServerTest, FragmentedMessageWithPingsBetween) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(fd);
    std::string bytes = masked_frame(0x01, "Hel") + masked_frame(0x89, "ping-1") + masked_frame(0x00, "lo, ") +
                        masked_frame(0x89, "ping-2") + masked_frame(0x80, "world");
    // Fed one byte at a time: the server must reassemble across reads.
    for (char c : bytes) ASSERT_TRUE(send_all(fd.get(), std::string(1, c)));
    Frame pong1 = read_frame(fd.get()), pong2 = read_frame(fd.get()), echo = read_frame(fd.get());
    EXPECT_EQ(pong1.opcode, 0xA);
    EXPECT_EQ(pong1.payload, "ping-1");
    EXPECT_EQ(pong2.opcode, 0xA);
    EXPECT_EQ(pong2.payload, "ping-2");
    EXPECT_EQ(echo.opcode, 1);
    EXPECT_TRUE(echo.fin);
    EXPECT_EQ(echo.payload, "Hello, world");
}

TEST_F(WsServerTest, CloseHandshakeEchoesTheCode) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x88, std::string("\x03\xe8", 2) + "bye")));
    Frame reply = read_frame(fd.get());
    EXPECT_EQ(reply.opcode, 8);
    EXPECT_EQ(reply.payload, std::string("\x03\xe8", 2));
    EXPECT_TRUE(wait_closed(fd.get()));
}

TEST_F(WsServerTest, EmptyCloseIsAnsweredEmpty) {
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x88, "")));
    Frame reply = read_frame(fd.get());
    EXPECT_EQ(reply.opcode, 8);
    EXPECT_EQ(reply.payload, "");
    EXPECT_TRUE(wait_closed(fd.get()));
}

struct BadFrame {
    const char* name;
    std::string bytes;
    uint16_t code;
};

TEST_F(WsServerTest, ProtocolViolationsCloseWithTheirCode) {
    std::string unmasked = std::string("\x81\x02hi", 4);
    const BadFrame cases[] = {
        {"unmasked", unmasked, 1002},
        {"RSV1", masked_frame(0xC1, "hi"), 1002},
        {"opcode 3", masked_frame(0x83, "hi"), 1002},
        {"fragmented ping", masked_frame(0x09, "hi"), 1002},
        {"continuation first", masked_frame(0x80, "hi"), 1002},
        {"text inside fragmented", masked_frame(0x01, "a") + masked_frame(0x81, "b"), 1002},
        {"invalid utf-8", masked_frame(0x81, "\xff"), 1007},
        {"utf-8 split bad across fragments", masked_frame(0x01, "\xed") + masked_frame(0x80, "\xa0\x80"), 1007},
        {"utf-8 truncated at end", masked_frame(0x81, "\xe2\x82"), 1007},
        {"close code 1005", masked_frame(0x88, std::string("\x03\xed", 2)), 1002},
        {"close code 999", masked_frame(0x88, std::string("\x03\xe7", 2)), 1002},
        {"close one byte", masked_frame(0x88, "\x03"), 1002},
        {"close bad utf-8 reason", masked_frame(0x88, std::string("\x03\xe8\xff", 3)), 1007},
    };
    for (const BadFrame& c : cases) EXPECT_EQ(close_code_after(port(), c.bytes), c.code) << c.name;
}

TEST_F(WsServerTest, ServerKeepsServingAfterABadClient) {
    EXPECT_EQ(close_code_after(port(), std::string("\x81\x02hi", 4)), 1002);
    UniqueFd fd = ws_connect(port());
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x81, "still here")));
    EXPECT_EQ(read_frame(fd.get()).payload, "still here");
}

TEST(WsServerLimits, OversizeMessageCloses1009) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--max-message", "1KiB"});
    ASSERT_NE(server.port, 0);
    EXPECT_EQ(close_code_after(server.port, masked_frame(0x82, std::string(1025, 'x'))), 1009);
    EXPECT_EQ(close_code_after(server.port, masked_frame(0x02, std::string(1000, 'x')) +
                                                masked_frame(0x80, std::string(100, 'x'))),
              1009);
    UniqueFd fd = ws_connect(server.port);
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x82, std::string(1024, 'x'))));
    EXPECT_EQ(read_frame(fd.get()).payload.size(), 1024u);
}

TEST(WsServerLimits, HandshakeTimeoutAnswers408) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--handshake-timeout", "50ms"});
    UniqueFd fd = connect_to(server.port);
    ASSERT_TRUE(send_all(fd.get(), "GET / HTTP/1.1\r\n"));
    std::string response = recv_http_response(fd.get());
    EXPECT_EQ(http_status(response), 408) << response;
    EXPECT_TRUE(wait_closed(fd.get()));
}

TEST(WsServerLimits, SilentClientIsPingedThenClosed) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--ping-interval", "50ms"});
    UniqueFd fd = ws_connect(server.port);
    Frame ping = read_frame(fd.get());
    EXPECT_EQ(ping.opcode, 9);
    std::string reason;
    EXPECT_EQ(read_close_code(fd.get(), &reason), 1001);
    EXPECT_EQ(reason, "no answer to ping");
}

TEST(WsServerLimits, ClientThatNeverReadsDoesNotStallOthers) {
    TempDir dir;
    WsServer server = start_ws_server(dir.file("servers.json"), {"--max-output", "64KiB"});
    UniqueFd hog = ws_connect(server.port);
    ASSERT_TRUE(hog);
    // Shrink the hog's receive buffer so its backlog builds up on the server.
    int small = 4096;
    ::setsockopt(hog.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    ::fcntl(hog.get(), F_SETFL, O_NONBLOCK);
    std::string frame = masked_frame(0x82, std::string(60000, 'h'));
    size_t sent = 0;
    for (int i = 0; i < 2000; ++i) {  // until the server stops reading the hog
        ssize_t n = ::send(hog.get(), frame.data(), frame.size(), MSG_NOSIGNAL);
        if (n <= 0) break;
        sent += static_cast<size_t>(n);
    }
    EXPECT_LT(sent, 2000u * frame.size()) << "the server never stopped reading the hog";
    UniqueFd good = ws_connect(server.port);
    ASSERT_TRUE(good);
    for (int i = 0; i < 100; ++i) {
        std::string text = "message " + std::to_string(i);
        ASSERT_TRUE(send_all(good.get(), masked_frame(0x81, text)));
        ASSERT_EQ(read_frame(good.get()).payload, text);
    }
}

TEST_F(WsServerTest, SigtermClosesClientsWith1001AndUnregisters) {
    UniqueFd a = ws_connect(port()), b = ws_connect(port());
    ASSERT_TRUE(a && b);
    server_->process.signal(SIGTERM);
    std::string reason;
    EXPECT_EQ(read_close_code(a.get(), &reason), 1001);
    EXPECT_EQ(reason, "server shutting down");
    ASSERT_TRUE(send_all(a.get(), masked_frame(0x88, std::string("\x03\xe9", 2))));
    EXPECT_EQ(read_close_code(b.get()), 1001);  // b never answers: the close timeout ends it
    EXPECT_TRUE(wait_closed(a.get()));
    EXPECT_EQ(server_->process.wait_exit(), 0);
    EXPECT_EQ(read_file(registry_path()), "{\n  \"servers\": []\n}\n");
}

TEST_F(WsServerTest, SigtermDuringAHandshakeStillStopsCleanly) {
    UniqueFd idle = connect_to(port());  // a port probe: connected, never speaks
    UniqueFd half = connect_to(port());
    ASSERT_TRUE(send_all(half.get(), "GET / HTTP/1.1\r\nHost: localhost\r\n"));
    UniqueFd open = ws_connect(port());
    server_->process.signal(SIGTERM);
    EXPECT_EQ(read_close_code(open.get()), 1001);
    ASSERT_TRUE(send_all(open.get(), masked_frame(0x88, std::string("\x03\xe9", 2))));
    EXPECT_TRUE(wait_closed(idle.get()));
    EXPECT_EQ(server_->process.wait_exit(), 0);
    EXPECT_EQ(read_file(registry_path()), "{\n  \"servers\": []\n}\n");
}

TEST_F(WsServerTest, PingsAreAnsweredUntilTheClientsClose) {
    UniqueFd fd = ws_connect(port());
    server_->process.signal(SIGTERM);
    EXPECT_EQ(read_close_code(fd.get()), 1001);
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x89, "still there?")));
    Frame pong = read_frame(fd.get());
    EXPECT_EQ(pong.opcode, 0xA);
    EXPECT_EQ(pong.payload, "still there?");
    ASSERT_TRUE(send_all(fd.get(), masked_frame(0x88, std::string("\x03\xe8", 2))));
    EXPECT_TRUE(wait_closed(fd.get()));
    EXPECT_EQ(server_->process.wait_exit(), 0);
}

TEST_F(WsServerTest, RegistryEntryHasEveryField) {
    auto doc = json::parse(read_file(registry_path()));
    ASSERT_TRUE(doc.ok()) << doc.error().message;
    const auto& servers = doc.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 1u);
    const json::Value& entry = servers[0];
    EXPECT_EQ(entry.find("id")->as_string(), server_->id);
    EXPECT_EQ(entry.find("port")->as_int(), port());
    EXPECT_EQ(entry.find("url")->as_string(), "ws://localhost:" + std::to_string(port()));
    EXPECT_EQ(entry.find("pid")->as_int(), server_->process.pid());
    EXPECT_EQ(entry.find("startedAt")->as_string().size(), 24u);
    EXPECT_EQ(entry.find("name")->as_string(), server_->id);  // no --name: the id
    EXPECT_EQ(entry.find("kind")->as_string(), "echo");
    const std::string instance = entry.find("instance")->as_string();
    EXPECT_EQ(instance.size(), 32u);
    EXPECT_EQ(instance.find_first_not_of("0123456789abcdef"), std::string::npos) << instance;
    char hostname[256] = {};
    ASSERT_EQ(::gethostname(hostname, sizeof hostname - 1), 0);
    EXPECT_EQ(entry.find("host")->as_string(), hostname);
    EXPECT_EQ(entry.find("version")->as_string(), "1.0.0");
    std::vector<std::string> keys;
    for (const auto& [key, value] : entry.as_object()) keys.push_back(key);
    EXPECT_EQ(keys, (std::vector<std::string>{"id", "port", "url", "pid", "startedAt", "name", "kind", "instance",
                                              "host", "version"}));
    struct stat st {};
    ASSERT_EQ(::stat(registry_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(WsServerRegistry, NameFlagAndANewInstanceAtEveryStart) {
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    auto entry_for = [&](const std::string& id) {
        auto doc = json::parse(read_file(registry));
        EXPECT_TRUE(doc.ok());
        json::Value found;
        if (doc.ok())
            for (const json::Value& entry : doc.value().find("servers")->as_array())
                if (entry.find("id")->as_string() == id) found = entry;
        return found;
    };
    WsServer first = start_ws_server(registry, {"--id", "same-id", "--name", "Yjs sync (test)"});
    ASSERT_NE(first.port, 0) << first.process.stderr_text();
    const json::Value before = entry_for("same-id");
    EXPECT_EQ(before.find("name")->as_string(), "Yjs sync (test)");
    first.process.signal(SIGTERM);
    ASSERT_EQ(first.process.wait_exit(), 0);
    WsServer again = start_ws_server(registry, {"--id", "same-id"});
    ASSERT_NE(again.port, 0) << again.process.stderr_text();
    const json::Value after = entry_for("same-id");
    EXPECT_EQ(after.find("name")->as_string(), "same-id");
    EXPECT_EQ(after.find("instance")->as_string().size(), 32u);
    EXPECT_NE(after.find("instance")->as_string(), before.find("instance")->as_string());
}

TEST(WsServerRegistry, AnotherServersStartKeepsEveryFieldOfAnEntry) {
    // Readers and writers pass on what they do not know: a later start
    // rewrites the file and leaves the first entry exactly as it was,
    // ws-server's own fields and a hand-added one alike.
    TempDir dir;
    const std::string registry = dir.file("servers.json");
    WsServer first = start_ws_server(registry, {"--name", "first"});
    ASSERT_NE(first.port, 0) << first.process.stderr_text();
    std::string text = read_file(registry);
    const std::string last_field = "\"version\": \"1.0.0\"";
    ASSERT_NE(text.find(last_field), std::string::npos) << text;
    text.insert(text.find(last_field) + last_field.size(), ",\n      \"meta\": {\"team\": \"docs\", \"ratio\": 1.50}");
    write_file(registry, text);
    auto doc = json::parse(text);
    ASSERT_TRUE(doc.ok()) << text;
    const json::Value entry = doc.value().find("servers")->as_array()[0];
    WsServer second = start_ws_server(registry);
    ASSERT_NE(second.port, 0) << second.process.stderr_text();
    auto after = json::parse(read_file(registry));
    ASSERT_TRUE(after.ok());
    const auto& servers = after.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 2u);
    EXPECT_TRUE(servers[0] == entry) << read_file(registry);
}

TEST_F(WsServerTest, HealthzCountsConnectionsAndMessages) {
    auto healthz = [&] {
        std::string response = send_handshake(port(), "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n");
        EXPECT_EQ(http_status(response), 200) << response;
        EXPECT_EQ(http_header(response, "Content-Type"), "application/json");
        auto body = json::parse(http_body(response));
        EXPECT_TRUE(body.ok()) << response;
        return body.ok() ? body.value() : json::Value::object();
    };
    auto doc = json::parse(read_file(registry_path()));
    ASSERT_TRUE(doc.ok());
    const json::Value& entry = doc.value().find("servers")->as_array()[0];
    json::Value idle = healthz();
    EXPECT_EQ(idle.find("id")->as_string(), server_->id);
    EXPECT_EQ(idle.find("instance")->as_string(), entry.find("instance")->as_string());
    EXPECT_EQ(idle.find("connections")->as_int(), 0);
    EXPECT_EQ(idle.find("messages")->as_int(), 0);
    EXPECT_GE(*idle.find("uptimeMs")->as_int(), 0);
    {
        UniqueFd a = ws_connect(port());
        UniqueFd b = ws_connect(port());
        for (int i = 0; i < 5; ++i) {
            ASSERT_TRUE(send_all(a.get(), masked_frame(0x81, "hello")));
            EXPECT_EQ(read_frame(a.get()).payload, "hello");
        }
        ASSERT_TRUE(send_all(b.get(), masked_frame(0x82, std::string(70'000, 'x'))));
        EXPECT_EQ(read_frame(b.get()).payload.size(), 70'000u);
        json::Value busy = healthz();
        EXPECT_EQ(busy.find("connections")->as_int(), 2);
        EXPECT_EQ(busy.find("messages")->as_int(), 6);
        ASSERT_TRUE(send_all(a.get(), masked_frame(0x88, std::string("\x03\xe8", 2))));
        EXPECT_EQ(read_close_code(a.get()), 1000);
        EXPECT_TRUE(wait_closed(a.get()));
    }
    // b was dropped without a close. Its EOF reaches the server before the
    // next request does, but a session ends when the loop's batch does, and
    // a request in that same batch still counts it: the one after cannot.
    int64_t connections = -1;
    for (int attempt = 0; attempt < 3 && connections != 0; ++attempt)
        connections = healthz().find("connections")->as_int().value_or(-1);
    EXPECT_EQ(connections, 0);
    EXPECT_EQ(healthz().find("messages")->as_int(), 6);
    // Another Host is refused as for an upgrade.
    const std::string refused = send_handshake(port(), "GET /healthz HTTP/1.1\r\nHost: attacker.example\r\n\r\n");
    EXPECT_EQ(http_status(refused), 403) << refused;
    EXPECT_EQ(http_body(refused), "403 Forbidden: Host 'attacker.example' is not a loopback name\n");
}

TEST(WsServerRegistry, FiftyServersStartAndStop) {
    TempDir dir;
    std::string registry = dir.file("servers.json");
    std::vector<Process> starting;
    for (int i = 0; i < 50; ++i)
        starting.emplace_back(bin("ws-server"), std::vector<std::string>{"--registry", registry});
    std::vector<uint16_t> ports;
    for (Process& p : starting) {
        auto line = p.wait_for_line("listening on port");
        ASSERT_TRUE(line) << p.stderr_text();
        ports.push_back(static_cast<uint16_t>(std::stoi(line->substr(line->rfind(' ') + 1))));
    }
    auto doc = json::parse(read_file(registry));
    ASSERT_TRUE(doc.ok());
    const auto& servers = doc.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 50u);
    for (const json::Value& entry : servers) {
        for (const char* field : {"id", "port", "url", "pid", "startedAt"}) EXPECT_NE(entry.find(field), nullptr);
        EXPECT_NE(std::find(ports.begin(), ports.end(), *entry.find("port")->as_int()), ports.end());
    }
    for (size_t i = 0; i < starting.size(); ++i) starting[i].signal(i % 2 ? SIGINT : SIGTERM);
    for (Process& p : starting) EXPECT_EQ(p.wait_exit(), 0);
    EXPECT_EQ(read_file(registry), "{\n  \"servers\": []\n}\n");
}

TEST(WsServerRegistry, KilledServerIsDroppedByTheNextStart) {
    TempDir dir;
    std::string registry = dir.file("servers.json");
    WsServer victim = start_ws_server(registry);
    ASSERT_NE(victim.port, 0);
    victim.process.signal(SIGKILL);
    victim.process.wait_exit();
    WsServer next = start_ws_server(registry);
    auto doc = json::parse(read_file(registry));
    ASSERT_TRUE(doc.ok());
    const auto& servers = doc.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 1u);
    EXPECT_EQ(servers[0].find("id")->as_string(), next.id);
}

TEST(WsServerRegistry, CorruptRegistryIsMovedAsideWithLineAndColumn) {
    TempDir dir;
    std::string registry = dir.file("servers.json");
    std::string corrupt = "{\n  \"servers\": [\n    {\"port\": 1,}\n  ]\n}\n";
    write_file(registry, corrupt);
    WsServer server = start_ws_server(registry);
    ASSERT_NE(server.port, 0);
    server.process.signal(SIGTERM);
    server.process.wait_exit();
    std::string err = server.process.stderr_text();
    std::vector<std::string> aside;
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        if (e.path().filename().string().rfind("servers.json.corrupt-", 0) == 0) aside.push_back(e.path());
    ASSERT_EQ(aside.size(), 1u);
    EXPECT_EQ(read_file(aside[0]), corrupt);
    EXPECT_TRUE(has_line(err, "warning: " + registry + " line 3, column 15: trailing comma before '}'; moved aside to " +
                                  aside[0] + ", starting a fresh registry"))
        << err;
}

TEST(WsServerRegistry, DuplicateIdIsRefused) {
    TempDir dir;
    WsServer first = start_ws_server(dir.file("servers.json"), {"--id", "yjs-sync"});
    ASSERT_EQ(first.id, "yjs-sync");
    Process second(bin("ws-server"), {"--registry", dir.file("servers.json"), "--id", "yjs-sync"});
    EXPECT_EQ(second.wait_exit(), 1);
    const std::string err = second.stderr_text();
    EXPECT_TRUE(has_line(err, "ws-server: cannot register in " + dir.file("servers.json") +
                                  ": id 'yjs-sync' is already registered by pid " + std::to_string(first.process.pid())))
        << err;
    auto doc = json::parse(read_file(dir.file("servers.json")));
    ASSERT_TRUE(doc.ok());
    EXPECT_EQ(doc.value().find("servers")->as_array().size(), 1u);
}

TEST(WsServerCommandLine, BadFlagExits2WithUsage) {
    Process p(bin("ws-server"), {"--port", "notaport"});
    EXPECT_EQ(p.wait_exit(), 2);
    std::string err = p.stderr_text();
    const std::vector<std::string> lines = lines_of(err);
    ASSERT_GE(lines.size(), 3u) << err;
    EXPECT_EQ(lines[0], "ws-server: --port: 'notaport' is not a number");
    EXPECT_EQ(lines[1], "");
    EXPECT_EQ(lines[2], "Usage: ws-server [flags]");
}

TEST(WsServerCommandLine, HelpListsTheLimits) {
    Process p(bin("ws-server"), {"--help"});
    EXPECT_EQ(p.wait_exit(), 0);
    std::string out = p.stdout_text();
    for (const char* flag : {"--max-message", "--max-header", "--max-output", "--max-memory",
                             "--handshake-timeout",
                             "--ping-interval", "--close-timeout", "--allow-origin", "--registry"}) {
        // Its own line: "  --flag SIZE" (or DURATION, PATH, URL), then the description.
        const std::string option = std::string("  ") + flag + " ";
        bool listed = false;
        for (const std::string& line : lines_of(out)) {
            if (line.rfind(option, 0) != 0) continue;
            const std::string placeholder = line.substr(option.size(), line.find(' ', option.size()) - option.size());
            listed |= !placeholder.empty() && std::all_of(placeholder.begin(), placeholder.end(),
                                                          [](char c) { return c >= 'A' && c <= 'Z'; });
        }
        EXPECT_TRUE(listed) << flag << " has no line of its own in\n" << out;
    }
}

TEST(WsServerCommandLine, PortInUseSaysSo) {
    TempDir dir;
    WsServer first = start_ws_server(dir.file("servers.json"));
    Process second(bin("ws-server"),
                   {"--registry", dir.file("servers.json"), "--port", std::to_string(first.port)});
    EXPECT_EQ(second.wait_exit(), 1);
    const std::string err = second.stderr_text();
    EXPECT_TRUE(has_line(err, "ws-server: bind(127.0.0.1:" + std::to_string(first.port) + "): Address already in use"))
        << err;
}

}  // namespace
