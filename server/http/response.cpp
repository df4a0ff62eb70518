// Response heads for HTTP/1.1 (RFC 9112 §4, RFC 9110 §15). We always answer
// as HTTP/1.1, which an HTTP/1.0 client accepts (RFC 9110 §2.5), and always
// delimit bodies with Content-Length: no chunked responses, no trailers.
#include "http/response.h"

#include <charconv>

#include "base/ascii.h"
#include "base/civil_time.h"

namespace http {
namespace {

void append_number(std::string& out, uint64_t value) {
    char digits[20];
    auto [end, error] = std::to_chars(digits, digits + sizeof digits, value);
    (void)error;  // 20 digits hold any uint64_t
    out.append(digits, end);
}

void append_two_digits(std::string& out, unsigned value) {
    out += static_cast<char>('0' + value / 10);
    out += static_cast<char>('0' + value % 10);
}

bool has_content_length(int status) { return status >= 200 && status != 204; }

constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads the fixed-width pieces of an HTTP-date; any mismatch clears ok_.
class DateReader {
public:
    explicit DateReader(std::string_view text) : rest_(text) {}
    bool ok() const { return ok_ && rest_.empty(); }
    void literal(std::string_view expected) {
        if (rest_.substr(0, expected.size()) != expected) ok_ = false;
        skip(expected.size());
    }
    void skip(size_t count) { rest_.remove_prefix(count < rest_.size() ? count : rest_.size()); }
    unsigned number(size_t width) {
        const int value = base::fixed_digits(rest_, 0, width);
        if (value < 0) {
            ok_ = false;
            return 0;
        }
        skip(width);
        return static_cast<unsigned>(value);
    }
    unsigned month() {
        for (unsigned i = 0; i < 12; ++i) {
            if (rest_.substr(0, 3) == kMonths[i]) {
                skip(3);
                return i + 1;
            }
        }
        ok_ = false;
        return 1;
    }
    // "HH:MM:SS" as seconds of the day.
    int64_t time_of_day() {
        unsigned hours = number(2);
        literal(":");
        unsigned minutes = number(2);
        literal(":");
        unsigned seconds = number(2);
        if (hours > 23 || minutes > 59 || seconds > 60) ok_ = false;
        return hours * 3600 + minutes * 60 + seconds;
    }

private:
    std::string_view rest_;
    bool ok_ = true;
};

}  // namespace

std::string_view reason_phrase(int status) noexcept {
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

void append_head(std::string& out, const ResponseHead& head) {
    out += "HTTP/1.1 ";
    append_number(out, static_cast<uint64_t>(head.status));
    out += ' ';
    out += reason_phrase(head.status);
    out += "\r\n";
    if (!head.content_type.empty()) {
        out += "Content-Type: ";
        out += head.content_type;
        out += "\r\n";
    }
    if (has_content_length(head.status)) {
        out += "Content-Length: ";
        append_number(out, head.content_length);
        out += "\r\n";
    }
    if (!head.keep_alive) out += "Connection: close\r\n";
    out += head.extra_headers;
    out += "\r\n";
}

void append_error(std::string& out, int status, std::string_view message, bool keep_alive,
                  std::string_view extra_headers) {
    std::string_view reason = reason_phrase(status);
    // "404" + " " + reason + (": " + message) + "\n"
    uint64_t body_length = 3 + 1 + reason.size() + (message.empty() ? 0 : 2 + message.size()) + 1;
    append_head(out, ResponseHead{status, "text/plain; charset=utf-8", body_length, keep_alive, extra_headers});
    append_number(out, static_cast<uint64_t>(status));
    out += ' ';
    out += reason;
    if (!message.empty()) {
        out += ": ";
        out += message;
    }
    out += '\n';
}

std::string http_date(int64_t unix_seconds) {
    static constexpr std::string_view kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    const int64_t days = base::floor_div(unix_seconds, 86400), seconds = unix_seconds - days * 86400;
    const base::CivilDate date = base::civil_from_days(days);

    std::string out;
    out.reserve(29);
    out += kDays[((days % 7) + 7) % 7];
    out += ", ";
    append_two_digits(out, static_cast<unsigned>(date.day));
    out += ' ';
    out += kMonths[date.month - 1];
    out += ' ';
    append_number(out, static_cast<uint64_t>(date.year));  // HTTP-date years are 4 digits: 1970-9999
    out += ' ';
    append_two_digits(out, static_cast<unsigned>(seconds / 3600));
    out += ':';
    append_two_digits(out, static_cast<unsigned>(seconds / 60 % 60));
    out += ':';
    append_two_digits(out, static_cast<unsigned>(seconds % 60));
    out += " GMT";
    return out;
}

bool parse_http_date(std::string_view text, int64_t& unix_seconds) noexcept {
    DateReader reader(text);
    unsigned day = 0, month = 0;
    int64_t year = 0, time = 0;
    size_t comma = text.find(',');
    if (comma == 3) {  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
        reader.skip(3);
        reader.literal(", ");
        day = reader.number(2);
        reader.literal(" ");
        month = reader.month();
        reader.literal(" ");
        year = reader.number(4);
        reader.literal(" ");
        time = reader.time_of_day();
        reader.literal(" GMT");
    } else if (comma != std::string_view::npos) {  // rfc850-date: "Sunday, 06-Nov-94 08:49:37 GMT"
        reader.skip(comma);
        reader.literal(", ");
        day = reader.number(2);
        reader.literal("-");
        month = reader.month();
        reader.literal("-");
        year = reader.number(2);
        year += year < 70 ? 2000 : 1900;  // RFC 9110 wants "not over 50 years ahead"; close enough without a clock
        reader.literal(" ");
        time = reader.time_of_day();
        reader.literal(" GMT");
    } else {  // asctime-date: "Sun Nov  6 08:49:37 1994"
        reader.skip(3);
        reader.literal(" ");
        month = reader.month();
        reader.literal(" ");
        if (text.size() > 8 && text[8] == ' ') reader.skip(1);
        day = reader.number(text.size() > 8 && text[8] == ' ' ? 1 : 2);
        reader.literal(" ");
        time = reader.time_of_day();
        reader.literal(" ");
        year = reader.number(4);
    }
    if (!reader.ok() || day < 1 || static_cast<int>(day) > base::days_in_month(year, static_cast<int>(month)))
        return false;
    unix_seconds = base::days_from_civil({year, static_cast<int>(month), static_cast<int>(day)}) * 86400 + time;
    return true;
}

std::string out_of_descriptors_reply() {
    std::string reply;
    append_error(reply, 503, kOutOfDescriptors, false, kRetrySoon);
    return reply;
}

}  // namespace http
