#include "app/flags.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <limits>

namespace app {

namespace {

bool parse_number(std::string_view text, uint64_t* out, std::string_view* rest) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, *out);
    if (ec != std::errc() || ptr == text.data()) return false;
    *rest = std::string_view(ptr, end - ptr);
    return true;
}

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string range_error(std::string_view text, uint64_t min, uint64_t max) {
    return quoted(text) + " is outside " + std::to_string(min) + ".." + std::to_string(max);
}

uint64_t unit_scale(std::string_view unit) {
    if (unit.empty() || unit == "B") return 1;
    if (unit == "KiB") return 1u << 10;
    if (unit == "MiB") return 1u << 20;
    if (unit == "GiB") return 1u << 30;
    return 0;
}

// "1.5MiB": what it is in whole bytes (1572864 = 1536KiB), if it is whole.
std::string fraction_error(std::string_view text, uint64_t whole, std::string_view rest) {
    size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    const std::string_view fraction = rest.substr(1, digits - 1);
    const uint64_t scale = unit_scale(rest.substr(digits));
    std::string error = quoted(text) + ": sizes are whole numbers";
    if (fraction.empty() || fraction.size() > 9 || scale == 0 || whole > (uint64_t{1} << 33)) return error;
    uint64_t numerator = 0, denominator = 1;  // below 10^9 each: no product passes 2^64
    for (char c : fraction) {
        numerator = numerator * 10 + static_cast<uint64_t>(c - '0');
        denominator *= 10;
    }
    if (numerator * scale % denominator != 0) return error + ", and " + std::string(text) + " is no whole number of bytes";
    return error + ": write " + format_size(whole * scale + numerator * scale / denominator);
}

}  // namespace

std::string format_duration(int64_t ms) {
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

std::string format_size(uint64_t bytes) {
    if (bytes >= (1u << 30) && bytes % (1u << 30) == 0) return std::to_string(bytes >> 30) + "GiB";
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + "MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes >> 10) + "KiB";
    return std::to_string(bytes);
}

void Flags::add_string(std::string_view name, std::string_view help, std::string* target) {
    add({std::string(name), std::string(help), *target, true, [target](std::string_view v) {
             *target = std::string(v);
             return std::string();
         }});
}

void Flags::add_path(std::string_view name, std::string_view help, std::string* target) {
    add({std::string(name), std::string(help), *target, true,
         [target](std::string_view v) -> std::string {
             if (v.empty()) return "the value is empty (leave the flag out for the default)";
             *target = std::string(v);
             return {};
         },
         "PATH"});
}

void Flags::add_address(std::string_view name, std::string_view help, std::string* target) {
    add({std::string(name), std::string(help), *target, true,
         [target](std::string_view v) -> std::string {
             const std::string text(v);
             in6_addr scratch{};
             if (text != "localhost" && ::inet_pton(AF_INET, text.c_str(), &scratch) != 1 &&
                 ::inet_pton(AF_INET6, text.c_str(), &scratch) != 1) {
                 return quoted(v) + " is not a numeric IPv4 or IPv6 address, nor localhost";
             }
             *target = text;
             return {};
         },
         "ADDR"});
}

void Flags::add_host_name(std::string_view name, std::string_view help, std::string* target) {
    add({std::string(name), std::string(help), *target, true,
         [target](std::string_view v) -> std::string {
             const std::string text(v);
             in6_addr scratch{};
             const bool numeric = ::inet_pton(AF_INET6, text.c_str(), &scratch) == 1;
             bool dns = !v.empty() && v.size() <= 253 && v.front() != '-' && v.front() != '.';
             for (char c : v)
                 dns = dns && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                               c == '-' || c == '.');
             if (!numeric && !dns)
                 return quoted(v) + " is not a host name (letters, digits, '-', '.') nor a numeric address";
             *target = text;
             return {};
         },
         "HOST"});
}

void Flags::add_list(std::string_view name, std::string_view help, std::vector<std::string>* target) {
    add({std::string(name), std::string(help), "", true, [target](std::string_view v) {
             target->emplace_back(v);
             return std::string();
         }});
}

void Flags::add_bool(std::string_view name, std::string_view help, bool* target) {
    add({std::string(name), std::string(help), "", false, [target](std::string_view) {
             *target = true;
             return std::string();
         }});
}

void Flags::add_uint(std::string_view name, std::string_view help, uint64_t* target, uint64_t min, uint64_t max) {
    add({std::string(name), std::string(help), std::to_string(*target), true,
         [=](std::string_view v) -> std::string {
             uint64_t n = 0;
             std::string_view rest;
             if (!parse_number(v, &n, &rest) || !rest.empty()) return quoted(v) + " is not a number";
             if (n < min || n > max) return range_error(v, min, max);
             *target = n;
             return {};
         },
         "N"});
}

void Flags::add_size(std::string_view name, std::string_view help, uint64_t* target, uint64_t min, uint64_t max) {
    add({std::string(name), std::string(help), format_size(*target), true,
         [=](std::string_view v) -> std::string {
             uint64_t n = 0;
             std::string_view unit;
             if (!parse_number(v, &n, &unit)) return quoted(v) + " is not a size";
             if (unit.starts_with('.') || unit.starts_with(',')) return fraction_error(v, n, unit);
             const uint64_t scale = unit_scale(unit);
             if (scale == 0) return quoted(v) + ": the unit must be B, KiB, MiB or GiB";
             if (n > max / scale) return quoted(v) + " is more than the maximum, " + format_size(max);
             if (n * scale < min) return quoted(v) + " is less than the minimum, " + format_size(min);
             *target = n * scale;
             return {};
         },
         "SIZE"});
}

void Flags::add_duration(std::string_view name, std::string_view help, int64_t* target, int64_t min_ms) {
    add({std::string(name), std::string(help), format_duration(*target), true,
         [=](std::string_view v) -> std::string {
             uint64_t n = 0;
             std::string_view unit;
             if (!parse_number(v, &n, &unit)) return "'" + std::string(v) + "' is not a duration";
             uint64_t scale = unit == "ms" ? 1 : unit.empty() || unit == "s" ? 1000 : unit == "m" ? 60'000 : 0;
             if (scale == 0) return "'" + std::string(v) + "': the unit must be ms, s or m";
             if (n > 86'400'000 / scale) return "'" + std::string(v) + "' is longer than a day";
             if (static_cast<int64_t>(n * scale) < min_ms)
                 return "'" + std::string(v) + "' is shorter than " + format_duration(min_ms);
             *target = static_cast<int64_t>(n * scale);
             return {};
         },
         "DURATION"});
}

Flags::Outcome Flags::parse(int argc, char** argv, std::string* error) const {
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (positionals_ && (arg == "--" || (stop_at_first_ && arg.substr(0, 2) != "--"))) {
            positionals_->insert(positionals_->end(), argv + i + (arg == "--" ? 1 : 0), argv + argc);
            return Outcome::run;
        }
        if (arg == "--help" || arg == "-h") return Outcome::help;
        if (arg == "--version") return Outcome::version;
        if (positionals_ && arg.substr(0, 2) != "--") {
            positionals_->emplace_back(arg);
            continue;
        }
        if (arg.substr(0, 2) != "--") {
            *error = "unexpected argument '" + std::string(arg) + "'";
            return Outcome::bad;
        }
        std::string_view name = arg.substr(2), value;
        bool inline_value = false;
        if (size_t eq = name.find('='); eq != std::string_view::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
            inline_value = true;
        }
        const Flag* flag = nullptr;
        for (const Flag& f : flags_)
            if (f.name == name) flag = &f;
        if (!flag) {
            *error = "unknown flag --" + std::string(name);
            return Outcome::bad;
        }
        if (flag->takes_value && !inline_value) {
            if (i + 1 >= argc) {
                *error = "--" + flag->name + " needs a value";
                return Outcome::bad;
            }
            value = argv[++i];
        } else if (!flag->takes_value && inline_value) {
            *error = "--" + flag->name + " takes no value";
            return Outcome::bad;
        }
        if (std::string problem = flag->set(value); !problem.empty()) {
            *error = "--" + flag->name + ": " + problem;
            return Outcome::bad;
        }
    }
    return Outcome::run;
}

std::string Flags::usage(std::string_view synopsis) const {
    std::string out(synopsis);
    out += "\n\nFlags:\n";
    for (const Flag& f : flags_) {
        std::string left = "  --" + f.name + (f.takes_value ? " " + std::string(f.metavar) : "");
        if (left.size() < 28) left.resize(28, ' ');
        else left += "\n" + std::string(28, ' ');
        out += left + f.help;
        if (!f.shown.empty()) out += " (default " + f.shown + ")";
        out += "\n";
    }
    out += "  --help                    this text\n  --version                 the version\n";
    auto any = [this](std::string_view metavar) {
        for (const Flag& f : flags_)
            if (f.metavar == metavar) return true;
        return false;
    };
    if (any("SIZE") || any("DURATION")) out += "\n";
    if (any("SIZE")) out += "SIZE: a whole number of bytes, or of B, KiB, MiB or GiB (64KiB, 16MiB, 1GiB).\n";
    if (any("DURATION")) out += "DURATION: a whole number of ms, s or m (250ms, 30s, 2m); a bare number is seconds.\n";
    return out;
}

}  // namespace app
