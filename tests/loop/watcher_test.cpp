// The Watcher contract, on whichever backend this platform compiles. Every
// change is made before the watcher is asked, so the kernel has queued all its
// events by then: "exactly once" is checked by reading until the fd is quiet.
// kqueue does not name folder entries: there the expected names become ""
// (and so one event per read), see expect().
#include "loop/watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "loop/event_loop.h"

namespace {

using Kind = loop::WatchEvent::Kind;

struct TempDir {
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "watcher-XXXXXX").string();
        EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
        path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
    std::string path;
};

loop::Watcher make_watcher(const std::string& folder) {
    auto watcher = loop::Watcher::create(folder);
    EXPECT_TRUE(watcher.ok()) << watcher.error().message;
    return std::move(watcher.value());
}

bool readable(int fd, int timeout_ms) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, timeout_ms) == 1;
}

// Everything queued: waits (bounded) for the first event, then reads until
// the fd stays quiet. The same event twice would show up here. Tests never
// expect nothing: they end with a change to wait for instead of a sleep.
std::vector<loop::WatchEvent> drain(loop::Watcher& watcher) {
    std::vector<loop::WatchEvent> all;
    for (int round = 0; round < 10 && readable(watcher.fd(), all.empty() ? 5000 : 0); ++round) {
        auto events = watcher.read();
        EXPECT_TRUE(events.ok()) << events.error().message;
        if (!events.ok()) break;
        all.insert(all.end(), events.value().begin(), events.value().end());
    }
    return all;
}

std::string describe(const std::vector<loop::WatchEvent>& events) {
    std::string text;
    for (const auto& event : events) {
        text += event.kind == Kind::entry ? "entry:" + event.name
                : event.kind == Kind::rescan ? std::string("rescan")
                                             : "exit:" + std::to_string(event.pid);
        text += ' ';
    }
    return text;
}

// The events the backend gives for these: "entry:NAME", "rescan", "exit:PID".
std::string expect(const std::vector<std::string>& events) {
    std::vector<loop::WatchEvent> parsed;
    for (const std::string& event : events) {
        if (event.starts_with("entry:")) {
            std::string name = loop::Watcher::names_entries() ? event.substr(6) : "";
            bool seen = false;
            for (const auto& earlier : parsed) seen |= earlier.kind == Kind::entry && earlier.name == name;
            if (!seen) parsed.push_back({Kind::entry, name, 0});
        } else if (event == "rescan") {
            parsed.push_back({Kind::rescan, {}, 0});
        } else {
            parsed.push_back({Kind::exit, {}, std::stoll(event.substr(5))});
        }
    }
    return describe(parsed);
}

void write_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << path;
    ASSERT_EQ(::write(fd, "{}\n", 3), 3);
    ::close(fd);
}

TEST(Watcher, QuietFolderHasNoEvents) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    EXPECT_TRUE(watcher.armed());
    EXPECT_FALSE(readable(watcher.fd(), 0));
    auto events = watcher.read();
    ASSERT_TRUE(events.ok());
    EXPECT_TRUE(events.value().empty());
}

TEST(Watcher, RenameIntoTheFolderIsOneEvent) {
    TempDir outside, dir;
    write_file(outside / "servers.json.tmp");
    auto watcher = make_watcher(dir.path);
    ASSERT_EQ(::rename((outside / "servers.json.tmp").c_str(), (dir / "servers.json").c_str()), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

TEST(Watcher, UnlinkIsOneEvent) {
    TempDir dir;
    write_file(dir / "servers.json");
    auto watcher = make_watcher(dir.path);
    ASSERT_EQ(::unlink((dir / "servers.json").c_str()), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

TEST(Watcher, RenameOutOfTheFolderIsOneEvent) {
    TempDir outside, dir;
    write_file(dir / "servers.json");
    auto watcher = make_watcher(dir.path);
    ASSERT_EQ(::rename((dir / "servers.json").c_str(), (outside / "servers.json").c_str()), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

TEST(Watcher, CreateWriteAndCloseIsOneEvent) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    write_file(dir / "servers.json");  // IN_CREATE and IN_CLOSE_WRITE, one read
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

TEST(Watcher, TheWritersReplaceIsOneEventPerName) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    write_file(dir / "servers.json.lock");
    write_file(dir / "servers.json.abc123");
    ASSERT_EQ(::rename((dir / "servers.json.abc123").c_str(), (dir / "servers.json").c_str()), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json.lock", "entry:servers.json.abc123", "entry:servers.json"}));
}

TEST(Watcher, ChangesAfterAReadComeAgain) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    write_file(dir / "a");
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:a"}));
    ASSERT_EQ(::unlink((dir / "a").c_str()), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:a"}));
}

TEST(Watcher, FolderRenamedAwayAndRecreatedIsWatchedAgain) {
    TempDir parent;
    const std::string folder = parent / "registry";
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
    auto watcher = make_watcher(folder);
    ASSERT_TRUE(watcher.armed());

    ASSERT_EQ(::rename(folder.c_str(), (parent / "old").c_str()), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"rescan"}));
    EXPECT_FALSE(watcher.armed());
    write_file(parent / "old/servers.json");  // the old folder is no longer watched: no entry event
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"rescan"}));
    EXPECT_TRUE(watcher.armed());
    write_file(folder + "/servers.json");
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

TEST(Watcher, FolderRemovedAndRecreatedIsWatchedAgain) {
    TempDir parent;
    const std::string folder = parent / "registry";
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
    auto watcher = make_watcher(folder);
    ASSERT_EQ(::rmdir(folder.c_str()), 0);
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);  // before the watcher looks: re-armed at once
    EXPECT_EQ(describe(drain(watcher)), expect({"rescan"}));
    EXPECT_TRUE(watcher.armed());
    write_file(folder + "/servers.json");
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

TEST(Watcher, MissingFolderIsWatchedOnceItAppears) {
    TempDir parent;
    const std::string folder = parent / "registry";
    auto watcher = make_watcher(folder);
    EXPECT_FALSE(watcher.armed());
    write_file(parent / "unrelated");  // no event: only the folder's own name counts
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
    EXPECT_EQ(describe(drain(watcher)), expect({"rescan"}));
    write_file(folder + "/servers.json");
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

TEST(Watcher, RecheckFollowsAFolderReplacedBehindItsBack) {
    TempDir parent;
    const std::string folder = parent / "registry";
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
    auto watcher = make_watcher(folder);
    EXPECT_FALSE(watcher.recheck());
    ASSERT_EQ(::rename(folder.c_str(), (parent / "old").c_str()), 0);
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
    EXPECT_TRUE(watcher.recheck());  // before the queued events are read
    EXPECT_FALSE(watcher.recheck());
    write_file(folder + "/servers.json");
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:servers.json"}));
}

// A child that waits until `release` is closed, then exits.
struct Child {
    Child() {
        int fds[2];
        EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
        pid = ::fork();
        if (pid == 0) {
            ::close(fds[1]);
            char c;
            [[maybe_unused]] ssize_t n = ::read(fds[0], &c, 1);
            ::_exit(0);
        }
        ::close(fds[0]);
        release = fds[1];
    }
    void let_go() {
        if (release >= 0) ::close(release);
        release = -1;
    }
    void reap() {
        let_go();
        if (pid > 0) ::waitpid(pid, nullptr, 0);
        pid = -1;
    }
    ~Child() { reap(); }
    pid_t pid = -1;
    int release = -1;
};

TEST(Watcher, ProcessExitIsOneEvent) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    Child child;
    auto watched = watcher.watch_exit(child.pid);
    ASSERT_TRUE(watched.ok()) << watched.error().message;
    ASSERT_EQ(watched.value(), loop::ExitWatch::watching);
    EXPECT_EQ(watcher.watch_exit(child.pid).value(), loop::ExitWatch::watching);  // still one watch
    EXPECT_EQ(watcher.exits_watched(), 1u);
    EXPECT_FALSE(readable(watcher.fd(), 0));
    child.let_go();  // exits, not reaped yet: a zombie is an exit too
    EXPECT_EQ(describe(drain(watcher)), expect({"exit:" + std::to_string(child.pid)}));
    EXPECT_EQ(watcher.exits_watched(), 0u);
    child.reap();
    write_file(dir / "marker");  // something to wait for instead of a sleep: no second exit
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:marker"}));
}

TEST(Watcher, ReapedProcessIsGone) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    Child child;
    const pid_t pid = child.pid;
    child.reap();
    auto watched = watcher.watch_exit(pid);
    ASSERT_TRUE(watched.ok());
    EXPECT_EQ(watched.value(), loop::ExitWatch::gone);
    EXPECT_EQ(watcher.exits_watched(), 0u);
}

TEST(Watcher, ForgottenProcessGivesNoEvent) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    Child child;
    ASSERT_EQ(watcher.watch_exit(child.pid).value(), loop::ExitWatch::watching);
    watcher.forget_exit(child.pid);
    child.reap();
    write_file(dir / "marker");  // something to wait for instead of a sleep
    EXPECT_EQ(describe(drain(watcher)), expect({"entry:marker"}));
}

TEST(Watcher, PidOutOfRangeIsAnError) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    auto watched = watcher.watch_exit(0);
    ASSERT_FALSE(watched.ok());
    EXPECT_EQ(watched.error().message, "watch_exit: pid 0 out of range");
    EXPECT_FALSE(watcher.watch_exit(int64_t{1} << 40).ok());
}

struct Collector final : loop::Handler {
    void on_event(const loop::Event&) noexcept override {
        auto events = watcher->read();
        if (!events.ok()) return loop->stop();
        for (const auto& event : events.value()) seen.push_back(event);
        if (!seen.empty()) loop->stop();
    }
    loop::EventLoop* loop = nullptr;
    loop::Watcher* watcher = nullptr;
    std::vector<loop::WatchEvent> seen;
};

TEST(Watcher, RunsOnTheEventLoop) {
    TempDir dir;
    auto watcher = make_watcher(dir.path);
    auto loop = loop::EventLoop::create();
    ASSERT_TRUE(loop.ok());
    Collector collector;
    collector.loop = &loop.value();
    collector.watcher = &watcher;
    ASSERT_TRUE(loop.value().watch(watcher.fd(), loop::kReadable, &collector).ok());
    write_file(dir / "servers.json");
    ASSERT_TRUE(loop.value().run().ok());
    EXPECT_EQ(describe(collector.seen), expect({"entry:servers.json"}));
    loop.value().forget(watcher.fd());
}

TEST(Watcher, PathParts) {
    EXPECT_EQ(loop::parent_folder("/a/b"), "/a");
    EXPECT_EQ(loop::parent_folder("/a/b/"), "/a");
    EXPECT_EQ(loop::parent_folder("/b"), "/");
    EXPECT_EQ(loop::parent_folder("b"), ".");
    EXPECT_EQ(loop::last_component("/a/b/"), "b");
    EXPECT_EQ(loop::last_component("b"), "b");
}

}  // namespace
