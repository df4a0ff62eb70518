// Command-line flags for both programs: `--name value` or `--name=value`,
// typed, with defaults shown by --help. A bad flag is a clear one-line error.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace app {

class Flags {
public:
    void add_string(std::string_view name, std::string_view help, std::string* target);
    // A string that must not be empty ("--registry ''" is a mistake, not the default).
    void add_path(std::string_view name, std::string_view help, std::string* target);
    // A numeric IPv4 or IPv6 address, or "localhost".
    void add_address(std::string_view name, std::string_view help, std::string* target);
    // A name others reach this machine by: a DNS name (letters, digits, '-'
    // and '.') or a numeric IPv4 or IPv6 address (IPv6 without brackets).
    void add_host_name(std::string_view name, std::string_view help, std::string* target);
    void add_list(std::string_view name, std::string_view help, std::vector<std::string>* target);
    void add_bool(std::string_view name, std::string_view help, bool* target);
    // Integers in [min, max].
    void add_uint(std::string_view name, std::string_view help, uint64_t* target, uint64_t min, uint64_t max);
    // Byte sizes, whole numbers: "1048576", "512B", "64KiB", "16MiB", "1GiB".
    void add_size(std::string_view name, std::string_view help, uint64_t* target, uint64_t min, uint64_t max);
    // Durations in milliseconds: "250ms", "30s", "2m"; a bare number is seconds.
    void add_duration(std::string_view name, std::string_view help, int64_t* target, int64_t min_ms);
    // Arguments that are not flags go to *target instead of being an error.
    // After "--" every argument is one; with stop_at_first, so is everything
    // after the first (a command line to run, as env(1) takes it).
    void add_positionals(std::vector<std::string>* target, bool stop_at_first = false) {
        positionals_ = target;
        stop_at_first_ = stop_at_first;
    }

    enum class Outcome { run, help, version, bad };
    // On `bad`, *error says which flag and why, e.g. "--port: 'x' is not a number".
    Outcome parse(int argc, char** argv, std::string* error) const;
    std::string usage(std::string_view synopsis) const;

private:
    struct Flag {
        std::string name;       // without "--"
        std::string help;
        std::string shown;      // the default, as --help shows it
        bool takes_value = true;
        std::function<std::string(std::string_view)> set;  // returns an error, or ""
        std::string_view metavar = "VALUE";                // what --help shows after the name
    };
    void add(Flag flag) { flags_.push_back(std::move(flag)); }
    std::vector<Flag> flags_;
    std::vector<std::string>* positionals_ = nullptr;
    bool stop_at_first_ = false;
};

std::string format_duration(int64_t ms);
std::string format_size(uint64_t bytes);  // "16MiB", "1GiB", "1000"

}  // namespace app
