#include "http/response.h"

#include <gtest/gtest.h>

#include <string>

namespace http {
namespace {

TEST(ResponseTest, ReasonPhrases) {
    EXPECT_EQ(reason_phrase(101), "Switching Protocols");
    EXPECT_EQ(reason_phrase(200), "OK");
    EXPECT_EQ(reason_phrase(304), "Not Modified");
    EXPECT_EQ(reason_phrase(400), "Bad Request");
    EXPECT_EQ(reason_phrase(403), "Forbidden");
    EXPECT_EQ(reason_phrase(404), "Not Found");
    EXPECT_EQ(reason_phrase(405), "Method Not Allowed");
    EXPECT_EQ(reason_phrase(414), "URI Too Long");
    EXPECT_EQ(reason_phrase(426), "Upgrade Required");
    EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(501), "Not Implemented");
    EXPECT_EQ(reason_phrase(505), "HTTP Version Not Supported");
    EXPECT_EQ(reason_phrase(299), "Unknown");
}

TEST(ResponseTest, HeadWithEverything) {
    std::string out = "previous bytes|";
    append_head(out, ResponseHead{200, "application/json", 2, false, "Access-Control-Allow-Origin: http://localhost:1\r\n"});
    EXPECT_EQ(out,
              "previous bytes|"
              "HTTP/1.1 200 OK\r\n"
              "Content-Type: application/json\r\n"
              "Content-Length: 2\r\n"
              "Connection: close\r\n"
              "Access-Control-Allow-Origin: http://localhost:1\r\n"
              "\r\n");
}

TEST(ResponseTest, MinimalKeepAliveHead) {
    std::string out;
    append_head(out, ResponseHead{404});
    EXPECT_EQ(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
}

TEST(ResponseTest, LargeContentLength) {
    std::string out;
    append_head(out, ResponseHead{200, "application/wasm", 18446744073709551615u});
    EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nContent-Type: application/wasm\r\nContent-Length: 18446744073709551615\r\n\r\n");
}

TEST(ResponseTest, NoContentLengthOn1xxAnd204) {
    std::string out;
    append_head(out, ResponseHead{101, {}, 0, true, "Upgrade: websocket\r\nConnection: Upgrade\r\n"});
    EXPECT_EQ(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    out.clear();
    append_head(out, ResponseHead{204, {}, 0, true, "Allow: GET\r\n"});
    EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\nAllow: GET\r\n\r\n");
    out.clear();
    append_head(out, ResponseHead{304, {}, 1234, true, "ETag: \"4d2-1\"\r\n"});
    EXPECT_EQ(out, "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\nETag: \"4d2-1\"\r\n\r\n");
}

TEST(ResponseTest, ErrorReply) {
    std::string out;
    append_error(out, 404, "/app.jss", true);
    EXPECT_EQ(out,
              "HTTP/1.1 404 Not Found\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 24\r\n"
              "\r\n"
              "404 Not Found: /app.jss\n");
}

TEST(ResponseTest, ErrorReplyClosingWithExtraHeaders) {
    std::string out;
    append_error(out, 405, "POST", false, "Allow: GET, HEAD, OPTIONS\r\n");
    EXPECT_EQ(out,
              "HTTP/1.1 405 Method Not Allowed\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 29\r\n"
              "Connection: close\r\n"
              "Allow: GET, HEAD, OPTIONS\r\n"
              "\r\n"
              "405 Method Not Allowed: POST\n");
}

TEST(ResponseTest, ErrorReplyWithoutMessage) {
    std::string out;
    append_error(out, 431, "", false);
    EXPECT_EQ(out,
              "HTTP/1.1 431 Request Header Fields Too Large\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 36\r\n"
              "Connection: close\r\n"
              "\r\n"
              "431 Request Header Fields Too Large\n");
}

TEST(ResponseTest, ErrorBodyLengthMatchesBody) {
    for (int status : {400, 403, 404, 414, 426, 431, 500, 501, 505}) {
        std::string out;
        append_error(out, status, "header line 3 has no ':'", true);
        size_t body = out.find("\r\n\r\n") + 4;
        std::string length_line = "Content-Length: " + std::to_string(out.size() - body) + "\r\n";
        EXPECT_NE(out.find(length_line), std::string::npos) << out;
    }
}

TEST(ResponseTest, HttpDates) {
    struct Case {
        int64_t unix_seconds;
        const char* text;
    };
    const Case cases[] = {
        {0, "Thu, 01 Jan 1970 00:00:00 GMT"},
        {784111777, "Sun, 06 Nov 1994 08:49:37 GMT"},  // RFC 9110 §5.6.7 example
        {951782400, "Tue, 29 Feb 2000 00:00:00 GMT"},
        {1767225599, "Wed, 31 Dec 2025 23:59:59 GMT"},
        {4107542400, "Mon, 01 Mar 2100 00:00:00 GMT"},  // 2100 is not a leap year
        {-1, "Wed, 31 Dec 1969 23:59:59 GMT"},
    };
    for (const Case& c : cases) {
        EXPECT_EQ(http_date(c.unix_seconds), c.text);
        int64_t parsed = 42;
        EXPECT_TRUE(parse_http_date(c.text, parsed)) << c.text;
        EXPECT_EQ(parsed, c.unix_seconds) << c.text;
    }
}

TEST(ResponseTest, ParsesAllThreeDateForms) {
    for (const char* text : {"Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
                             "Sun Nov  6 08:49:37 1994"}) {
        int64_t parsed = 0;
        EXPECT_TRUE(parse_http_date(text, parsed)) << text;
        EXPECT_EQ(parsed, 784111777) << text;
    }
    int64_t parsed = 0;
    EXPECT_TRUE(parse_http_date("Mon Nov 16 08:49:37 1994", parsed));
    EXPECT_EQ(parsed, 784111777 + 10 * 86400);
}

TEST(ResponseTest, RefusesOtherDates) {
    for (const char* text : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37",
                             "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 6 Nov 1994 08:49:37 GMT",
                             "Sun, 06 nov 1994 08:49:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
                             "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:61:00 GMT",
                             "Sun, 06 Nov 94 08:49:37 GMT", "Sun Nov 6 08:49:37 1994", "1994-11-06T08:49:37Z",
                             // days the month does not have (base::days_in_month)
                             "Thu, 31 Feb 1994 08:49:37 GMT", "Thu, 31 Apr 1994 08:49:37 GMT",
                             "Thu, 29 Feb 1900 00:00:00 GMT", "Sun Feb 29 08:49:37 2100"}) {
        int64_t parsed = 0;
        EXPECT_FALSE(parse_http_date(text, parsed)) << text;
    }
}

}  // namespace
}  // namespace http
