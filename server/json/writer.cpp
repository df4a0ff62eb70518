#include "json/writer.h"

#include "json/utf8.h"

namespace json {
namespace {

void append_newline(std::string& out, int indent, int level) {
    if (indent <= 0) return;
    out += '\n';
    out.append(static_cast<size_t>(indent) * static_cast<size_t>(level), ' ');
}

void append_value(std::string& out, const Value& value, int indent, int level) {
    switch (value.type()) {
        case Value::Type::null: out += "null"; return;
        case Value::Type::boolean: out += value.as_bool() ? "true" : "false"; return;
        case Value::Type::number: out += value.number_raw(); return;
        case Value::Type::string: append_escaped(out, value.as_string()); return;
        case Value::Type::array: {
            const Value::Array& items = value.as_array();
            out += '[';
            for (size_t i = 0; i < items.size(); ++i) {
                if (i > 0) out += ',';
                append_newline(out, indent, level + 1);
                append_value(out, items[i], indent, level + 1);
            }
            if (!items.empty()) append_newline(out, indent, level);
            out += ']';
            return;
        }
        case Value::Type::object: {
            const Value::Object& members = value.as_object();
            out += '{';
            for (size_t i = 0; i < members.size(); ++i) {
                if (i > 0) out += ',';
                append_newline(out, indent, level + 1);
                append_escaped(out, members[i].first);
                out += indent > 0 ? ": " : ":";
                append_value(out, members[i].second, indent, level + 1);
            }
            if (!members.empty()) append_newline(out, indent, level);
            out += '}';
            return;
        }
    }
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    size_t pos = 0;
    while (pos < text.size()) {
        const auto c = static_cast<unsigned char>(text[pos]);
        if (c >= 0x80) {
            const Utf8Step step = utf8_step(text, pos);
            if (step.valid) {
                out.append(text.substr(pos, step.length));
            } else {
                out += "\\ufffd";
            }
            pos += step.length;
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++pos;
    }
    out += '"';
}

void append(std::string& out, const Value& value, int indent) {
    append_value(out, value, indent, 0);
    if (indent > 0) out += '\n';
}

std::string to_string(const Value& value, int indent) {
    std::string out;
    append(out, value, indent);
    return out;
}

}  // namespace json
