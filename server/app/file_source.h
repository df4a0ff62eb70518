// The registry file as a source of the live set: registry-http learns of
// every change at once, and never writes the file. It watches the file's
// folder (loop::Watcher: inotify, kqueue) and re-reads the file when an
// event names it (or on a rescan event); it watches the process of every live
// entry, and when one exits its entries leave the live set at once, without
// waiting for anyone to touch the file (a kill -9'd server never
// unregisters). A rescan every 2 s is the backstop (a kernel that cannot
// watch processes, a folder replaced behind the watch). What it reads it
// hands to LiveRegistry::publish(); a file it cannot read is
// LiveRegistry::set_error() (and read again before the next GET
// /api/registry, through LiveRegistry::sync()), except when descriptors ran
// out: then the set stays as it was until a read succeeds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/live_registry.h"
#include "base/result.h"
#include "json/value.h"
#include "loop/event_loop.h"
#include "loop/watcher.h"
#include "registry/store.h"

namespace app {

class FileSource final : public loop::Handler {
public:
    static constexpr int64_t kRescanMs = 2'000;

    // Reads the file once (publishing it), then watches. Errors: the watch
    // cannot be set up (out of inotify instances or descriptors).
    static Result<std::unique_ptr<FileSource>> start(loop::EventLoop& loop, std::string path, LiveRegistry& live,
                                                     int64_t rescan_ms = kRescanMs);
    struct Key {  // only start() makes one
    private:
        friend class FileSource;
        Key() = default;
    };
    FileSource(Key, loop::EventLoop& loop, std::string path, LiveRegistry& live, loop::Watcher watcher);
    ~FileSource() override;
    FileSource(const FileSource&) = delete;
    FileSource& operator=(const FileSource&) = delete;

    const std::string& path() const { return store_.path(); }
    // Handles what the kernel has reported so far, now (and re-reads the file
    // if the last read failed). LiveRegistry::sync() calls it.
    void sync() noexcept;
    // Reads the file whole and publishes its live entries.
    void rescan() noexcept;
    size_t exits_watched() const { return watcher_.exits_watched(); }

    void on_event(const loop::Event& event) noexcept override;

private:
    void handle_events() noexcept;
    void on_exit(int64_t pid) noexcept;
    // Watches the exit of every pid in entries_, forgets those that left.
    void watch_exits() noexcept;
    void publish() noexcept;

    loop::EventLoop& loop_;
    registry::Store store_;
    std::string file_name_;  // the registry's name inside its folder
    LiveRegistry& live_;
    loop::Watcher watcher_;
    std::vector<json::Value> entries_;  // the live entries published last
    std::vector<int64_t> pids_;         // whose exits are watched
    bool failed_ = false;               // the last read was an error
    loop::TimerId rescan_timer_ = 0;
};

}  // namespace app
