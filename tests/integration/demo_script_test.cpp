// Finding 1 of issue 10: client/demo.sh (what `scripts/demo.sh` and `make
// demo` run once the client is built) stops cleanly whatever its output is
// piped to. Run from the checkout's root, against PEER_PLAN_BIN_DIR's servers
// (PEER_PLAN_DEMO_BIN), on port 0, with a temporary registry and TMPDIR.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "harness.h"
#include "json/reader.h"
#include "loop/event_loop.h"
#include "registry/ports.h"

namespace {

using namespace harness;

// The script in its own process group, stdout on a pipe we read and may
// close (as `head -1` or a killed `tee` would), stderr to a file. Each of
// its servers has a process group of its own: the children seen while its
// output is read are remembered, to be checked for and cleaned up.
class Demo {
public:
    explicit Demo(const TempDir& dir) {
        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) {
            ::setpgid(0, 0);
            ::dup2(out[1], 1);
            const int err = ::open(dir.file("demo.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(err, 2);
            ::setenv("PEER_PLAN_REGISTRY", dir.file("registry/servers.json").c_str(), 1);
            ::setenv("PEER_PLAN_DEMO_PORT", "0", 1);
            ::setenv("TMPDIR", dir.file("tmp").c_str(), 1);
            const std::string bins = std::filesystem::absolute(bin("")).string();
            ::setenv("PEER_PLAN_DEMO_BIN", bins.c_str(), 1);
            ::execl("/bin/bash", "bash", "client/demo.sh", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::setpgid(pid_, pid_);
        ::close(out[1]);
        out_.reset(out[0]);
    }
    ~Demo() {
        if (pid_ > 0 && !reaped_)
            for (pid_t child : children_) ::kill(-child, SIGKILL);
        if (pid_ > 0) ::kill(-pid_, SIGKILL);
        if (pid_ > 0 && !reaped_) ::waitpid(pid_, nullptr, 0);
    }
    // Reads stdout until a line containing `needle`.
    bool read_until(std::string_view needle) {
        const int64_t deadline = loop::monotonic_ms() + kWaitMs;
        while (text_.find(needle) == std::string::npos) {
            const int64_t left = deadline - loop::monotonic_ms();
            pollfd p{out_.get(), POLLIN, 0};
            if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) return false;
            char chunk[4096];
            const ssize_t n = ::read(out_.get(), chunk, sizeof chunk);
            if (n <= 0) return false;
            text_.append(chunk, static_cast<size_t>(n));
            for (int64_t child : registry::child_processes(pid_)) children_.insert(static_cast<pid_t>(child));
        }
        return true;
    }
    void close_stdout() { out_.reset(); }
    pid_t pid() const { return pid_; }
    std::optional<int> wait_exit() {
        const int64_t deadline = loop::monotonic_ms() + kWaitMs;
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (loop::monotonic_ms() >= deadline) return std::nullopt;
            ::poll(nullptr, 0, 20);
        }
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    // True when no process of the demo's group, nor of its servers' groups,
    // is left, within the bound.
    bool all_gone() {
        const int64_t deadline = loop::monotonic_ms() + kWaitMs;
        auto any_left = [&] {
            if (::kill(-pid_, 0) == 0) return true;
            for (pid_t child : children_)
                if (::kill(-child, 0) == 0) return true;
            return false;
        };
        while (any_left()) {
            if (loop::monotonic_ms() >= deadline) return false;
            ::poll(nullptr, 0, 20);
        }
        return true;
    }

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    UniqueFd out_;
    std::string text_;
    std::set<pid_t> children_;  // the script's, as seen while reading
};

class DemoScript : public ::testing::Test {
protected:
    void SetUp() override {
        if (::access("client/demo.sh", R_OK) != 0) GTEST_SKIP() << "run from the checkout's root";
        ASSERT_EQ(::mkdir(dir_.file("registry").c_str(), 0700), 0);
        ASSERT_EQ(::mkdir(dir_.file("tmp").c_str(), 0700), 0);
    }
    size_t entries() {
        if (!std::filesystem::exists(dir_.file("registry/servers.json"))) return 0;
        auto document = json::parse(read_file(dir_.file("registry/servers.json")));
        return document.ok() ? document.value().find("servers")->as_array().size() : 99;
    }
    bool tmp_empty() { return std::filesystem::is_empty(dir_.file("tmp")); }

    TempDir dir_;
};

// `scripts/demo.sh | head -1`: the reader leaves after the first line.
TEST_F(DemoScript, StopsWhenItsReaderLeavesEarly) {
    Demo demo(dir_);
    ASSERT_TRUE(demo.read_until("Registry: "));
    demo.close_stdout();
    EXPECT_EQ(demo.wait_exit(), 0) << read_file(dir_.file("demo.err"));
    EXPECT_TRUE(demo.all_gone());
    EXPECT_TRUE(tmp_empty());
    EXPECT_EQ(entries(), 0u) << read_file(dir_.file("registry/servers.json"));
}

// `scripts/demo.sh | tee log` and Ctrl+C: tee dies first, then the trap's
// echoes meet a closed pipe.
TEST_F(DemoScript, StopsCleanlyWhenItsPipeIsGoneBeforeTheSignal) {
    Demo demo(dir_);
    ASSERT_TRUE(demo.read_until("Ctrl+C stops everything."));
    EXPECT_EQ(entries(), 3u);
    demo.close_stdout();
    ::kill(demo.pid(), SIGINT);
    EXPECT_EQ(demo.wait_exit(), 0) << read_file(dir_.file("demo.err"));
    EXPECT_TRUE(demo.all_gone());
    EXPECT_TRUE(tmp_empty());
    EXPECT_EQ(entries(), 0u) << read_file(dir_.file("registry/servers.json"));
}

// Ctrl+C in a terminal: SIGINT reaches the terminal's whole foreground
// group, and then the script's own stop follows. A server must get one stop
// signal, not two: a further one cuts its wait for the registry lock short
// and leaves its entry behind (found: 2 of 3 entries left). The test holds
// the lock until the script has begun to stop, so all three servers are
// still waiting for it when the script's stop comes.
TEST_F(DemoScript, CtrlCInATerminalRemovesEveryEntry) {
    Demo demo(dir_);
    ASSERT_TRUE(demo.read_until("Ctrl+C stops everything."));
    ASSERT_EQ(entries(), 3u);
    UniqueFd lock(::open(dir_.file("registry/servers.json.lock").c_str(), O_RDWR | O_CLOEXEC));
    ASSERT_TRUE(lock);
    ASSERT_EQ(::flock(lock.get(), LOCK_EX), 0);
    ::kill(-demo.pid(), SIGINT);
    ASSERT_TRUE(demo.read_until("Stopping "));
    lock.reset();
    EXPECT_EQ(demo.wait_exit(), 0) << read_file(dir_.file("demo.err"));
    EXPECT_TRUE(demo.all_gone());
    EXPECT_EQ(entries(), 0u) << read_file(dir_.file("demo.err"));
    EXPECT_TRUE(tmp_empty());
}

}  // namespace
