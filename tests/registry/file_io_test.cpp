// Findings 2, 4 and 5 of issue 10: the lock wait, stale temporary files and
// an untrusted registry folder, through the Store that uses them.
#include "registry/file_io.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "base/civil_time.h"
#include "base/clock.h"
#include "registry/store.h"
#include "tests/support/files.h"

namespace {

using registry::Entry;
using registry::Store;

using support::slurp;
using support::spit;

std::set<std::string> names_in(const std::string& folder) {
    std::set<std::string> names;
    for (const auto& item : std::filesystem::directory_iterator(folder)) names.insert(item.path().filename().string());
    return names;
}

Entry own_entry(int port) {
    const int64_t now = base::wall_ms();
    return Entry{"me", port, "ws://localhost:" + std::to_string(port), ::getpid(), base::format_iso8601_ms(now)};
}

class RegistryFilesTest : public ::testing::Test {
protected:
    void SetUp() override {
        char folder[] = "/tmp/peer-plan-files-XXXXXX";
        ASSERT_NE(::mkdtemp(folder), nullptr);
        dir_ = folder;
        path_ = dir_ + "/servers.json";
    }
    void TearDown() override {
        std::error_code ignored;
        ::chmod(dir_.c_str(), 0700);
        std::filesystem::remove_all(dir_, ignored);
    }
    // Holds flock(LOCK_EX) on the lock file through its own open file
    // description, as another process would.
    UniqueFd hold_lock() {
        UniqueFd fd(::open((path_ + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        EXPECT_TRUE(fd);
        EXPECT_EQ(::flock(fd.get(), LOCK_EX | LOCK_NB), 0);
        return fd;
    }

    std::string dir_;
    std::string path_;
};

TEST_F(RegistryFilesTest, HeldLockIsAnnouncedThenGivenUp) {
    UniqueFd held = hold_lock();
    Store store(path_);
    store.set_lock_wait({1'100, nullptr});
    testing::internal::CaptureStderr();
    const Status status = registry::register_entry(store, own_entry(3100));
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "waiting for the lock on " + path_ +
                                                          ".lock (another process holds it; giving up after 1100 ms)\n");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message,
              "gave up after 1100 ms waiting for the lock on " + path_ + ".lock (another process holds it)");
    EXPECT_EQ(names_in(dir_), std::set<std::string>{"servers.json.lock"});
}

TEST_F(RegistryFilesTest, LockWaitEndsWhenPauseSaysSo) {
    UniqueFd held = hold_lock();
    Store store(path_);
    int pauses = 0;
    store.set_lock_wait({60'000, [&pauses](int64_t ms) {
                             EXPECT_GE(ms, 1);
                             return ++pauses == 3;
                         }});
    const Status status = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message, "interrupted while waiting for the lock on " + path_ + ".lock");
    EXPECT_EQ(pauses, 3);
    held.reset();  // released: the next update goes through at once
    EXPECT_TRUE(registry::register_entry(store, own_entry(3100)).ok());
}

TEST_F(RegistryFilesTest, TempFilesOlderThanAMinuteAreRemoved) {
    Store store(path_);
    ASSERT_TRUE(registry::register_entry(store, own_entry(3100)).ok());
    const timespec old_times[2] = {{::time(nullptr) - 61, 0}, {::time(nullptr) - 61, 0}};
    for (const char* name : {"servers.json.a1B2c3", "servers.json.zzzzzz", "servers.json.fresh1",
                             "servers.json.corrupt-1795345143549", "servers.json.abc"}) {
        spit(dir_ + "/" + name, "{\"servers\": [");
        if (std::string_view(name) != "servers.json.fresh1") {
            ASSERT_EQ(::utimensat(AT_FDCWD, (dir_ + "/" + name).c_str(), old_times, 0), 0);
        }
    }
    testing::internal::CaptureStderr();
    ASSERT_TRUE(registry::unregister_entry(store, "me").ok());
    const std::string said = testing::internal::GetCapturedStderr();
    EXPECT_EQ(names_in(dir_), (std::set<std::string>{"servers.json", "servers.json.lock", "servers.json.fresh1",
                                                      "servers.json.corrupt-1795345143549", "servers.json.abc"}));
    EXPECT_NE(said.find("removed " + dir_ + "/servers.json.a1B2c3, left by a writer that did not finish\n"),
              std::string::npos)
        << said;
    EXPECT_NE(said.find("removed " + dir_ + "/servers.json.zzzzzz, left by a writer that did not finish\n"),
              std::string::npos)
        << said;
}

TEST_F(RegistryFilesTest, SymlinkedLockFileIsRefused) {
    const std::string elsewhere = dir_ + "/elsewhere";
    ASSERT_EQ(::symlink(elsewhere.c_str(), (path_ + ".lock").c_str()), 0);
    Store store(path_);
    const Status status = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message, path_ + ".lock is a symbolic link: remove it (the lock must be a regular file)");
    EXPECT_FALSE(std::filesystem::exists(elsewhere));
}

// registry-http quoted /etc/shadow's first bytes through such a link.
TEST_F(RegistryFilesTest, SymlinkedRegistryIsNeverRead) {
    const std::string secret = dir_ + "/secret";
    spit(secret, "root:$6$not-json");
    ASSERT_EQ(::symlink(secret.c_str(), path_.c_str()), 0);
    Store store(path_);
    const Result<json::Value> read = store.read();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, path_ + " is a symbolic link: the registry must be a regular file");
    const Status update = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(update.ok());
    EXPECT_EQ(update.error().message, read.error().message);
    EXPECT_EQ(slurp(secret), "root:$6$not-json");
    EXPECT_TRUE(std::filesystem::is_symlink(path_));
}

TEST_F(RegistryFilesTest, FileOfAnotherUserIsNeverRead) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
    spit(path_, "root:$6$not-json");
    ASSERT_EQ(::chown(path_.c_str(), 65534, 65534), 0);
    Store store(path_);
    const Result<json::Value> read = store.read();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, path_ + " is owned by uid 65534, not by you (uid 0): remove it");
    const Status update = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(update.ok());
    EXPECT_EQ(update.error().message, read.error().message);
    EXPECT_EQ(slurp(path_), "root:$6$not-json");
}

TEST_F(RegistryFilesTest, FolderWritableByOthersIsRefused) {
    ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
    Store store(path_);
    const std::string expected =
        "registry folder " + dir_ + " is writable by other users (mode 0777): run chmod 700 " + dir_;
    const Status update = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(update.ok());
    EXPECT_EQ(update.error().message, expected);
    const Result<json::Value> read = store.read();
    ASSERT_FALSE(read.ok());
    EXPECT_EQ(read.error().message, expected);
    ASSERT_EQ(::chmod(dir_.c_str(), 0720), 0);  // group-writable is no better
    EXPECT_EQ(registry::register_entry(store, own_entry(3100)).error().message,
              "registry folder " + dir_ + " is writable by other users (mode 0720): run chmod 700 " + dir_);
    EXPECT_TRUE(names_in(dir_).empty());
}

TEST_F(RegistryFilesTest, FolderOfAnotherUserIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
    ASSERT_EQ(::chown(dir_.c_str(), 65534, 65534), 0);
    Store store(path_);
    const Status update = registry::register_entry(store, own_entry(3100));
    ASSERT_FALSE(update.ok());
    EXPECT_EQ(update.error().message, "registry folder " + dir_ +
                                          " is owned by uid 65534, not by you (uid 0): run chown 0 " + dir_ +
                                          ", or choose another --registry");
    EXPECT_FALSE(store.read().ok());
    EXPECT_TRUE(names_in(dir_).empty());
}

TEST_F(RegistryFilesTest, MissingFolderUnderProcNamesTheRightOne) {
    Store store("/proc/peer-plan-nope/servers.json");
    EXPECT_EQ(registry::register_entry(store, own_entry(3100)).error().message,
              "mkdir(/proc/peer-plan-nope): No such file or directory (its parent folder /proc exists but takes no "
              "new folders)");
    Store deeper(dir_ + "/a/b/c/servers.json");
    EXPECT_EQ(registry::register_entry(deeper, own_entry(3100)).error().message,
              "mkdir(" + dir_ + "/a/b/c): No such file or directory (the folder " + dir_ + "/a above it does not exist)");
}

}  // namespace
