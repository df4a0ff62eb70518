#include "registry/store.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/civil_time.h"
#include "base/clock.h"
#include "json/reader.h"
#include "json/writer.h"
#include "registry/process.h"
#include "tests/support/files.h"
#include "tests/support/processes.h"

namespace {

using json::Value;
using registry::Entry;
using registry::Store;

const char kEmptyRegistry[] = "{\n  \"servers\": []\n}\n";

using support::slurp;
using support::spit;

mode_t mode_of(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return 0;
    return info.st_mode & 07777;
}

std::set<std::string> names_in(const std::string& folder) {
    std::set<std::string> names;
    for (const auto& item : std::filesystem::directory_iterator(folder)) names.insert(item.path().filename().string());
    return names;
}

Entry own_entry(int port, std::string id = "") {
    const int64_t now = base::wall_ms();
    if (id.empty()) id = registry::make_id(now);
    return Entry{id, port, "ws://localhost:" + std::to_string(port), ::getpid(), base::format_iso8601_ms(now)};
}

std::vector<int64_t> ports_in(const Value& document) {
    std::vector<int64_t> ports;
    for (const Value& server : document.find("servers")->as_array()) {
        ports.push_back(server.find("port")->as_int().value_or(-1));
    }
    return ports;
}

using support::reaped_pid;

class RegistryStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        old_umask_ = ::umask(022);
        char folder[] = "/tmp/peer-plan-store-XXXXXX";
        ASSERT_NE(::mkdtemp(folder), nullptr);
        dir_ = folder;
        path_ = dir_ + "/servers.json";
    }
    void TearDown() override {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
        ::umask(old_umask_);
    }

    std::string dir_;
    std::string path_;
    mode_t old_umask_ = 0;
};

TEST_F(RegistryStoreTest, CreatesFolder0700AndFile0600) {
    const std::string folder = dir_ + "/.peer-plan";
    Store store(folder + "/servers.json");
    const Entry entry{"server-1735946123456-abc123", 54321, "ws://localhost:54321", ::getpid(),
                      base::format_iso8601_ms(base::wall_ms())};
    ASSERT_TRUE(registry::register_entry(store, entry).ok());
    EXPECT_EQ(mode_of(folder), 0700u);
    EXPECT_EQ(mode_of(store.path()), 0600u);
    EXPECT_EQ(mode_of(store.path() + ".lock"), 0600u);
    EXPECT_EQ(slurp(store.path()), "{\n"
                                   "  \"servers\": [\n"
                                   "    {\n"
                                   "      \"id\": \"server-1735946123456-abc123\",\n"
                                   "      \"port\": 54321,\n"
                                   "      \"url\": \"ws://localhost:54321\",\n"
                                   "      \"pid\": " + std::to_string(::getpid()) + ",\n"
                                   "      \"startedAt\": \"" + entry.started_at + "\"\n"
                                   "    }\n"
                                   "  ]\n"
                                   "}\n");
    // Exactly the registry and its lock: no temporary file left behind.
    EXPECT_EQ(names_in(folder), (std::set<std::string>{"servers.json", "servers.json.lock"}));
}

TEST_F(RegistryStoreTest, FileIs0600EvenWithUmaskZeroAndExistingFolderIsLeftAlone) {
    ::umask(0);
    const std::string folder = dir_ + "/shared";
    ASSERT_EQ(::mkdir(folder.c_str(), 0755), 0);
    Store store(folder + "/servers.json");
    ASSERT_TRUE(registry::register_entry(store, own_entry(3100)).ok());
    EXPECT_EQ(mode_of(store.path()), 0600u);
    EXPECT_EQ(mode_of(folder), 0755u);
}

TEST_F(RegistryStoreTest, MissingParentFolderIsNamed) {
    Store store(dir_ + "/a/b/servers.json");
    const Status status = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message, "mkdir(" + dir_ + "/a/b): No such file or directory (its parent folder " + dir_ +
                                          "/a does not exist)");
}

TEST_F(RegistryStoreTest, ReadersSeeAnEmptyRegistryAndCreateNothing) {
    Store missing_folder(dir_ + "/nope/servers.json");
    const Result<Value> from_missing_folder = missing_folder.read();
    ASSERT_TRUE(from_missing_folder.ok());
    EXPECT_EQ(json::to_string(from_missing_folder.value()), kEmptyRegistry);
    Store missing_file(path_);
    ASSERT_TRUE(missing_file.read().ok());
    spit(path_, "");
    const Result<Value> from_empty_file = missing_file.read();
    ASSERT_TRUE(from_empty_file.ok());
    EXPECT_EQ(json::to_string(from_empty_file.value()), kEmptyRegistry);
    const Result<Value::Array> live = registry::live_entries(missing_folder);
    ASSERT_TRUE(live.ok());
    EXPECT_TRUE(live.value().empty());
    EXPECT_EQ(names_in(dir_), std::set<std::string>{"servers.json"});
}

TEST_F(RegistryStoreTest, EmptyFileIsStartedFreshWithoutWarning) {
    spit(path_, "");
    Store store(path_);
    testing::internal::CaptureStderr();
    ASSERT_TRUE(registry::register_entry(store, own_entry(3100)).ok());
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(names_in(dir_), (std::set<std::string>{"servers.json", "servers.json.lock"}));
}

TEST_F(RegistryStoreTest, UnknownFieldsAreKept) {
    const std::string now = base::format_iso8601_ms(base::wall_ms());
    const std::string pid = std::to_string(::getpid());
    const std::string before = "{\n  \"version\": 3,\n  \"servers\": [\n    {\n      \"id\": \"keep\",\n"
                               "      \"port\": 3100,\n      \"pid\": " + pid + ",\n      \"startedAt\": \"" + now +
                               "\",\n      \"extra\": {\"ratio\": 1.50, \"tags\": [\"a\"]}\n    }\n  ],\n"
                               "  \"note\": \"hand edited\"\n}\n";
    spit(path_, before);
    Store store(path_);
    ASSERT_TRUE(registry::register_entry(store, own_entry(3101, "new")).ok());
    const Result<Value> after = store.read();
    ASSERT_TRUE(after.ok());
    const Value::Object& top = after.value().as_object();
    ASSERT_EQ(top.size(), 3u);
    EXPECT_EQ(top[0].first, "version");
    EXPECT_EQ(top[1].first, "servers");
    EXPECT_EQ(top[2].first, "note");
    EXPECT_EQ(top[2].second.as_string(), "hand edited");
    const Value::Array& servers = after.value().find("servers")->as_array();
    ASSERT_EQ(servers.size(), 2u);
    EXPECT_EQ(json::to_string(servers[0], 0), "{\"id\":\"keep\",\"port\":3100,\"pid\":" + pid + ",\"startedAt\":\"" +
                                                  now + "\",\"extra\":{\"ratio\":1.50,\"tags\":[\"a\"]}}");
    EXPECT_EQ(servers[1].find("id")->as_string(), "new");
}

// ws-server listens in before_visible: under the lock (so not while the lock
// is awaited) and before the file that names it replaces the old one (so no
// reader finds the entry with the port still closed).
TEST_F(RegistryStoreTest, BeforeVisibleRunsUnderTheLockBeforeTheEntryIsInTheFile) {
    Store store(path_);
    ASSERT_TRUE(registry::register_entry(store, own_entry(3200, "first")).ok());
    const std::string before = slurp(path_);
    int calls = 0;
    Status st = registry::register_entry(store, registry::to_json(own_entry(3201, "second")), [&]() -> Status {
        ++calls;
        EXPECT_EQ(slurp(path_), before) << "the file names the entry before the server listens";
        const int other = ::open((path_ + ".lock").c_str(), O_RDWR | O_CLOEXEC);
        EXPECT_GE(other, 0);
        EXPECT_EQ(::flock(other, LOCK_EX | LOCK_NB), -1) << "the lock is not held";
        ::close(other);
        return Ok{};
    });
    ASSERT_TRUE(st.ok()) << st.error().message;
    EXPECT_EQ(calls, 1);
    const Result<Value> after = store.read();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(ports_in(after.value()), (std::vector<int64_t>{3200, 3201}));
}

TEST_F(RegistryStoreTest, BeforeVisibleFailingKeepsTheEntryOutAndSaysWhy) {
    Store store(path_);
    ASSERT_TRUE(registry::register_entry(store, own_entry(3300, "kept")).ok());
    Status st = registry::register_entry(store, registry::to_json(own_entry(3301, "never")),
                                         []() -> Status { return Error{"127.0.0.1:3301: listen: Address in use"}; });
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().message, "127.0.0.1:3301: listen: Address in use");
    const Result<Value> after = store.read();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(ports_in(after.value()), (std::vector<int64_t>{3300}));
}

TEST_F(RegistryStoreTest, BeforeVisibleIsNotCalledWhenTheIdIsTaken) {
    Store store(path_);
    ASSERT_TRUE(registry::register_entry(store, own_entry(3400, "same")).ok());
    bool called = false;
    Status st = registry::register_entry(store, registry::to_json(own_entry(3401, "same")), [&]() -> Status {
        called = true;
        return Ok{};
    });
    ASSERT_FALSE(st.ok());
    EXPECT_FALSE(called);
}

const char kCorrupt[] = "{\n  \"servers\": [\n    {\n      \"port\": 1 \"url\": \"x\"\n    }\n  ]\n}\n";

TEST_F(RegistryStoreTest, CorruptFileIsMovedAsideWithAWarning) {
    spit(path_, kCorrupt);
    Store store(path_);
    testing::internal::CaptureStderr();
    ASSERT_TRUE(registry::register_entry(store, own_entry(3100, "fresh")).ok());
    const std::string warning = testing::internal::GetCapturedStderr();
    std::string aside;
    for (const std::string& name : names_in(dir_)) {
        if (name.rfind("servers.json.corrupt-", 0) == 0) aside = dir_ + "/" + name;
    }
    ASSERT_FALSE(aside.empty());
    EXPECT_EQ(slurp(aside), kCorrupt);
    EXPECT_EQ(warning, "warning: " + path_ + " line 4, column 17: expected ',' or '}'; moved aside to " + aside +
                           ", starting a fresh registry\n");
    const std::string stamp = aside.substr(aside.rfind('-') + 1);
    EXPECT_EQ(stamp.find_first_not_of("0123456789"), std::string::npos);
    const Result<Value> fresh = store.read();
    ASSERT_TRUE(fresh.ok());
    ASSERT_EQ(fresh.value().find("servers")->as_array().size(), 1u);
    EXPECT_EQ(fresh.value().find("servers")->as_array()[0].find("id")->as_string(), "fresh");
}

TEST_F(RegistryStoreTest, WrongShapeIsMovedAsideToo) {
    const struct {
        const char* name;
        const char* text;
        const char* position;
    } kCases[] = {
        {"top_level_array", "[]", "line 1, column 1"},
        {"servers_not_an_array", "\n  {\"servers\": {}}", "line 2, column 3"},
        {"no_servers", "{\"server\": []}", "line 1, column 1"},
        {"string", "\"servers\"", "line 1, column 1"},
    };
    for (const auto& c : kCases) {
        SCOPED_TRACE(c.name);
        spit(path_, c.text);
        Store store(path_);
        const Result<Value> read = store.read();
        ASSERT_FALSE(read.ok());
        EXPECT_EQ(read.error().message,
                  path_ + " " + c.position + ": expected an object with a \"servers\" array");
        testing::internal::CaptureStderr();
        ASSERT_TRUE(registry::register_entry(store, own_entry(3100)).ok());
        const std::string warning = testing::internal::GetCapturedStderr();
        const std::string expected = std::string(c.position) + ": expected an object with a \"servers\" array; " +
                                     "moved aside to " + path_ + ".corrupt-";
        EXPECT_NE(warning.find(expected), std::string::npos) << warning;
        std::filesystem::remove(path_);
    }
}

TEST_F(RegistryStoreTest, ReaderReportsCorruptionAndMovesNothing) {
    spit(path_, kCorrupt);
    Store store(path_);
    const Result<Value> read = store.read();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, path_ + " line 4, column 17: expected ',' or '}'");
    const Result<Value::Array> live = registry::live_entries(store);
    ASSERT_FALSE(live.ok());
    EXPECT_EQ(live.error().message, read.error().message);
    EXPECT_EQ(slurp(path_), kCorrupt);
    EXPECT_EQ(names_in(dir_), std::set<std::string>{"servers.json"});
}

// Finding 3 of issue 10: a file the reader refuses would stop every server
// for ever; a writer moves it aside like a corrupt one.
TEST_F(RegistryStoreTest, OversizedFileIsMovedAsideByAWriter) {
    const std::string big = "{\"servers\": [], \"pad\": \"" + std::string(registry::kMaxFileBytes, 'x') + "\"}";
    spit(path_, big);
    Store store(path_);
    const Result<Value> read = store.read();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, path_ + " is larger than 4 MiB");
    EXPECT_EQ(slurp(path_).size(), big.size());
    testing::internal::CaptureStderr();
    ASSERT_TRUE(registry::register_entry(store, own_entry(3100, "fresh")).ok());
    const std::string warning = testing::internal::GetCapturedStderr();
    std::string aside;
    for (const std::string& name : names_in(dir_))
        if (name.rfind("servers.json.corrupt-", 0) == 0) aside = dir_ + "/" + name;
    ASSERT_FALSE(aside.empty());
    EXPECT_EQ(warning, "warning: " + path_ + " is larger than 4 MiB; moved aside to " + aside +
                           ", starting a fresh registry\n");
    EXPECT_EQ(slurp(aside), big);
    ASSERT_TRUE(store.read().ok());
    EXPECT_EQ(ports_in(store.read().value()), std::vector<int64_t>{3100});
}

// `depth` arrays inside each other around 1: "[[[1]]]".
std::string nested(int depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

// Finding 3 of issue 10: a valid 146 KB file of deeply nested unknown fields
// was rewritten indented to 8.9 MB, which no reader takes.
TEST_F(RegistryStoreTest, DeepUnknownFieldsAreWrittenCompactWhenIndentedWouldPassTheLimit) {
    std::string deep = "[";
    for (int i = 0; i < 1200; ++i) deep += (i ? "," : "") + nested(60);
    deep += "]";
    spit(path_, "{\"deep\":" + deep + ",\"servers\":[]}");
    ASSERT_LT(slurp(path_).size(), 150'000u);
    Store store(path_);
    const Entry me = own_entry(3100, "me");
    testing::internal::CaptureStderr();
    ASSERT_TRUE(registry::register_entry(store, me).ok());
    const std::string warning = testing::internal::GetCapturedStderr();
    const std::string expected = "{\"deep\":" + deep + ",\"servers\":[{\"id\":\"me\",\"port\":3100,\"url\":\"" +
                                 me.url + "\",\"pid\":" + std::to_string(::getpid()) + ",\"startedAt\":\"" +
                                 me.started_at + "\"}]}\n";
    EXPECT_EQ(slurp(path_), expected);
    const Result<Value> after = store.read();
    ASSERT_TRUE(after.ok()) << after.error().message;
    const size_t indented = json::to_string(after.value(), 2).size();
    EXPECT_GT(indented, registry::kMaxFileBytes);
    EXPECT_EQ(warning, "warning: " + path_ + " written compact (" + std::to_string(expected.size()) +
                           " bytes): indented it would be " + std::to_string(indented) +
                           " bytes, over the 4 MiB a reader accepts\n");
    ASSERT_TRUE(registry::unregister_entry(store, "me").ok());
    EXPECT_EQ(slurp(path_), "{\"deep\":" + deep + ",\"servers\":[]}\n");
}

// Finding 3 of issue 10: when even compact the result would pass the limit,
// the change is refused and the old file stays, byte for byte.
TEST_F(RegistryStoreTest, ChangeThatWouldPassTheLimitIsRefused) {
    const std::string prefix = "{\"servers\":[],\"pad\":\"";
    const std::string full = prefix + std::string(registry::kMaxFileBytes - prefix.size() - 3, 'x') + "\"}\n";
    ASSERT_EQ(full.size(), registry::kMaxFileBytes);
    spit(path_, full);
    Store store(path_);
    const Entry me = own_entry(3100, "me");
    const Status status = registry::register_entry(store, me);
    ASSERT_FALSE(status.ok());
    const size_t would_be = full.size() + json::to_string(registry::to_json(me), 0).size();
    EXPECT_EQ(status.error().message, "the change would make " + path_ + " " + std::to_string(would_be) +
                                          " bytes, over the 4 MiB a reader accepts; the file is left as it was");
    EXPECT_EQ(slurp(path_), full);
    EXPECT_EQ(names_in(dir_), (std::set<std::string>{"servers.json", "servers.json.lock"}));
}

TEST_F(RegistryStoreTest, ErrorsNameTheOperationAndPath) {
    ASSERT_EQ(::mkdir((path_ + ".lock").c_str(), 0700), 0);
    Store store(path_);
    const Status status = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message, "open(" + path_ + ".lock): Is a directory");

    ASSERT_EQ(::mkdir((dir_ + "/sub").c_str(), 0700), 0);
    Store folder_as_file(dir_ + "/sub");  // the registry path is a folder
    const Result<Value> read = folder_as_file.read();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, dir_ + "/sub is not a regular file");

    Store nowhere("");
    EXPECT_FALSE(nowhere.read().ok());
    EXPECT_FALSE(registry::register_entry(nowhere, own_entry(3100)).ok());
}

TEST_F(RegistryStoreTest, ReplacesTheFileInsteadOfRewritingIt) {
    Store store(path_);
    ASSERT_TRUE(registry::register_entry(store, own_entry(3100)).ok());
    const std::string first = slurp(path_);
    std::ifstream held(path_, std::ios::binary);  // a reader in the middle of reading
    struct stat before {};
    ASSERT_EQ(::stat(path_.c_str(), &before), 0);
    ASSERT_TRUE(registry::register_entry(store, own_entry(3101)).ok());
    struct stat after {};
    ASSERT_EQ(::stat(path_.c_str(), &after), 0);
    EXPECT_NE(before.st_ino, after.st_ino);
    EXPECT_EQ(std::string(std::istreambuf_iterator<char>(held), std::istreambuf_iterator<char>()), first);
    EXPECT_EQ(names_in(dir_), (std::set<std::string>{"servers.json", "servers.json.lock"}));
}

TEST_F(RegistryStoreTest, StaleAndSamePortEntriesAreDroppedOnRegister) {
    const std::string now = base::format_iso8601_ms(base::wall_ms());
    const std::string pid = std::to_string(::getpid());
    const auto entry = [](std::string id, int port, std::string pid_member, std::string started_at) {
        return "{\"id\": \"" + id + "\", \"port\": " + std::to_string(port) + pid_member + ", \"startedAt\": \"" +
               started_at + "\"}";
    };
    spit(path_, "{\"servers\": [\n  " +
                    entry("gone", 2001, ", \"pid\": " + std::to_string(reaped_pid()), now) + ",\n  " +
                    entry("reused", 2002, ", \"pid\": " + pid, "2000-01-01T00:00:00.000Z") + ",\n  " +
                    entry("alive", 2003, ", \"pid\": " + pid, now) + ",\n  " +
                    entry("no-pid", 2004, "", now) + ",\n  " +
                    entry("same-port", 2005, ", \"pid\": " + pid, now) + ",\n  " +
                    "\"not an entry\"\n]}");
    Store store(path_);
    const Result<Value::Array> live = registry::live_entries(store);
    ASSERT_TRUE(live.ok());
    ASSERT_EQ(live.value().size(), 2u);
    EXPECT_EQ(live.value()[0].find("id")->as_string(), "alive");
    EXPECT_EQ(live.value()[1].find("id")->as_string(), "same-port");

    ASSERT_TRUE(registry::register_entry(store, own_entry(2005, "me")).ok());
    const Result<Value> after = store.read();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(ports_in(after.value()), (std::vector<int64_t>{2003, 2005}));
    EXPECT_EQ(after.value().find("servers")->as_array()[1].find("id")->as_string(), "me");
}

// Finding 12 of issue 10: a server on ::1 must not drop the live entry of
// one on 127.0.0.1 with the same port; the address comes from the url.
TEST_F(RegistryStoreTest, EntriesAreKeyedByAddressAndPort) {
    const std::string now = base::format_iso8601_ms(base::wall_ms());
    const std::string pid = std::to_string(::getpid());
    const auto entry = [&](std::string id, int port, std::string url) {
        return "{\"id\": \"" + id + "\", \"port\": " + std::to_string(port) + (url.empty() ? "" : ", \"url\": \"" + url + "\"") +
               ", \"pid\": " + pid + ", \"startedAt\": \"" + now + "\"}";
    };
    spit(path_, "{\"servers\": [" + entry("v4", 2005, "ws://localhost:2005") + ", " +
                    entry("v6-before", 2005, "ws://[0:0::1]:2005") + ", " + entry("other-v4", 2005, "ws://127.0.0.2:2005") +
                    ", " + entry("no-url", 2006, "") + "]}");
    Store store(path_);
    Entry v6 = own_entry(2005, "v6");
    v6.url = registry::url_for("::1", 2005);
    ASSERT_TRUE(registry::register_entry(store, v6).ok());
    Entry v4 = own_entry(2006, "v4-new");
    v4.url = registry::url_for("127.0.0.1", 2006);
    ASSERT_TRUE(registry::register_entry(store, v4).ok());
    const Result<Value> after = store.read();
    ASSERT_TRUE(after.ok());
    std::vector<std::string> ids;
    for (const Value& server : after.value().find("servers")->as_array()) ids.push_back(server.find("id")->as_string());
    EXPECT_EQ(ids, (std::vector<std::string>{"v4", "other-v4", "v6", "v4-new"}));
}

TEST_F(RegistryStoreTest, UnregisterRemovesOnlyThatId) {
    const std::string stale = "\"pid\": 999999999, \"startedAt\": \"2000-01-01T00:00:00.000Z\"";
    spit(path_, "{\"servers\": [{\"id\": \"a\", \"port\": 1, " + stale + "}, {\"id\": \"b\", \"port\": 2, " + stale +
                    "}, {\"id\": \"c\", \"port\": 3, " + stale + "}]}");
    Store store(path_);
    ASSERT_TRUE(registry::unregister_entry(store, "b").ok());
    ASSERT_TRUE(registry::unregister_entry(store, "not-there").ok());
    const Result<Value> after = store.read();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(ports_in(after.value()), (std::vector<int64_t>{1, 3}));
}

// 20 processes register at once, then 20 unregister at once: the lock must
// not lose a single entry. All entries carry this (living) test's pid so
// that none of them is stale for the others.
TEST_F(RegistryStoreTest, ConcurrentWritersLoseNothing) {
    constexpr int kWriters = 20;
    Store store(path_);
    const auto run_all = [&](auto&& work) {
        int gate[2];
        ASSERT_EQ(::pipe(gate), 0);
        std::vector<pid_t> children;
        for (int i = 0; i < kWriters; ++i) {
            const pid_t child = ::fork();
            ASSERT_GE(child, 0);
            if (child == 0) {
                ::close(gate[1]);
                char byte;
                while (::read(gate[0], &byte, 1) > 0) {
                }
                ::_exit(work(i) ? 0 : 1);
            }
            children.push_back(child);
        }
        ::close(gate[0]);
        ::close(gate[1]);  // everyone starts now
        for (pid_t child : children) {
            int status = 0;
            ASSERT_EQ(::waitpid(child, &status, 0), child);
            EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
    };
    const pid_t parent = ::getpid();
    const std::string started = base::format_iso8601_ms(base::wall_ms());
    run_all([&](int i) {
        const Entry entry{"writer-" + std::to_string(i), 4000 + i, "ws://localhost:" + std::to_string(4000 + i), parent,
                          started};
        return registry::register_entry(store, entry).ok();
    });
    const Result<Value> registered = store.read();
    ASSERT_TRUE(registered.ok());
    std::vector<int64_t> ports = ports_in(registered.value());
    std::sort(ports.begin(), ports.end());
    std::vector<int64_t> expected;
    for (int i = 0; i < kWriters; ++i) expected.push_back(4000 + i);
    EXPECT_EQ(ports, expected);

    run_all([&](int i) { return registry::unregister_entry(store, "writer-" + std::to_string(i)).ok(); });
    EXPECT_EQ(slurp(path_), kEmptyRegistry);
    EXPECT_EQ(names_in(dir_), (std::set<std::string>{"servers.json", "servers.json.lock"}));
}

class EnvironmentGuard {
public:
    explicit EnvironmentGuard(const char* name) : name_(name) {
        if (const char* value = std::getenv(name)) saved_ = value;
    }
    ~EnvironmentGuard() {
        if (saved_) {
            ::setenv(name_, saved_->c_str(), 1);
        } else {
            ::unsetenv(name_);
        }
    }

private:
    const char* name_;
    std::optional<std::string> saved_;
};

TEST(RegistryResolvePathTest, FlagThenEnvironmentThenHome) {
    EnvironmentGuard registry_env("PEER_PLAN_REGISTRY");
    EnvironmentGuard home_env("HOME");
    ::setenv("HOME", "/home/someone", 1);
    ::setenv("PEER_PLAN_REGISTRY", "/env/servers.json", 1);
    EXPECT_EQ(registry::resolve_path("/flag/servers.json"), "/flag/servers.json");
    EXPECT_EQ(registry::resolve_path(""), "/env/servers.json");
    ::setenv("PEER_PLAN_REGISTRY", "", 1);
    EXPECT_EQ(registry::resolve_path(""), "/home/someone/.peer-plan/servers.json");
    ::unsetenv("PEER_PLAN_REGISTRY");
    EXPECT_EQ(registry::resolve_path(""), "/home/someone/.peer-plan/servers.json");
    ::setenv("HOME", "/home/slash/", 1);
    EXPECT_EQ(registry::resolve_path(""), "/home/slash/.peer-plan/servers.json");
    EXPECT_EQ(registry::resolve_path("relative.json"), "relative.json");
    ::unsetenv("HOME");
    const std::string from_passwd = registry::resolve_path("");
    EXPECT_TRUE(from_passwd.empty() || from_passwd.ends_with("/.peer-plan/servers.json")) << from_passwd;
}

}  // namespace
