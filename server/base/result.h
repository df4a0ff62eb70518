// Errors are values: Result<T> holds a T or an Error with a message that names
// the part and the rule. No exceptions cross our code.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

struct Error {
    std::string message;
};

struct Ok {};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
    Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design
    bool ok() const { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

using Status = Result<Ok>;

// what + ": " + strerror(errno), e.g. "bind(127.0.0.1:80): Permission denied".
inline Error sys_error(std::string_view what) {
    int saved = errno;
    return Error{std::string(what) + ": " + std::strerror(saved)};
}
