// The parts of the Watcher that do not depend on the kernel.
#include <sys/stat.h>

#include <algorithm>

#include "loop/watcher.h"

namespace loop {

namespace {
std::string without_trailing_slashes(const std::string& path) {
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    return trimmed;
}
}  // namespace

std::string parent_folder(const std::string& path) {
    const std::string trimmed = without_trailing_slashes(path);
    const size_t slash = trimmed.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return trimmed.substr(0, slash);
}

std::string last_component(const std::string& path) {
    const std::string trimmed = without_trailing_slashes(path);
    const size_t slash = trimmed.rfind('/');
    return slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
}

void Watcher::add_entry(std::string name) noexcept {
    for (const WatchEvent& seen : events_)
        if (seen.kind == WatchEvent::Kind::entry && seen.name == name) return;
    events_.push_back(WatchEvent{WatchEvent::Kind::entry, std::move(name), 0});
}

void Watcher::add_rescan() noexcept {
    for (const WatchEvent& seen : events_)
        if (seen.kind == WatchEvent::Kind::rescan) return;
    events_.push_back(WatchEvent{WatchEvent::Kind::rescan, {}, 0});
}

bool Watcher::recheck() noexcept {
    struct stat now {};
    const bool same = ::stat(folder_.c_str(), &now) == 0 && S_ISDIR(now.st_mode) &&
                      static_cast<uint64_t>(now.st_dev) == folder_device_ &&
                      static_cast<uint64_t>(now.st_ino) == folder_inode_;
    if (armed() && same) return false;
    const bool was_armed = armed();
    return arm() || was_armed;
}

void Watcher::remember_folder() noexcept {
    struct stat now {};
    if (::stat(folder_.c_str(), &now) != 0) now = {};
    folder_device_ = static_cast<uint64_t>(now.st_dev);
    folder_inode_ = static_cast<uint64_t>(now.st_ino);
}

Watcher::Pid* Watcher::find_pid(int64_t pid) noexcept {
    for (Pid& watched : pids_)
        if (watched.pid == pid) return &watched;
    return nullptr;
}

void Watcher::drop_pid(int64_t pid) noexcept {
    std::erase_if(pids_, [pid](const Pid& watched) { return watched.pid == pid; });
}

}  // namespace loop
