// peer-plan end to end: the real binary with a temporary registry, running
// servers nobody here wrote (python3's http.server, node's ws), and the
// other two programs it must agree with.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "base/civil_time.h"
#include "base/clock.h"
#include "base/unique_fd.h"
#include "harness.h"
#include "json/reader.h"
#include "registry/entry.h"

using namespace harness;

namespace {

Ran peer_plan(const std::vector<std::string>& args) { return run_to_end(bin("peer-plan"), args); }

// "peer-plan: registered <id> <url> (pid <pid>)"
struct Registered {
    std::string id, url;
    uint16_t port = 0;
    int64_t pid = 0;
};
Registered parse_registered(const std::optional<std::string>& line) {
    Registered r;
    if (!line) return r;
    std::vector<std::string> words;
    size_t start = 0;
    for (size_t sp; (sp = line->find(' ', start)) != std::string::npos; start = sp + 1) words.push_back(line->substr(start, sp - start));
    words.push_back(line->substr(start));
    if (words.size() != 6) return r;
    r.id = words[2];
    r.url = words[3];
    r.port = static_cast<uint16_t>(std::stoi(r.url.substr(r.url.rfind(':') + 1)));
    r.pid = std::stoll(words[5]);
    return r;
}

// A bound (not listening) or listening socket on 127.0.0.1 with a kernel-picked port.
struct Socket {
    UniqueFd fd;
    uint16_t port = 0;
};
Socket loopback_socket(bool listening) {
    Socket s{UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), 0};
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(s.fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(s.fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return s;
    if (listening) ::listen(s.fd.get(), 4);
    s.port = ntohs(address.sin_port);
    return s;
}

// A pid that existed and is gone now (reaped).
pid_t gone_pid() {
    Process p("/bin/true", {});
    p.wait_exit();
    return p.pid();
}

std::string entry_json(uint16_t port, int64_t pid, const std::string& started_at, const std::string& id = "server-1-test01") {
    return "{\"id\": \"" + id + "\", \"port\": " + std::to_string(port) + ", \"url\": \"ws://localhost:" +
           std::to_string(port) + "\", \"pid\": " + std::to_string(pid) + ", \"startedAt\": \"" + started_at + "\"}";
}

class PeerPlanTest : public ::testing::Test {
protected:
    std::string registry() const { return dir_.file("servers.json"); }
    std::vector<std::string> with_registry(std::vector<std::string> args) const {
        args.insert(args.begin() + 1, {"--registry", registry()});
        return args;
    }
    Ran pp(std::vector<std::string> args) { return peer_plan(with_registry(std::move(args))); }
    // The live entries, parsed from `list --json`.
    json::Value::Array live() {
        Ran ran = pp({"list", "--json"});
        EXPECT_EQ(ran.code, 0) << ran.err;
        auto doc = json::parse(ran.out);
        EXPECT_TRUE(doc.ok() && doc.value().is_array()) << ran.out;
        return doc.ok() ? doc.value().as_array() : json::Value::Array{};
    }
    std::unique_ptr<Process> run(std::vector<std::string> args) {
        return std::make_unique<Process>(bin("peer-plan"), with_registry(std::move(args)));
    }
    TempDir dir_;
};

TEST_F(PeerPlanTest, RunPythonHttpServer) {
    auto runner = run({"run", "--name", "docs", "--meta", "lang=python", "--", "/usr/bin/python3", "-m", "http.server",
                       "0", "--bind", "127.0.0.1"});
    Registered r = parse_registered(runner->wait_for_err_line("peer-plan: registered"));
    ASSERT_NE(r.port, 0) << runner->stderr_text();
    EXPECT_EQ(r.url, "http://localhost:" + std::to_string(r.port));
    EXPECT_NE(r.pid, runner->pid()) << "the entry follows the process that listens";
    EXPECT_EQ(http_status(http_get(r.port, "/")), 200);
    auto entries = live();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].find("id")->as_string(), r.id);
    EXPECT_EQ(entries[0].find("name")->as_string(), "docs");
    EXPECT_EQ(entries[0].find("kind")->as_string(), "http");
    EXPECT_EQ(entries[0].find("pid")->as_int(), r.pid);
    EXPECT_EQ(entries[0].find("instance")->as_string().size(), 32u);
    EXPECT_EQ(entries[0].find("meta")->find("lang")->as_string(), "python");
    runner->signal(SIGINT);  // sent by a process: passed on; python stops on KeyboardInterrupt
    EXPECT_EQ(runner->wait_exit(), 0);
    EXPECT_NE(runner->wait_for_err_line("peer-plan: removed " + r.id), std::nullopt);
    EXPECT_TRUE(live().empty());
    auto doc = json::parse(read_file(registry()));
    ASSERT_TRUE(doc.ok());
    EXPECT_TRUE(doc.value().find("servers")->as_array().empty()) << "removed, not just hidden";
}

TEST_F(PeerPlanTest, RunNodeWsServer) {
    std::string ws_module;
    for (const char* candidate : {"node_modules/ws", "tests/bench/node_modules/ws"})
        if (::access((std::string(candidate) + "/package.json").c_str(), R_OK) == 0) ws_module = candidate;
    if (ws_module.empty()) GTEST_SKIP() << "the ws npm package is not installed (scripts/deps.sh e2e installs it)";
    char cwd[4096];
    ASSERT_NE(::getcwd(cwd, sizeof cwd), nullptr);
    if (ws_module[0] != '/') ws_module = std::string(cwd) + "/" + ws_module;
    const std::string script =
        "const {WebSocketServer} = require(process.argv[1]);"
        "const s = new WebSocketServer({host: '127.0.0.1', port: 0});"
        "s.on('connection', ws => ws.on('message', (m, binary) => ws.send(m, {binary})));";
    auto runner = run({"run", "--kind", "ws", "--", "node", "-e", script, ws_module});
    Registered r = parse_registered(runner->wait_for_err_line("peer-plan: registered"));
    ASSERT_NE(r.port, 0) << runner->stderr_text();
    EXPECT_EQ(r.url, "ws://localhost:" + std::to_string(r.port));
    UniqueFd ws = ws_connect(r.port);
    ASSERT_TRUE(ws);
    ASSERT_TRUE(send_all(ws.get(), masked_frame(0x81, "hello")));
    Frame echo = read_frame(ws.get());
    EXPECT_EQ(echo.payload, "hello");
    runner->signal(SIGTERM);
    EXPECT_EQ(runner->wait_exit(), 128 + SIGTERM) << "node dies of SIGTERM; reported like a shell";
    EXPECT_TRUE(live().empty());
}

TEST_F(PeerPlanTest, TwoPortsOneLateAndOneClosed) {
    const std::string script =
        "import socket, signal\n"
        "a = socket.socket(); a.bind(('127.0.0.1', 0)); a.listen()\n"
        "a.accept()[0].close()\n"  // the test's first connection opens the second port
        "b = socket.socket(); b.bind(('127.0.0.1', 0)); b.listen()\n"
        "b.accept()[0].close(); b.close()\n"  // and a connection to it closes it again
        "signal.pause()\n";
    auto runner = run({"run", "--", "/usr/bin/python3", "-c", script});
    Registered first = parse_registered(runner->wait_for_err_line("peer-plan: registered"));
    ASSERT_NE(first.port, 0) << runner->stderr_text();
    EXPECT_EQ(live().size(), 1u);
    { UniqueFd c = connect_to(first.port); }
    Registered second = parse_registered(runner->wait_for_err_line("peer-plan: registered"));
    ASSERT_NE(second.port, 0) << runner->stderr_text();
    EXPECT_NE(second.port, first.port);
    EXPECT_EQ(live().size(), 2u);
    { UniqueFd c = connect_to(second.port); }
    EXPECT_NE(runner->wait_for_err_line("peer-plan: removed " + second.id), std::nullopt);
    auto entries = live();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].find("id")->as_string(), first.id);
    runner->signal(SIGTERM);
    EXPECT_EQ(runner->wait_exit(), 128 + SIGTERM);
    EXPECT_TRUE(live().empty());
}

TEST_F(PeerPlanTest, ExitStatusLikeAShell) {
    EXPECT_EQ(pp({"run", "--", "/bin/sh", "-c", "exit 3"}).code, 3);
    EXPECT_EQ(pp({"run", "--", "/bin/sh", "-c", "kill -KILL $$"}).code, 128 + SIGKILL);
    EXPECT_EQ(pp({"run", "--", "/bin/sh", "-c", "kill -SEGV $$"}).code, 128 + SIGSEGV);
    Ran missing = pp({"run", "--", "no-such-command-here"});
    EXPECT_EQ(missing.code, 127);
    EXPECT_EQ(missing.err, "peer-plan: cannot run no-such-command-here: No such file or directory\n");
    Ran usage = pp({"run"});
    EXPECT_EQ(usage.code, 2);
    EXPECT_NE(usage.err.find("peer-plan: run: which command?"), std::string::npos) << usage.err;
}

TEST_F(PeerPlanTest, RegisterLivesWhileTheCallerDoes) {
    Socket server = loopback_socket(true);
    const std::string port = std::to_string(server.port);
    Process caller("/bin/sh", {"-c", bin("peer-plan") + " register --registry " + registry() + " --port " + port +
                                         " --name yjs --kind yjs --meta room=a --meta doc=b && exec sleep 600"});
    auto id = caller.wait_for_line("server-");
    ASSERT_TRUE(id) << caller.stderr_text();
    auto entries = live();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].find("id")->as_string(), *id);
    EXPECT_EQ(entries[0].find("pid")->as_int(), caller.pid()) << "default pid: peer-plan's parent";
    EXPECT_EQ(entries[0].find("url")->as_string(), "ws://localhost:" + port);
    EXPECT_EQ(entries[0].find("kind")->as_string(), "yjs");
    EXPECT_EQ(entries[0].find("meta")->as_object().size(), 2u);
    caller.signal(SIGKILL);
    ASSERT_TRUE(caller.wait_exit());  // the caller is dead and reaped: its entry is stale from now on
    EXPECT_TRUE(live().empty());
    Ran listed = pp({"list"});
    EXPECT_EQ(listed.out, "no live servers in " + registry() + "\n");
}

TEST_F(PeerPlanTest, RegisterRefusesBadValues) {
    Ran r = pp({"register", "--port", "70000"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("peer-plan register: --port: '70000' is outside 1..65535"), std::string::npos) << r.err;
    r = pp({"register", "--pid", "1"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("register: --port N is required"), std::string::npos) << r.err;
    const std::string gone = std::to_string(gone_pid());
    r = pp({"register", "--port", "8123", "--pid", gone});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("register: --pid " + gone + ": no such process"), std::string::npos) << r.err;
    r = pp({"register", "--port", "8123", "--meta", "novalue"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--meta: 'novalue' is not KEY=VALUE"), std::string::npos) << r.err;
    std::unique_ptr<Process> other;
    std::string other_pid = "1";
    if (::getuid() == 0) {  // root may signal anyone: the owner of /proc/P decides
        other = std::make_unique<Process>("/usr/bin/setpriv", std::vector<std::string>{"--reuid=65534", "--regid=65534", "--clear-groups", "/bin/sleep", "600"});
        other_pid = std::to_string(other->pid());
        struct stat info {};
        // setpriv changes its uid right after the fork; wait for that, bounded.
        for (int i = 0; i < 100'000 && (::stat(("/proc/" + other_pid).c_str(), &info) != 0 || info.st_uid != 65534); ++i)
            ::sched_yield();
        ASSERT_EQ(info.st_uid, 65534u);
    }
    r = pp({"register", "--port", "8123", "--pid", other_pid});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("register: --pid " + other_pid + ": that process belongs to another user"), std::string::npos) << r.err;
    EXPECT_EQ(::access(registry().c_str(), F_OK), -1) << "nothing refused is written";
}

TEST_F(PeerPlanTest, ListJsonIsWhatApiRegistryServes) {
    TempDir web;
    write_file(web.file("index.html"), "<!doctype html>\n");
    // Without probes registry-http serves the entries as the file holds them,
    // as list --json prints them (it does not probe).
    HttpServer http = start_registry_http(registry(), web.path(), {"--no-probes"});
    ASSERT_NE(http.port, 0);
    EXPECT_EQ(pp({"list", "--json"}).out, http_body(http_get(http.port, "/api/registry")));  // "[]\n", no file yet
    WsServer ws = start_ws_server(registry());
    ASSERT_NE(ws.port, 0);
    Socket other = loopback_socket(true);
    Ran reg = pp({"register", "--port", std::to_string(other.port), "--pid", std::to_string(::getpid()), "--name",
                  "caf\xC3\xA9 \"q\"", "--meta", "k=v\\x"});
    ASSERT_EQ(reg.code, 0) << reg.err;
    Ran listed = pp({"list", "--json"});
    EXPECT_EQ(listed.code, 0);
    EXPECT_EQ(listed.out, http_body(http_get(http.port, "/api/registry")));
    EXPECT_NE(listed.out.find("caf\xC3\xA9 \\\"q\\\""), std::string::npos) << listed.out;
    Ran table = pp({"list"});
    EXPECT_EQ(table.out.substr(0, table.out.find('\n')).find("ID"), 0u);
    EXPECT_NE(table.out.find(ws.id), std::string::npos);
    EXPECT_NE(table.out.find("ws://localhost:" + std::to_string(ws.port)), std::string::npos);
    EXPECT_NE(table.out.find("http://localhost:" + std::to_string(other.port)), std::string::npos);
}

TEST_F(PeerPlanTest, StopAndUnregister) {
    WsServer ws = start_ws_server(registry());
    ASSERT_NE(ws.port, 0);
    Ran stopped = pp({"stop", ws.id});
    EXPECT_EQ(stopped.code, 0) << stopped.err;
    EXPECT_EQ(stopped.out, "stopped " + ws.id + " (pid " + std::to_string(ws.process.pid()) + ")\n");
    EXPECT_EQ(ws.process.wait_exit(), 0) << "ws-server stops cleanly on SIGTERM";
    EXPECT_TRUE(live().empty());

    auto runner = run({"run", "--", "/usr/bin/python3", "-m", "http.server", "0", "--bind", "127.0.0.1"});
    Registered r = parse_registered(runner->wait_for_err_line("peer-plan: registered"));
    ASSERT_NE(r.port, 0) << runner->stderr_text();
    EXPECT_EQ(pp({"stop", "--port", std::to_string(r.port)}).code, 0);
    EXPECT_EQ(runner->wait_exit(), 128 + SIGTERM);
    EXPECT_TRUE(live().empty());

    Ran unknown = pp({"stop", "server-0-nope00"});
    EXPECT_EQ(unknown.code, 1);
    EXPECT_EQ(unknown.err, "peer-plan: no entry 'server-0-nope00' in " + registry() + " (peer-plan list shows what is there)\n");
    EXPECT_EQ(pp({"stop"}).code, 2);
    EXPECT_EQ(pp({"stop", "a", "--port", "1"}).code, 2);

    Socket s = loopback_socket(true);
    Ran reg = pp({"register", "--port", std::to_string(s.port), "--pid", std::to_string(::getpid())});
    ASSERT_EQ(reg.code, 0);
    const std::string id = reg.out.substr(0, reg.out.size() - 1);
    Ran un = pp({"unregister", "--port", std::to_string(s.port)});
    EXPECT_EQ(un.code, 0) << un.err;
    EXPECT_EQ(un.out, "removed " + id + "\n");
    EXPECT_TRUE(live().empty());
}

TEST_F(PeerPlanTest, UsageAndVersion) {
    EXPECT_EQ(peer_plan({}).code, 2);
    EXPECT_EQ(peer_plan({"frobnicate"}).code, 2);
    EXPECT_EQ(peer_plan({"--version"}).out, "peer-plan 1.0.0\n");
    EXPECT_EQ(peer_plan({"list", "--version"}).out, "peer-plan 1.0.0\n");
    Ran help = peer_plan({"run", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("--meta VALUE"), std::string::npos) << help.out;
    Ran bad = peer_plan({"list", "--nope"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_EQ(bad.err.substr(0, bad.err.find('\n')), "peer-plan list: unknown flag --nope");
}

// ---- doctor: one broken setup each, and the message that names it ----

class DoctorTest : public PeerPlanTest {
protected:
    // Doctor against a page port where nothing listens, unless told otherwise,
    // with HOME in our folder (so that no real ~/.peer-plan is compared with).
    Ran doctor(std::vector<std::string> extra = {}, const std::string& registry_path = "") {
        if (std::find(extra.begin(), extra.end(), "--page") == extra.end()) {
            closed_ = loopback_socket(false);
            extra.insert(extra.end(), {"--page", "http://localhost:" + std::to_string(closed_.port) + "/"});
        }
        std::vector<std::string> args{"HOME=" + dir_.path(), bin("peer-plan"), "doctor", "--registry",
                                      registry_path.empty() ? registry() : registry_path};
        args.insert(args.end(), extra.begin(), extra.end());
        Process p("/usr/bin/env", args);
        Ran ran;
        ran.code = p.wait_exit().value_or(-1);
        ran.out = p.stdout_text();
        ran.err = p.stderr_text();
        return ran;
    }
    void write_registry(const std::string& servers, mode_t mode = 0600) {
        write_file(registry(), "{\"servers\": [" + servers + "]}");
        ::chmod(registry().c_str(), mode);
    }
    static std::string now() { return base::format_iso8601_ms(base::wall_ms()); }
    Socket closed_;
};

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST_F(DoctorTest, NoRegistry) {
    Ran r = doctor({}, dir_.file("none/servers.json"));
    EXPECT_EQ(r.code, 1);
    EXPECT_HAS(r.out, "problem: no registry: the folder " + dir_.file("none") + " does not exist");
    EXPECT_HAS(r.out, "fix: start a server");
}

TEST_F(DoctorTest, WrongModes) {
    ::chmod(dir_.path().c_str(), 0755);
    write_registry("", 0644);
    Ran r = doctor();
    EXPECT_HAS(r.out, "problem: " + dir_.path() + " has mode 0755");
    EXPECT_HAS(r.out, "fix: chmod 700 " + dir_.path());
    EXPECT_HAS(r.out, "problem: " + registry() + " has mode 0644");
    EXPECT_HAS(r.out, "fix: chmod 600 " + registry());
}

TEST_F(DoctorTest, CorruptFile) {
    ::chmod(dir_.path().c_str(), 0700);
    write_file(registry(), "{\"servers\": [}");
    Ran r = doctor();
    EXPECT_EQ(r.code, 1);
    EXPECT_HAS(r.out, "problem: corrupt registry: " + registry() + " line 1, column 14");
    EXPECT_HAS(r.out, "fix: move it aside: mv " + registry() + " " + registry() + ".bad");
}

TEST_F(DoctorTest, OversizedFile) {
    write_file(registry(), "{\"servers\": []}" + std::string(4 * 1024 * 1024, ' '));
    Ran r = doctor();
    EXPECT_HAS(r.out, "problem: " + registry() + " is 4194319 bytes, more than the 4 MiB readers accept (oversized)");
}

TEST_F(DoctorTest, StaleEntryAndReusedPid) {
    const pid_t gone = gone_pid();
    write_registry(entry_json(1111, gone, now(), "server-1-gone01") + ", " +
                   entry_json(2222, ::getpid(), "2000-01-01T00:00:00.000Z", "server-1-reused"));
    Ran r = doctor();
    EXPECT_HAS(r.out, "problem: entry server-1-gone01 (port 1111, pid " + std::to_string(gone) + ") is stale: process " +
                          std::to_string(gone) + " is gone");
    EXPECT_HAS(r.out, "fix: none needed, readers hide it; `peer-plan unregister server-1-gone01` removes it");
    EXPECT_HAS(r.out, "problem: entry server-1-reused (port 2222, pid " + std::to_string(::getpid()) +
                          ") is stale: pid " + std::to_string(::getpid()) + " was reused");
}

TEST_F(DoctorTest, PortNotListeningOrSomeoneElses) {
    Socket bound = loopback_socket(false);
    Socket listening = loopback_socket(true);  // ours, while the entry names a sleeping child
    Process sleeper("/bin/sleep", {"600"});
    write_registry(entry_json(bound.port, ::getpid(), now(), "server-1-closed") + ", " +
                   entry_json(listening.port, sleeper.pid(), now(), "server-1-others"));
    Ran r = doctor();
    EXPECT_HAS(r.out, "problem: entry server-1-closed (port " + std::to_string(bound.port) + ", pid " +
                          std::to_string(::getpid()) + "): port " + std::to_string(bound.port) + " is not listening");
    EXPECT_HAS(r.out, "problem: entry server-1-others (port " + std::to_string(listening.port) + ", pid " +
                          std::to_string(sleeper.pid()) + "): port " + std::to_string(listening.port) +
                          " is listened on by another process, not by pid " + std::to_string(sleeper.pid()));
}

TEST_F(DoctorTest, RegistryHttpNotRunningHostAndOriginRefused) {
    WsServer ws = start_ws_server(registry());
    ASSERT_NE(ws.port, 0);
    Ran r = doctor();
    EXPECT_HAS(r.out, "ok: entry " + ws.id);
    EXPECT_HAS(r.out, "problem: registry-http is not running: nothing listens on port " + std::to_string(closed_.port));
    EXPECT_HAS(r.out, "fix: registry-http --registry " + registry());

    TempDir web;
    write_file(web.file("index.html"), "<!doctype html>\n");
    HttpServer http = start_registry_http(registry(), web.path());
    ASSERT_NE(http.port, 0);
    const std::string page = "http://evil.example:" + std::to_string(http.port);
    r = doctor({"--page", page + "/"});
    EXPECT_EQ(r.code, 1);
    EXPECT_HAS(r.out, "problem: registry-http on port " + std::to_string(http.port) + " refuses the page's Host evil.example:" +
                          std::to_string(http.port));
    EXPECT_HAS(r.out, "refuses the page's Origin " + page);
    EXPECT_HAS(r.out, "--allow-origin " + page);

    r = doctor({"--page", "http://localhost:" + std::to_string(http.port) + "/"});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_HAS(r.out, "no problems found");
}

TEST_F(DoctorTest, RegistryHttpReadsAnotherRegistry) {
    WsServer ws = start_ws_server(registry());
    ASSERT_NE(ws.port, 0);
    TempDir web;
    write_file(web.file("index.html"), "<!doctype html>\n");
    HttpServer http = start_registry_http(dir_.file("other.json"), web.path());
    Ran r = doctor({"--page", "http://localhost:" + std::to_string(http.port) + "/"});
    EXPECT_HAS(r.out, "serves 0 entries, not the 1 live ones of " + registry() + ": it reads another registry");
}

TEST_F(DoctorTest, WrongPath) {
    // Servers registered in $HOME's default registry; the doctor was pointed elsewhere.
    ::mkdir(dir_.file(".peer-plan").c_str(), 0700);
    WsServer ws = start_ws_server(dir_.file(".peer-plan/servers.json"));
    ASSERT_NE(ws.port, 0);
    Ran r = doctor({}, dir_.file("elsewhere.json"));
    EXPECT_HAS(r.out, "problem: 1 live server(s) are registered in " + dir_.file(".peer-plan/servers.json") +
                                    ", not in " + dir_.file("elsewhere.json") + " (wrong path)");
}

}  // namespace
