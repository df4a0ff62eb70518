// The registry file as a source, with a real folder watch and real
// processes: each test waits for the diff it expects (the loop stops when
// one arrives), never for a time.
#include "app/file_source.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/files.h"

namespace {

struct TempDir {
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "file-source-XXXXXX").string();
        EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
        path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
    std::string path;
};

// Writers of the registry replace it by rename; so do these tests, so that
// every change is one event with the whole file behind it.
void replace_file(const std::string& path, const std::string& text) {
    support::spit(path + ".tmp", text);
    ASSERT_EQ(::rename((path + ".tmp").c_str(), path.c_str()), 0);
}

std::string entry(const std::string& id, pid_t pid) {
    return "{\"id\": \"" + id + "\", \"port\": 1, \"pid\": " + std::to_string(pid) +
           ", \"startedAt\": \"2100-01-01T00:00:00.000Z\"}";
}
std::string compact(const std::string& id, pid_t pid) {
    return "{\"id\":\"" + id + "\",\"port\":1,\"pid\":" + std::to_string(pid) +
           ",\"startedAt\":\"2100-01-01T00:00:00.000Z\"}";
}
std::string file_of(const std::vector<std::string>& entries) {
    std::string text = "{\"servers\": [";
    for (size_t i = 0; i < entries.size(); ++i) text += (i ? ", " : "") + entries[i];
    return text + "]}\n";
}

// A child that waits to be killed.
pid_t start_child() {
    pid_t pid = ::fork();
    if (pid == 0) {
        for (;;) ::pause();
    }
    return pid;
}

class FileSourceTest : public ::testing::Test, public app::LiveWatcher {
protected:
    void SetUp() override {
        auto created = loop::EventLoop::create();
        ASSERT_TRUE(created.ok());
        loop_.emplace(std::move(created.value()));
        live_.emplace(*loop_, 5);
        live_->set_heartbeat_interval(0);
        live_->add_watcher(*this);
        // A bound on every wait, not a timing assert.
        loop_->every(10'000, [this] {
            ADD_FAILURE() << "no diff in 10 s";
            timed_out_ = true;
            loop_->stop();
        });
    }
    void TearDown() override {
        source_.reset();
        if (live_) live_->remove_watcher(*this);
        for (pid_t child : children_) {
            ::kill(child, SIGKILL);
            ::waitpid(child, nullptr, 0);
        }
    }
    void start(int64_t rescan_ms = app::FileSource::kRescanMs) {
        auto source = app::FileSource::start(*loop_, registry(), *live_, rescan_ms);
        ASSERT_TRUE(source.ok()) << source.error().message;
        source_ = std::move(source.value());
    }
    void deliver(const std::string& message) noexcept override {
        messages_.push_back(message);
        loop_->stop();
    }
    // Runs the loop until the next diff; returns it. A message delivered
    // outside a run (start() publishes the file at once) left its stop
    // behind, which ends the first run before anything new came.
    std::string next_diff() {
        const size_t before = messages_.size();
        while (messages_.size() == before && !timed_out_) EXPECT_TRUE(loop_->run().ok());
        return messages_.size() > before ? messages_.back() : std::string("(none)");
    }
    std::string diff(uint64_t gen, const std::string& upsert, const std::string& remove) {
        return "{\"type\":\"diff\",\"epoch\":5,\"gen\":" + std::to_string(gen) + ",\"base\":" +
               std::to_string(gen - 1) + ",\"upsert\":[" + upsert + "],\"remove\":[" + remove + "]}";
    }
    std::string registry() const { return dir_ / "servers.json"; }

    TempDir dir_;
    std::optional<loop::EventLoop> loop_;
    bool timed_out_ = false;
    std::optional<app::LiveRegistry> live_;
    std::unique_ptr<app::FileSource> source_;
    std::vector<std::string> messages_;
    std::vector<pid_t> children_;
};

TEST_F(FileSourceTest, ReadsTheFileAtStartAndEveryReplacement) {
    replace_file(registry(), file_of({entry("me", ::getpid())}));
    start();
    EXPECT_EQ(live_->log().gen(), 1u);  // read at once, before any event
    EXPECT_EQ(live_->log().snapshot_message(),
              "{\"type\":\"snapshot\",\"epoch\":5,\"gen\":1,\"heartbeatMs\":0,\"servers\":[" + compact("me", ::getpid()) + "]}");
    replace_file(registry(), file_of({entry("me", ::getpid()), entry("me-too", ::getpid())}));
    EXPECT_EQ(next_diff(), diff(2, compact("me-too", ::getpid()), ""));
    replace_file(registry(), file_of({}));
    EXPECT_EQ(next_diff(), diff(3, "", "\"me\",\"me-too\""));
    EXPECT_EQ(live_->body(), "[]\n");
}

TEST_F(FileSourceTest, AKilledProcessLeavesAtOnceWhileTheFileStillHoldsIt) {
    start();
    pid_t child = start_child();
    ASSERT_GT(child, 0);
    children_.push_back(child);
    const std::string text = file_of({entry("me", ::getpid()), entry("child", child)});
    replace_file(registry(), text);
    EXPECT_EQ(next_diff(), diff(1, compact("me", ::getpid()) + "," + compact("child", child), ""));
    EXPECT_EQ(source_->exits_watched(), 2u);
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    // Not reaped yet: the exit alone tells (a zombie is not live).
    EXPECT_EQ(next_diff(), diff(2, "", "\"child\""));
    EXPECT_EQ(support::slurp(registry()), text);  // nobody touched the file
    EXPECT_EQ(source_->exits_watched(), 1u);
}

TEST_F(FileSourceTest, PidsThatLeftTheFileAreNoLongerWatched) {
    pid_t child = start_child();
    ASSERT_GT(child, 0);
    children_.push_back(child);
    replace_file(registry(), file_of({entry("child", child)}));
    start();
    EXPECT_EQ(source_->exits_watched(), 1u);
    replace_file(registry(), file_of({entry("me", ::getpid())}));
    EXPECT_EQ(next_diff(), diff(2, compact("me", ::getpid()), "\"child\""));
    EXPECT_EQ(source_->exits_watched(), 1u);  // the test's own pid only
}

TEST_F(FileSourceTest, OtherFilesInTheFolderAreNotReads) {
    start();
    support::spit(dir_ / "servers.json.lock", "");
    support::spit(dir_ / "notes.txt", "x");
    replace_file(registry(), file_of({entry("me", ::getpid())}));
    EXPECT_EQ(next_diff(), diff(1, compact("me", ::getpid()), ""));
    EXPECT_EQ(messages_.size(), 1u);
}

// A change the folder watch cannot see (the file rewritten through a hard
// link in another folder) shows at the periodic rescan.
TEST_F(FileSourceTest, TheRescanSeesWhatTheWatchMissed) {
    TempDir elsewhere;
    support::spit(elsewhere / "real.json", file_of({}));
    ASSERT_EQ(::link((elsewhere / "real.json").c_str(), registry().c_str()), 0);
    start(20);
    support::spit(elsewhere / "real.json", file_of({entry("me", ::getpid())}));  // in place, same inode
    EXPECT_EQ(next_diff(), diff(1, compact("me", ::getpid()), ""));
}

TEST_F(FileSourceTest, ACorruptFileIsAnErrorUntilItIsRepaired) {
    replace_file(registry(), "{\"servers\": [}\n");
    start();
    EXPECT_NE(live_->error().find(registry() + " line 1, column 14: "), std::string::npos) << live_->error();
    replace_file(registry(), file_of({entry("me", ::getpid())}));
    EXPECT_EQ(next_diff(), diff(1, compact("me", ::getpid()), ""));
    EXPECT_EQ(live_->error(), "");
}

TEST_F(FileSourceTest, SyncHandlesWhatTheKernelReportedBeforeTheLoopDoes) {
    start();
    replace_file(registry(), file_of({entry("me", ::getpid())}));
    live_->sync();  // what a GET /api/registry does first
    EXPECT_EQ(live_->log().gen(), 1u);
    ASSERT_EQ(messages_.size(), 1u);
}

}  // namespace
