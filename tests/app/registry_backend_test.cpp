// app/registry_backend.h without a registry: the etcd password file and the
// errors a bad etcd command line gets (each names the flag and the fix).
#include "app/registry_backend.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "json/value.h"
#include "loop/event_loop.h"
#include "tests/support/files.h"

namespace {

class PasswordFile : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/peer-plan-backend-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir_ = pattern;
        path_ = dir_ + "/password";
    }
    void TearDown() override {
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    void write(const std::string& text, mode_t mode) {
        support::spit(path_, text);
        ASSERT_EQ(::chmod(path_.c_str(), mode), 0);
    }
    std::string dir_, path_;
};

TEST_F(PasswordFile, TheFirstLineWithoutItsEnd) {
    write("s3cret\nignored\n", 0600);
    EXPECT_EQ(app::read_password_file(path_).value(), "s3cret");
    write("dos\r\n", 0400);
    EXPECT_EQ(app::read_password_file(path_).value(), "dos");
    write("no newline", 0600);
    EXPECT_EQ(app::read_password_file(path_).value(), "no newline");
}

TEST_F(PasswordFile, RefusedWhenOthersCanReadItOrItIsEmpty) {
    write("s3cret\n", 0640);
    EXPECT_EQ(app::read_password_file(path_).error().message,
              "password file " + path_ + ": mode 0640 lets other users read it; chmod 600 " + path_);
    write("\nsecond\n", 0600);
    EXPECT_EQ(app::read_password_file(path_).error().message, "password file " + path_ + ": the first line is empty");
    EXPECT_EQ(app::read_password_file(dir_).error().message, "password file " + dir_ + ": not a regular file");
    EXPECT_EQ(app::read_password_file(dir_ + "/none").error().message.substr(0, 14 + dir_.size() + 5),
              "password file " + dir_ + "/none");
}

TEST_F(PasswordFile, EtcdAccessSaysWhatIsMissing) {
    ::unsetenv(std::string(app::kPasswordFileVariable).c_str());
    app::RegistryFlags flags;
    flags.registry = "etcd://peer@127.0.0.1:2379";
    EXPECT_EQ(app::etcd_access(flags).error().message,
              "--registry etcd://peer@127.0.0.1:2379: user 'peer' needs a password: --etcd-password-file PATH, or "
              "$PEER_PLAN_ETCD_PASSWORD_FILE=PATH (a file only you can read; never on the command line)");

    write("s3cret\n", 0600);
    flags.password_file = path_;
    auto access = app::etcd_access(flags);
    ASSERT_TRUE(access.ok()) << access.error().message;
    EXPECT_EQ(access.value().password, "s3cret");
    EXPECT_EQ(access.value().target.user, "peer");

    flags.registry = "etcd://127.0.0.1:2379";
    EXPECT_EQ(app::etcd_access(flags).error().message,
              "--etcd-password-file " + path_ + ": the URL names no user (etcd://USER@HOST:PORT) to log in with");

    flags.password_file.clear();
    ::setenv(std::string(app::kPasswordFileVariable).c_str(), path_.c_str(), 1);
    flags.registry = "etcd://peer@127.0.0.1:2379";
    EXPECT_EQ(app::etcd_access(flags).value().password, "s3cret") << "the variable names the file";
    ::unsetenv(std::string(app::kPasswordFileVariable).c_str());

    flags.registry = "etcd://127.0.0.1:2379";
    flags.lease_ttl_ms = 2'500;
    EXPECT_EQ(app::etcd_access(flags).error().message, "--lease-ttl 2500ms: etcd leases are whole seconds");
}


// The file announcer opens the port (calls `open`) while it holds the lock,
// before the entry is in the file, and an error from `open` is what `ready`
// hears, word for word, with the entry kept out.
class FileAnnouncerTest : public PasswordFile {};

TEST_F(FileAnnouncerTest, OpensBeforeTheEntryIsVisibleAndTellsItsErrorAsItIs) {
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    app::RegistryFlags flags;
    flags.registry = dir_ + "/servers.json";
    auto announcer = app::make_announcer(flags, loop.value());
    ASSERT_TRUE(announcer.ok());
    json::Value entry = json::Value::object();
    entry.set("id", json::Value::string("a"));
    entry.set("port", json::Value::number(4100));
    std::vector<std::string> steps;
    announcer.value()->start(
        entry,
        [&]() -> Status {
            steps.push_back(std::filesystem::exists(flags.registry) ? "open: file exists" : "open: no file yet");
            return Error{"127.0.0.1:4100: listen: Address already in use"};
        },
        [&](Status st) { steps.push_back(st.ok() ? "ready: ok" : "ready: " + st.error().message); });
    EXPECT_EQ(steps, (std::vector<std::string>{"open: no file yet",
                                               "ready: 127.0.0.1:4100: listen: Address already in use"}));
    EXPECT_EQ(support::slurp(flags.registry), "{\n  \"servers\": []\n}\n");
    EXPECT_TRUE(announcer.value()->finish().ok());
    std::filesystem::remove(flags.registry);
    std::filesystem::remove(flags.registry + ".lock");
}

}  // namespace
