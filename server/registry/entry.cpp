#include "registry/entry.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <cstdio>
#include <random>

namespace registry {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

// Days since 1970-01-01 <-> civil date, H. Hinnant's algorithms: exact for
// every date, no time zone database, no locale.
int64_t days_from_civil(int64_t year, int month, int day) {
    year -= month <= 2;
    const int64_t era = (year >= 0 ? year : year - 399) / 400;
    const int64_t year_of_era = year - era * 400;
    const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

struct Civil {
    int64_t year;
    int month;
    int day;
};

Civil civil_from_days(int64_t days) {
    days += 719468;
    const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const int64_t day_of_era = days - era * 146097;
    const int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const int64_t month_index = (5 * day_of_year + 2) / 153;  // March = 0
    const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
    const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
    return {year_of_era + era * 400 + (month <= 2), month, day};
}

int days_in_month(int64_t year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads `count` digits at `pos`; false if any is not a digit.
bool read_digits(std::string_view text, size_t pos, size_t count, int& value) {
    if (pos + count > text.size()) return false;
    value = 0;
    for (size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

// The canonical text of a numeric address (inet_ntop of inet_pton); other
// text as it is, localhost as 127.0.0.1.
std::string canonical_address(std::string_view host) {
    std::string text(host);
    if (text.empty() || text == "localhost") return "127.0.0.1";
    char shown[INET6_ADDRSTRLEN];
    in_addr v4{};
    in6_addr v6{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1 && ::inet_ntop(AF_INET, &v4, shown, sizeof shown)) return shown;
    if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1 && ::inet_ntop(AF_INET6, &v6, shown, sizeof shown)) return shown;
    return text;
}

}  // namespace

std::string url_for(std::string_view host, int port) {
    const std::string address = canonical_address(host);
    const std::string tail = ":" + std::to_string(port);
    if (address == "127.0.0.1" || address == "0.0.0.0" || address == "::") return "ws://localhost" + tail;
    if (address.find(':') != std::string::npos) return "ws://[" + address + "]" + tail;
    return "ws://" + address + tail;
}

std::string url_address(std::string_view url) {
    const size_t scheme = url.find("://");
    if (scheme == std::string_view::npos) return "127.0.0.1";
    std::string_view authority = url.substr(scheme + 3);
    authority = authority.substr(0, authority.find('/'));
    if (authority.starts_with('[')) {
        const size_t close = authority.find(']');
        return canonical_address(authority.substr(1, close == std::string_view::npos ? close : close - 1));
    }
    return canonical_address(authority.substr(0, authority.find(':')));
}

bool same_endpoint(const json::Value& server, const Entry& entry) {
    const json::Value* port = server.find("port");
    if (!port || port->as_int() != entry.port) return false;
    const json::Value* url = server.find("url");
    return url_address(url && url->is_string() ? url->as_string() : std::string_view()) == url_address(entry.url);
}

json::Value to_json(const Entry& entry) {
    return json::Value::object({
        {"id", json::Value::string(entry.id)},
        {"port", json::Value::number(entry.port)},
        {"url", json::Value::string(entry.url)},
        {"pid", json::Value::number(entry.pid)},
        {"startedAt", json::Value::string(entry.started_at)},
    });
}

std::optional<Entry> from_json(const json::Value& value) {
    if (!value.is_object()) return std::nullopt;
    const json::Value* port = value.find("port");
    const std::optional<int64_t> port_number = port ? port->as_int() : std::nullopt;
    if (!port_number || *port_number < 1 || *port_number > 65535) return std::nullopt;
    Entry entry;
    entry.port = static_cast<int>(*port_number);
    if (const json::Value* id = value.find("id")) entry.id = id->as_string();
    if (const json::Value* url = value.find("url")) entry.url = url->as_string();
    if (const json::Value* pid = value.find("pid")) entry.pid = pid->as_int().value_or(0);
    if (const json::Value* started = value.find("startedAt")) entry.started_at = started->as_string();
    return entry;
}

std::string make_id(int64_t unix_ms) {
    static constexpr char kBase36[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::random_device device;
    std::uniform_int_distribution<int> pick(0, 35);
    std::string id = "server-" + std::to_string(unix_ms) + "-";
    for (int i = 0; i < 6; ++i) id += kBase36[pick(device)];
    return id;
}

std::string format_time_ms(int64_t unix_ms) {
    const int64_t days = unix_ms >= 0 ? unix_ms / kMsPerDay : (unix_ms - kMsPerDay + 1) / kMsPerDay;
    const int64_t ms_of_day = unix_ms - days * kMsPerDay;
    const Civil date = civil_from_days(days);
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", static_cast<long long>(date.year),
                  date.month, date.day, static_cast<int>(ms_of_day / 3'600'000),
                  static_cast<int>(ms_of_day / 60'000 % 60), static_cast<int>(ms_of_day / 1000 % 60),
                  static_cast<int>(ms_of_day % 1000));
    return buffer;
}

std::optional<int64_t> parse_time_ms(std::string_view iso) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (iso.size() < 20 || !read_digits(iso, 0, 4, year) || iso[4] != '-' || !read_digits(iso, 5, 2, month) ||
        iso[7] != '-' || !read_digits(iso, 8, 2, day) || iso[10] != 'T' || !read_digits(iso, 11, 2, hour) ||
        iso[13] != ':' || !read_digits(iso, 14, 2, minute) || iso[16] != ':' || !read_digits(iso, 17, 2, second)) {
        return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 59) {
        return std::nullopt;
    }
    size_t pos = 19;
    int64_t millis = 0;
    if (iso[pos] == '.') {
        size_t digits = 0;
        for (++pos; pos < iso.size() && iso[pos] >= '0' && iso[pos] <= '9'; ++pos, ++digits) {
            if (digits < 3) millis = millis * 10 + (iso[pos] - '0');
        }
        if (digits == 0 || digits > 9) return std::nullopt;
        for (; digits < 3; ++digits) millis *= 10;
    }
    int64_t offset_minutes = 0;
    if (pos < iso.size() && iso[pos] == 'Z') {
        ++pos;
    } else if (pos < iso.size() && (iso[pos] == '+' || iso[pos] == '-')) {
        int offset_hours = 0, offset_mins = 0;
        if (!read_digits(iso, pos + 1, 2, offset_hours) || pos + 3 >= iso.size() || iso[pos + 3] != ':' ||
            !read_digits(iso, pos + 4, 2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
            return std::nullopt;
        }
        offset_minutes = (iso[pos] == '-' ? -1 : 1) * (offset_hours * 60 + offset_mins);
        pos += 6;
    } else {
        return std::nullopt;
    }
    if (pos != iso.size()) return std::nullopt;
    const int64_t seconds = days_from_civil(year, month, day) * 86'400 + hour * 3600 + minute * 60 + second;
    return (seconds - offset_minutes * 60) * 1000 + millis;
}

int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace registry
