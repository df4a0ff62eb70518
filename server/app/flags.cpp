#include "app/flags.h"

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

std::string range_error(std::string_view text, uint64_t min, uint64_t max) {
    return "'" + std::string(text) + "' is outside " + std::to_string(min) + ".." + std::to_string(max);
}

}  // namespace

std::string format_duration(int64_t ms) {
    if (ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
    return std::to_string(ms) + "ms";
}

std::string format_size(uint64_t bytes) {
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
             if (!parse_number(v, &n, &rest) || !rest.empty()) return "'" + std::string(v) + "' is not a number";
             if (n < min || n > max) return range_error(v, min, max);
             *target = n;
             return {};
         }});
}

void Flags::add_size(std::string_view name, std::string_view help, uint64_t* target, uint64_t min, uint64_t max) {
    add({std::string(name), std::string(help), format_size(*target), true,
         [=](std::string_view v) -> std::string {
             uint64_t n = 0;
             std::string_view unit;
             if (!parse_number(v, &n, &unit)) return "'" + std::string(v) + "' is not a size";
             uint64_t scale = unit.empty() || unit == "B" ? 1 : unit == "KiB" ? 1024 : unit == "MiB" ? 1u << 20 : 0;
             if (scale == 0) return "'" + std::string(v) + "': the unit must be B, KiB or MiB";
             if (n > max / scale || n * scale < min) return range_error(v, min, max) + " bytes";
             *target = n * scale;
             return {};
         }});
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
         }});
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
        std::string left = "  --" + f.name + (f.takes_value ? " VALUE" : "");
        if (left.size() < 28) left.resize(28, ' ');
        else left += "\n" + std::string(28, ' ');
        out += left + f.help;
        if (!f.shown.empty()) out += " (default " + f.shown + ")";
        out += "\n";
    }
    out += "  --help                    this text\n  --version                 the version\n";
    return out;
}

}  // namespace app
