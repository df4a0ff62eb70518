#include "app/file_source.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/log.h"

namespace app {

namespace {
int64_t pid_of(const json::Value& entry) {
    const json::Value* pid = entry.find("pid");
    return pid && pid->as_int() ? *pid->as_int() : 0;
}
}  // namespace

Result<std::unique_ptr<FileSource>> FileSource::start(loop::EventLoop& loop, std::string path, LiveRegistry& live,
                                                      int64_t rescan_ms) {
    auto watcher = loop::Watcher::create(loop::parent_folder(path));
    if (!watcher.ok()) return Error{"watching the folder of " + path + ": " + watcher.error().message};
    auto source = std::make_unique<FileSource>(Key{}, loop, std::move(path), live, std::move(watcher.value()));
    if (Status st = loop.watch(source->watcher_.fd(), loop::kReadable, source.get()); !st.ok()) return st.error();
    source->rescan();
    FileSource* self = source.get();
    source->rescan_timer_ = loop.every(rescan_ms, [self] {
        self->watcher_.recheck();  // re-arms on a folder replaced behind the watch
        self->rescan();
    });
    live.set_sync([self] { self->sync(); });
    return source;
}

FileSource::FileSource(Key, loop::EventLoop& loop, std::string path, LiveRegistry& live, loop::Watcher watcher)
    : loop_(loop), store_(std::move(path)), file_name_(loop::last_component(store_.path())), live_(live),
      watcher_(std::move(watcher)) {}

FileSource::~FileSource() {
    loop_.cancel(rescan_timer_);
    loop_.forget(watcher_.fd());
    live_.set_sync(nullptr);
}

void FileSource::on_event(const loop::Event&) noexcept { handle_events(); }

void FileSource::sync() noexcept {
    handle_events();
    if (failed_) rescan();
}

void FileSource::handle_events() noexcept {
    auto events = watcher_.read();
    if (!events.ok()) {
        base::warn("watching " + store_.path() + ": " + events.error().message + "; rescanning");
        return rescan();
    }
    bool reread = false;
    std::vector<int64_t> exited;
    for (const loop::WatchEvent& event : events.value()) {
        switch (event.kind) {
        case loop::WatchEvent::Kind::entry:
            // kqueue does not name the entry: any change may be ours.
            if (event.name.empty() || event.name == file_name_) reread = true;
            break;
        case loop::WatchEvent::Kind::rescan:
            reread = true;
            break;
        case loop::WatchEvent::Kind::exit:
            exited.push_back(event.pid);
            break;
        }
    }
    if (reread) return rescan();  // what the file says now, without the processes gone
    for (int64_t pid : exited) on_exit(pid);
}

void FileSource::on_exit(int64_t pid) noexcept {
    std::erase(pids_, pid);  // the watch is gone with its event
    const size_t before = entries_.size();
    std::erase_if(entries_, [pid](const json::Value& entry) { return pid_of(entry) == pid; });
    if (entries_.size() != before) publish();
}

void FileSource::rescan() noexcept {
    auto entries = registry::live_entries(store_);
    if (!entries.ok()) {
        failed_ = true;  // read again at the next sync() or rescan
        const std::string& message = entries.error().message;
        // Out of descriptors says nothing about the file: the set stays as it was.
        if (message.find(std::strerror(EMFILE)) != std::string::npos ||
            message.find(std::strerror(ENFILE)) != std::string::npos)
            return;
        live_.set_error(message);
        return;
    }
    failed_ = false;
    entries_ = std::move(entries.value());
    watch_exits();
    publish();
}

void FileSource::watch_exits() noexcept {
    std::vector<int64_t> wanted;
    for (const json::Value& entry : entries_)
        if (int64_t pid = pid_of(entry); pid > 0) wanted.push_back(pid);
    for (int64_t pid : pids_)
        if (std::find(wanted.begin(), wanted.end(), pid) == wanted.end()) watcher_.forget_exit(pid);
    pids_.clear();
    std::vector<int64_t> gone;
    for (int64_t pid : wanted) {
        if (std::find(pids_.begin(), pids_.end(), pid) != pids_.end()) continue;
        auto watch = watcher_.watch_exit(pid);
        if (!watch.ok()) {
            base::warn("watching process " + std::to_string(pid) + ": " + watch.error().message +
                       "; relying on the rescan");
            continue;
        }
        if (watch.value() == loop::ExitWatch::watching) pids_.push_back(pid);
        else if (watch.value() == loop::ExitWatch::gone) gone.push_back(pid);
        // unsupported: the rescan notices the exit
    }
    for (int64_t pid : gone)
        std::erase_if(entries_, [pid](const json::Value& entry) { return pid_of(entry) == pid; });
}

void FileSource::publish() noexcept { live_.publish(entries_); }

}  // namespace app
