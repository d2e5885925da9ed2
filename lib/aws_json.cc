#include "lib/aws_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "lib/errors.h"
#include "lib/layout.h"
#include "lib/weights.h"

namespace aliasroute {
namespace {

#define AWSJSON_RETURN_IF_ERROR(expr)     \
  do {                                    \
    const absl::Status status_ = (expr);  \
    if (!status_.ok()) return status_;    \
  } while (0)

// ---------------------------------------------------------------------------
// A small JSON tree. Objects keep their members in document order.

enum class JType { kNull, kBool, kNumber, kString, kArray, kObject };

struct JMember;

struct JValue {
  JType type = JType::kNull;
  bool boolean = false;
  // kString: the decoded UTF-8 text. kNumber: the literal as written.
  std::string text;
  std::vector<JValue> items;     // kArray.
  std::vector<JMember> members;  // kObject.
};

struct JMember {
  std::string key;
  JValue value;
};

absl::string_view TypeName(JType t) {
  switch (t) {
    case JType::kNull:
      return "null";
    case JType::kBool:
      return "boolean";
    case JType::kNumber:
      return "number";
    case JType::kString:
      return "string";
    case JType::kArray:
      return "array";
    case JType::kObject:
      return "object";
  }
  return "?";
}

JValue MakeString(std::string s) {
  JValue v;
  v.type = JType::kString;
  v.text = std::move(s);
  return v;
}

JValue MakeNumber(std::string literal) {
  JValue v;
  v.type = JType::kNumber;
  v.text = std::move(literal);
  return v;
}

JValue MakeObject() {
  JValue v;
  v.type = JType::kObject;
  return v;
}

JValue MakeArray() {
  JValue v;
  v.type = JType::kArray;
  return v;
}

void Add(JValue* object, absl::string_view key, JValue value) {
  object->members.push_back(JMember{std::string(key), std::move(value)});
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Quotes `s` for an error message: "..." with C escapes, at most 80 bytes.
std::string Quote(absl::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() > kMax) {
    return absl::StrCat("\"", absl::CHexEscape(s.substr(0, kMax)), "\"...");
  }
  return absl::StrCat("\"", absl::CHexEscape(s), "\"");
}

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not valid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(absl::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  const uint8_t c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
  if (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
  return n;
}

bool IsValidUtf8(absl::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// True when `s` is a JSON number literal (RFC 8259 section 6).
bool IsJsonNumber(absl::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    ++i;
  } else if (IsDigit(s[i])) {
    while (i < s.size() && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return false;
    while (i < s.size() && IsDigit(s[i])) ++i;
  }
  return i == s.size();
}

// ---------------------------------------------------------------------------
// Strict RFC 8259 parser with size, depth and value-count limits.

class JsonParser {
 public:
  explicit JsonParser(absl::string_view in) : in_(in) {}

  absl::Status Parse(JValue* out) {
    SkipWhitespace();
    if (pos_ >= in_.size()) return Error("the document is empty");
    AWSJSON_RETURN_IF_ERROR(ParseValue(out, 0));
    SkipWhitespace();
    if (pos_ != in_.size()) {
      return Error(absl::StrCat("unexpected ", Describe(),
                                " after the end of the JSON value"));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(absl::string_view what) const {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < pos_ && i < in_.size(); ++i) {
      if (in_[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return InvalidParameterValue(absl::StrCat(
        "invalid JSON at line ", line, ", column ", column, ": ", what));
  }

  std::string Describe() const {
    if (pos_ >= in_.size()) return "end of input";
    const unsigned char c = static_cast<unsigned char>(in_[pos_]);
    if (c >= 0x21 && c < 0x7F) return absl::StrCat("'", std::string(1, c), "'");
    return absl::StrFormat("byte 0x%02x", c);
  }

  void SkipWhitespace() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' ||
                                 in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  absl::Status ParseValue(JValue* out, int depth) {
    if (pos_ >= in_.size()) return Error("unexpected end of input");
    if (++values_ > kMaxAwsJsonValues) {
      return Error(absl::StrCat("more than ", kMaxAwsJsonValues, " values"));
    }
    const char c = in_[pos_];
    switch (c) {
      case '{':
      case '[':
        if (depth >= kMaxAwsJsonDepth) {
          return Error(absl::StrCat("nested deeper than ", kMaxAwsJsonDepth,
                                    " levels"));
        }
        return c == '{' ? ParseObject(out, depth + 1)
                        : ParseArray(out, depth + 1);
      case '"':
        out->type = JType::kString;
        return ParseString(&out->text);
      case 't':
        return ParseLiteral("true", JType::kBool, true, out);
      case 'f':
        return ParseLiteral("false", JType::kBool, false, out);
      case 'n':
        return ParseLiteral("null", JType::kNull, false, out);
      default:
        if (c == '-' || IsDigit(c)) return ParseNumber(out);
        return Error(absl::StrCat("unexpected ", Describe()));
    }
  }

  absl::Status ParseLiteral(absl::string_view word, JType type, bool value,
                            JValue* out) {
    if (in_.substr(pos_, word.size()) != word) {
      return Error(absl::StrCat("unexpected ", Describe()));
    }
    pos_ += word.size();
    out->type = type;
    out->boolean = value;
    return absl::OkStatus();
  }

  absl::Status ParseNumber(JValue* out) {
    const size_t start = pos_;
    if (in_[pos_] == '-') ++pos_;
    auto digits = [&]() -> absl::Status {
      if (pos_ >= in_.size() || !IsDigit(in_[pos_])) {
        return Error(absl::StrCat("expected a digit, got ", Describe()));
      }
      while (pos_ < in_.size() && IsDigit(in_[pos_])) ++pos_;
      return absl::OkStatus();
    };
    if (pos_ < in_.size() && in_[pos_] == '0') {
      ++pos_;
    } else {
      AWSJSON_RETURN_IF_ERROR(digits());
    }
    if (pos_ < in_.size() && in_[pos_] == '.') {
      ++pos_;
      AWSJSON_RETURN_IF_ERROR(digits());
    }
    if (pos_ < in_.size() && (in_[pos_] == 'e' || in_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < in_.size() && (in_[pos_] == '+' || in_[pos_] == '-')) ++pos_;
      AWSJSON_RETURN_IF_ERROR(digits());
    }
    out->type = JType::kNumber;
    out->text = std::string(in_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status ParseHex4(uint32_t* out) {
    if (in_.size() - pos_ < 4) return Error("truncated \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = in_[pos_ + k];
      v <<= 4;
      if (IsDigit(h)) {
        v |= h - '0';
      } else if (h >= 'a' && h <= 'f') {
        v |= h - 'a' + 10;
      } else if (h >= 'A' && h <= 'F') {
        v |= h - 'A' + 10;
      } else {
        pos_ += k;
        return Error("invalid hex digit in a \\u escape");
      }
    }
    pos_ += 4;
    *out = v;
    return absl::OkStatus();
  }

  absl::Status ParseString(std::string* out) {
    ++pos_;  // The opening quote.
    out->clear();
    while (true) {
      if (pos_ >= in_.size()) return Error("unterminated string");
      const unsigned char c = static_cast<unsigned char>(in_[pos_]);
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (c < 0x20) {
        return Error("unescaped control character in a string");
      }
      if (c != '\\') {
        const size_t n = Utf8SequenceLength(in_, pos_);
        if (n == 0) return Error("invalid UTF-8 in a string");
        out->append(in_.data() + pos_, n);
        pos_ += n;
        continue;
      }
      ++pos_;
      if (pos_ >= in_.size()) return Error("unterminated string");
      const char e = in_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          AWSJSON_RETURN_IF_ERROR(ParseHex4(&cp));
          if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Error("unpaired low surrogate in a \\u escape");
          }
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (in_.substr(pos_, 2) != "\\u") {
              return Error("unpaired high surrogate in a \\u escape");
            }
            pos_ += 2;
            uint32_t low;
            AWSJSON_RETURN_IF_ERROR(ParseHex4(&low));
            if (low < 0xDC00 || low > 0xDFFF) {
              return Error("unpaired high surrogate in a \\u escape");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          --pos_;
          return Error(absl::StrCat("invalid escape \\", Describe()));
      }
    }
  }

  absl::Status ParseArray(JValue* out, int depth) {
    ++pos_;  // '['
    out->type = JType::kArray;
    SkipWhitespace();
    if (pos_ < in_.size() && in_[pos_] == ']') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      out->items.emplace_back();
      AWSJSON_RETURN_IF_ERROR(ParseValue(&out->items.back(), depth));
      SkipWhitespace();
      if (pos_ >= in_.size()) return Error("unexpected end of input");
      if (in_[pos_] == ',') {
        ++pos_;
        SkipWhitespace();
        continue;
      }
      if (in_[pos_] == ']') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error(absl::StrCat("expected ',' or ']', got ", Describe()));
    }
  }

  absl::Status ParseObject(JValue* out, int depth) {
    ++pos_;  // '{'
    out->type = JType::kObject;
    absl::flat_hash_set<std::string> keys;
    SkipWhitespace();
    if (pos_ < in_.size() && in_[pos_] == '}') {
      ++pos_;
      return absl::OkStatus();
    }
    while (true) {
      if (pos_ >= in_.size()) return Error("unexpected end of input");
      if (in_[pos_] != '"') {
        return Error(absl::StrCat("expected a string key, got ", Describe()));
      }
      const size_t key_pos = pos_;
      std::string key;
      AWSJSON_RETURN_IF_ERROR(ParseString(&key));
      if (!keys.insert(key).second) {
        pos_ = key_pos;
        return Error(absl::StrCat("duplicate key ", Quote(key)));
      }
      SkipWhitespace();
      if (pos_ >= in_.size() || in_[pos_] != ':') {
        return Error(absl::StrCat("expected ':', got ", Describe()));
      }
      ++pos_;
      SkipWhitespace();
      out->members.push_back(JMember{std::move(key), JValue()});
      AWSJSON_RETURN_IF_ERROR(ParseValue(&out->members.back().value, depth));
      SkipWhitespace();
      if (pos_ >= in_.size()) return Error("unexpected end of input");
      if (in_[pos_] == ',') {
        ++pos_;
        SkipWhitespace();
        continue;
      }
      if (in_[pos_] == '}') {
        ++pos_;
        return absl::OkStatus();
      }
      return Error(absl::StrCat("expected ',' or '}', got ", Describe()));
    }
  }

  absl::string_view in_;
  size_t pos_ = 0;
  size_t values_ = 0;
};

// ---------------------------------------------------------------------------
// The AWS CLI shorthand syntax, the subset the two arguments use:
//   params := pair (',' pair)*      pair := key '=' value
//   value  := '{' [params] '}' | "quoted" | 'quoted' | bare
// A bare value that is a JSON number literal becomes a number, any other a
// string. Blanks around tokens are ignored.

class ShorthandParser {
 public:
  explicit ShorthandParser(absl::string_view in) : in_(in) {}

  absl::Status Parse(JValue* out) {
    if (!IsValidUtf8(in_)) {
      return InvalidParameterValue("invalid shorthand: not valid UTF-8");
    }
    *out = MakeObject();
    AWSJSON_RETURN_IF_ERROR(ParseParams(out, 1, /*nested=*/false));
    if (pos_ != in_.size()) {
      return Error(absl::StrCat("unexpected ", Describe()));
    }
    return absl::OkStatus();
  }

 private:
  absl::Status Error(absl::string_view what) const {
    return InvalidParameterValue(absl::StrCat(
        "invalid shorthand at column ", pos_ + 1, ": ", what));
  }

  std::string Describe() const {
    if (pos_ >= in_.size()) return "end of input";
    const unsigned char c = static_cast<unsigned char>(in_[pos_]);
    if (c >= 0x21 && c < 0x7F) return absl::StrCat("'", std::string(1, c), "'");
    return absl::StrFormat("byte 0x%02x", c);
  }

  void SkipBlanks() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\t' ||
                                 in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }

  static bool IsSpecial(char c) {
    return c == '=' || c == ',' || c == '{' || c == '}' || c == '[' ||
           c == ']' || c == '"' || c == '\'';
  }

  absl::Status ParseParams(JValue* out, int depth, bool nested) {
    absl::flat_hash_set<std::string> keys;
    SkipBlanks();
    if (nested && pos_ < in_.size() && in_[pos_] == '}') return absl::OkStatus();
    while (true) {
      SkipBlanks();
      const size_t key_pos = pos_;
      const size_t start = pos_;
      while (pos_ < in_.size() && !IsSpecial(in_[pos_])) ++pos_;
      const std::string key(absl::StripAsciiWhitespace(
          in_.substr(start, pos_ - start)));
      if (key.empty()) {
        return Error(absl::StrCat("expected a key, got ", Describe()));
      }
      if (pos_ >= in_.size() || in_[pos_] != '=') {
        return Error(absl::StrCat("expected '=' after ", Quote(key), ", got ",
                                  Describe()));
      }
      ++pos_;
      if (!keys.insert(key).second) {
        pos_ = key_pos;
        return Error(absl::StrCat("duplicate key ", Quote(key)));
      }
      JValue value;
      AWSJSON_RETURN_IF_ERROR(ParseValue(&value, depth));
      Add(out, key, std::move(value));
      SkipBlanks();
      if (pos_ >= in_.size()) {
        if (nested) return Error("unexpected end of input, expected '}'");
        return absl::OkStatus();
      }
      if (in_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (nested && in_[pos_] == '}') return absl::OkStatus();
      return Error(absl::StrCat("expected ','", nested ? " or '}'" : "",
                                ", got ", Describe()));
    }
  }

  absl::Status ParseValue(JValue* out, int depth) {
    if (++values_ > kMaxAwsJsonValues) {
      return Error(absl::StrCat("more than ", kMaxAwsJsonValues, " values"));
    }
    SkipBlanks();
    if (pos_ < in_.size() && in_[pos_] == '{') {
      if (depth >= kMaxAwsJsonDepth) {
        return Error(
            absl::StrCat("nested deeper than ", kMaxAwsJsonDepth, " levels"));
      }
      ++pos_;
      *out = MakeObject();
      AWSJSON_RETURN_IF_ERROR(ParseParams(out, depth + 1, /*nested=*/true));
      ++pos_;  // '}', checked by ParseParams.
      return absl::OkStatus();
    }
    if (pos_ < in_.size() && (in_[pos_] == '"' || in_[pos_] == '\'')) {
      const char quote = in_[pos_++];
      const size_t start = pos_;
      while (pos_ < in_.size() && in_[pos_] != quote) ++pos_;
      if (pos_ >= in_.size()) return Error("unterminated quoted string");
      *out = MakeString(std::string(in_.substr(start, pos_ - start)));
      ++pos_;
      return absl::OkStatus();
    }
    const size_t start = pos_;
    while (pos_ < in_.size() && !IsSpecial(in_[pos_])) ++pos_;
    if (pos_ < in_.size() && in_[pos_] != ',' && in_[pos_] != '}') {
      return Error(absl::StrCat("unexpected ", Describe(), " in a value"));
    }
    const std::string text(
        absl::StripAsciiWhitespace(in_.substr(start, pos_ - start)));
    *out = IsJsonNumber(text) ? MakeNumber(text) : MakeString(text);
    return absl::OkStatus();
  }

  absl::string_view in_;
  size_t pos_ = 0;
  size_t values_ = 0;
};

absl::StatusOr<JValue> ParseJsonDocument(absl::string_view text) {
  if (text.size() > kMaxAwsJsonBytes) {
    return InvalidParameterValue(
        absl::StrCat("JSON document is ", text.size(),
                     " bytes, more than the limit of ", kMaxAwsJsonBytes));
  }
  JValue root;
  AWSJSON_RETURN_IF_ERROR(JsonParser(text).Parse(&root));
  return root;
}

// A CLI argument: JSON when the first non-blank character is '{', else
// shorthand.
absl::StatusOr<JValue> ParseArgument(absl::string_view text) {
  if (text.size() > kMaxAwsJsonBytes) {
    return InvalidParameterValue(
        absl::StrCat("argument is ", text.size(),
                     " bytes, more than the limit of ", kMaxAwsJsonBytes));
  }
  const absl::string_view stripped = absl::StripLeadingAsciiWhitespace(text);
  if (stripped.empty()) return InvalidParameterValue("the argument is empty");
  if (stripped.front() == '{') return ParseJsonDocument(text);
  JValue root;
  AWSJSON_RETURN_IF_ERROR(ShorthandParser(text).Parse(&root));
  return root;
}

// ---------------------------------------------------------------------------
// Serializer: 2-space indent, one member per line.

void AppendEscaped(absl::string_view s, std::string* out) {
  out->push_back('"');
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          absl::StrAppend(out, absl::StrFormat("\\u%04x", c));
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

absl::Status Serialize(const JValue& v, int indent, const std::string& path,
                       std::string* out) {
  const std::string pad(indent + 2, ' ');
  switch (v.type) {
    case JType::kNull:
      out->append("null");
      return absl::OkStatus();
    case JType::kBool:
      out->append(v.boolean ? "true" : "false");
      return absl::OkStatus();
    case JType::kNumber:
      out->append(v.text);
      return absl::OkStatus();
    case JType::kString:
      if (!IsValidUtf8(v.text)) {
        return InvalidParameterValue(
            absl::StrCat(path, ": not valid UTF-8: ", Quote(v.text)));
      }
      AppendEscaped(v.text, out);
      return absl::OkStatus();
    case JType::kArray:
      if (v.items.empty()) {
        out->append("[]");
        return absl::OkStatus();
      }
      out->append("[\n");
      for (size_t i = 0; i < v.items.size(); ++i) {
        out->append(pad);
        AWSJSON_RETURN_IF_ERROR(Serialize(
            v.items[i], indent + 2, absl::StrCat(path, "[", i, "]"), out));
        out->append(i + 1 < v.items.size() ? ",\n" : "\n");
      }
      out->append(indent, ' ');
      out->push_back(']');
      return absl::OkStatus();
    case JType::kObject:
      if (v.members.empty()) {
        out->append("{}");
        return absl::OkStatus();
      }
      out->append("{\n");
      for (size_t i = 0; i < v.members.size(); ++i) {
        const JMember& m = v.members[i];
        const std::string child =
            path.empty() ? m.key : absl::StrCat(path, ".", m.key);
        if (!IsValidUtf8(m.key)) {
          return InvalidParameterValue(
              absl::StrCat(child, ": key is not valid UTF-8"));
        }
        out->append(pad);
        AppendEscaped(m.key, out);
        out->append(": ");
        AWSJSON_RETURN_IF_ERROR(Serialize(m.value, indent + 2, child, out));
        out->append(i + 1 < v.members.size() ? ",\n" : "\n");
      }
      out->append(indent, ' ');
      out->push_back('}');
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ToText(const JValue& root) {
  std::string out;
  AWSJSON_RETURN_IF_ERROR(Serialize(root, 0, "", &out));
  out.push_back('\n');
  return out;
}

// ---------------------------------------------------------------------------
// Path-aware access to a parsed document.

std::string Child(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string Index(absl::string_view path, size_t i) {
  return absl::StrCat(path, "[", i, "]");
}

std::string MapKey(absl::string_view path, absl::string_view key) {
  return absl::StrCat(path, "[", Quote(key), "]");
}

absl::string_view Where(absl::string_view path) {
  return path.empty() ? absl::string_view("JSON document") : path;
}

absl::Status Invalid(absl::string_view path, absl::string_view what) {
  return InvalidParameterValue(absl::StrCat(Where(path), ": ", what));
}

absl::Status ExpectType(const JValue& v, JType type, absl::string_view what,
                        absl::string_view path) {
  if (v.type == type) return absl::OkStatus();
  return Invalid(path, absl::StrCat("expected ", what, ", got ",
                                    TypeName(v.type)));
}

// The member `key` of object `obj`, or nullptr when absent or null.
const JValue* Member(const JValue& obj, absl::string_view key) {
  for (const JMember& m : obj.members) {
    if (m.key == key) return m.value.type == JType::kNull ? nullptr : &m.value;
  }
  return nullptr;
}

absl::Status Missing(absl::string_view path) {
  return Invalid(path, "required, but missing");
}

// Reads an optional string member into *out (unchanged when absent).
absl::Status ReadString(const JValue& obj, absl::string_view path,
                        absl::string_view key, std::string* out,
                        bool required = false) {
  const std::string p = Child(path, key);
  const JValue* v = Member(obj, key);
  if (v == nullptr) return required ? Missing(p) : absl::OkStatus();
  AWSJSON_RETURN_IF_ERROR(ExpectType(*v, JType::kString, "a string", p));
  *out = v->text;
  return absl::OkStatus();
}

// A whole, non-negative number at most `max`.
absl::Status ReadUintValue(const JValue& v, absl::string_view path,
                           uint64_t max, uint64_t* out) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kNumber, "an integer", path));
  const absl::string_view t = v.text;
  const bool negative = !t.empty() && t.front() == '-';
  const absl::string_view digits = negative ? t.substr(1) : t;
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), IsDigit)) {
    return Invalid(path, absl::StrCat("expected an integer, got ", t));
  }
  if (negative && digits != "0") {
    return Invalid(path, absl::StrCat("must not be negative, got ", t));
  }
  uint64_t value = 0;
  if (!absl::SimpleAtoi(digits, &value) || value > max) {
    return Invalid(path, absl::StrCat("must be at most ", max, ", got ", t));
  }
  *out = value;
  return absl::OkStatus();
}

absl::Status ReadUint(const JValue& obj, absl::string_view path,
                      absl::string_view key, uint64_t max, uint64_t* out,
                      bool required = false) {
  const std::string p = Child(path, key);
  const JValue* v = Member(obj, key);
  if (v == nullptr) return required ? Missing(p) : absl::OkStatus();
  return ReadUintValue(*v, p, max, out);
}

// ---------------------------------------------------------------------------
// Field rules from the Lambda API model.

// A published version number: digits, no leading zero, 1 <= n < 2^63.
bool IsVersionNumber(absl::string_view s) {
  if (s.empty() || s.size() > 19 || s.front() == '0') return false;
  if (!std::all_of(s.begin(), s.end(), IsDigit)) return false;
  int64_t n;
  return absl::SimpleAtoi(s, &n) && n >= 1;
}

absl::Status CheckVersion(absl::string_view v, absl::string_view path,
                          bool allow_latest) {
  if (IsVersionNumber(v) || (allow_latest && v == "$LATEST")) {
    return absl::OkStatus();
  }
  return Invalid(
      path, absl::StrCat("must be ", allow_latest ? "\"$LATEST\" or " : "",
                         "a version number (digits, no leading zero), got ",
                         Quote(v)));
}

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '_';
}

// AWS's Alias pattern (?!^[0-9]+$)([a-zA-Z0-9-_]+), 1-128 characters.
absl::Status CheckAliasName(absl::string_view name, absl::string_view path) {
  if (name.empty() || name.size() > 128 ||
      !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return Invalid(path, absl::StrCat("must be 1-128 of [a-zA-Z0-9-_], got ",
                                      Quote(name)));
  }
  if (std::all_of(name.begin(), name.end(), IsDigit)) {
    return Invalid(path,
                   absl::StrCat("must not be all digits, got ", Quote(name)));
  }
  return absl::OkStatus();
}

// A Lambda function ARN "arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME"
// with an optional ":QUALIFIER". Checks the fixed parts and the account only:
// lib/arn.h's ParseFunctionRef has the full grammar but also the 140-character
// limit of a FunctionName *parameter*, while response ARNs (AliasConfiguration
// .AliasArn, FunctionConfiguration.FunctionArn: "Length Constraints: Minimum
// length of 0. Maximum length of 10000.", Lambda API reference) can be longer,
// e.g. a 64-character function name with a 128-character alias.
struct FunctionArnParts {
  std::string name;
  std::string qualifier;  // Empty when unqualified.
};

absl::StatusOr<FunctionArnParts> SplitFunctionArn(absl::string_view arn,
                                                  absl::string_view path) {
  const std::vector<absl::string_view> parts = absl::StrSplit(arn, ':');
  const auto bad = [&]() {
    return Invalid(path, absl::StrCat("expected arn:PARTITION:lambda:REGION:"
                                      "ACCOUNT:function:NAME[:QUALIFIER], got ",
                                      Quote(arn)));
  };
  if (parts.size() < 7 || parts.size() > 8) return bad();
  if (parts[0] != "arn" || !absl::StartsWith(parts[1], "aws") ||
      parts[2] != "lambda" || parts[3].empty() || parts[5] != "function" ||
      parts[6].empty()) {
    return bad();
  }
  if (parts[4].size() != 12 ||
      !std::all_of(parts[4].begin(), parts[4].end(), IsDigit)) {
    return bad();
  }
  FunctionArnParts out;
  out.name = std::string(parts[6]);
  if (parts.size() == 8) {
    if (parts[7].empty()) return bad();
    out.qualifier = std::string(parts[7]);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Weights.

// "0.05", "1.0", "0.0": the exact decimal value of ppb / 1e9, which reads
// back to the same ppb (weights.h: WeightFromDouble(WeightToDouble(w)) == w
// and the nearest double to this decimal is WeightToDouble(w)).
std::string WeightLiteral(uint32_t ppb) {
  const uint32_t whole = ppb / kWeightScale;
  const uint32_t frac = ppb % kWeightScale;
  if (frac == 0) return absl::StrCat(whole, ".0");
  std::string digits = absl::StrFormat("%09u", frac);
  while (digits.back() == '0') digits.pop_back();
  return absl::StrCat(whole, ".", digits);
}

absl::StatusOr<uint32_t> ReadWeight(const JValue& v, absl::string_view path) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kNumber, "a number", path));
  double d = 0;
  // Lambda's Weight shape: a double in [0.0, 1.0].
  if (!absl::SimpleAtod(v.text, &d) || !(d >= 0.0 && d <= 1.0)) {
    return Invalid(path, absl::StrCat("must be in [0.0, 1.0], got ", v.text));
  }
  return WeightFromDouble(d, path);
}

// AliasRoutingConfiguration: {"AdditionalVersionWeights": {"2": 0.05}}.
absl::Status ReadRoutingConfig(const JValue& v, absl::string_view path,
                               v1::RoutingConfig* out) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kObject, "an object", path));
  out->Clear();
  const std::string wpath = Child(path, "AdditionalVersionWeights");
  const JValue* weights = Member(v, "AdditionalVersionWeights");
  if (weights == nullptr) return absl::OkStatus();
  AWSJSON_RETURN_IF_ERROR(
      ExpectType(*weights, JType::kObject, "an object", wpath));
  std::vector<VersionShare> entries;
  std::vector<uint32_t> ppbs;
  for (const JMember& m : weights->members) {
    const std::string p = MapKey(wpath, m.key);
    // Lambda's AdditionalVersion shape: [0-9]+.
    if (!IsVersionNumber(m.key)) {
      return Invalid(p, absl::StrCat("key must be a version number (digits, "
                                     "no leading zero), got ",
                                     Quote(m.key)));
    }
    absl::StatusOr<uint32_t> w = ReadWeight(m.value, p);
    if (!w.ok()) return w.status();
    entries.push_back(VersionShare{m.key, *w});
    ppbs.push_back(*w);
  }
  absl::StatusOr<uint32_t> sum = SumWeights(ppbs, wpath);
  if (!sum.ok()) return sum.status();
  std::sort(entries.begin(), entries.end(),
            [](const VersionShare& a, const VersionShare& b) {
              return VersionLess(a.version, b.version);
            });
  for (const VersionShare& e : entries) {
    v1::VersionWeight* w = out->add_additional_version_weights();
    w->set_version(e.version);
    w->set_weight_ppb(e.weight_ppb);
  }
  return absl::OkStatus();
}

absl::StatusOr<JValue> RoutingConfigToJ(const v1::RoutingConfig& config,
                                        absl::string_view path) {
  std::vector<const v1::VersionWeight*> sorted;
  for (const v1::VersionWeight& w : config.additional_version_weights()) {
    sorted.push_back(&w);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const v1::VersionWeight* a, const v1::VersionWeight* b) {
              return VersionLess(a->version(), b->version());
            });
  const std::string wpath = Child(path, "AdditionalVersionWeights");
  JValue weights = MakeObject();
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i - 1]->version() == sorted[i]->version()) {
      return Invalid(wpath, absl::StrCat("version ",
                                         Quote(sorted[i]->version()),
                                         " appears more than once"));
    }
    Add(&weights, sorted[i]->version(),
        MakeNumber(WeightLiteral(sorted[i]->weight_ppb())));
  }
  JValue v = MakeObject();
  Add(&v, "AdditionalVersionWeights", std::move(weights));
  return v;
}

// ---------------------------------------------------------------------------
// Timestamps: AWS writes LastModified as "2019-08-14T22:26:11.234+0000".

constexpr int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z

absl::Status ReadTimestamp(const JValue& v, absl::string_view path,
                           google::protobuf::Timestamp* out) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kString, "a string", path));
  absl::Time t;
  std::string err;
  bool ok = false;
  // "infinite-future" and "infinite-past" parse with any format: refuse them.
  if (!v.text.empty() && IsDigit(v.text.front())) {
    ok = absl::ParseTime("%Y-%m-%dT%H:%M:%E*S%z", v.text, &t, &err) ||
         absl::ParseTime("%Y-%m-%dT%H:%M:%E*S%Ez", v.text, &t, &err);
  }
  if (!ok || t == absl::InfiniteFuture() || t == absl::InfinitePast()) {
    return Invalid(path, absl::StrCat("expected an ISO-8601 time such as "
                                      "2019-08-14T22:26:11.234+0000, got ",
                                      Quote(v.text)));
  }
  const int64_t seconds = absl::ToUnixSeconds(t);
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return Invalid(path, absl::StrCat("must be between years 1 and 9999, got ",
                                      Quote(v.text)));
  }
  const int64_t nanos =
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds));
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(nanos));
  return absl::OkStatus();
}

absl::StatusOr<std::string> FormatTimestamp(const google::protobuf::Timestamp& ts,
                                            absl::string_view path) {
  if (ts.seconds() < kMinTimestampSeconds ||
      ts.seconds() > kMaxTimestampSeconds || ts.nanos() < 0 ||
      ts.nanos() > 999'999'999) {
    return Invalid(path, absl::StrCat("timestamp out of range (seconds ",
                                      ts.seconds(), ", nanos ", ts.nanos(),
                                      ")"));
  }
  const absl::Time t =
      absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  return absl::FormatTime(ts.nanos() % 1'000'000 == 0
                              ? "%Y-%m-%dT%H:%M:%E3S%z"
                              : "%Y-%m-%dT%H:%M:%E9S%z",
                          t, absl::UTCTimeZone());
}

// ---------------------------------------------------------------------------
// Lambda shapes.

absl::Status ReadAlias(const JValue& v, absl::string_view path, AwsAlias* out) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kObject, "an object", path));
  AwsAlias a;
  v1::Alias& alias = a.alias;
  std::string s;
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "Name", &s, /*required=*/true));
  AWSJSON_RETURN_IF_ERROR(CheckAliasName(s, Child(path, "Name")));
  alias.set_name(s);
  s.clear();
  AWSJSON_RETURN_IF_ERROR(
      ReadString(v, path, "FunctionVersion", &s, /*required=*/true));
  AWSJSON_RETURN_IF_ERROR(
      CheckVersion(s, Child(path, "FunctionVersion"), /*allow_latest=*/true));
  alias.set_function_version(s);
  s.clear();
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "Description", &s));
  alias.set_description(s);
  s.clear();
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "RevisionId", &s));
  alias.set_revision_id(s);
  if (const JValue* rc = Member(v, "RoutingConfig")) {
    v1::RoutingConfig routing;
    AWSJSON_RETURN_IF_ERROR(
        ReadRoutingConfig(*rc, Child(path, "RoutingConfig"), &routing));
    // An empty routing config is the same as none: leave the field unset so
    // that what is written (nothing) reads back identical.
    if (routing.additional_version_weights_size() > 0) {
      *alias.mutable_routing_config() = std::move(routing);
    }
  }
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "AliasArn", &a.alias_arn));
  if (!a.alias_arn.empty()) {
    const std::string p = Child(path, "AliasArn");
    absl::StatusOr<FunctionArnParts> parts = SplitFunctionArn(a.alias_arn, p);
    if (!parts.ok()) return parts.status();
    if (parts->qualifier != alias.name()) {
      return Invalid(p, absl::StrCat("qualifier ", Quote(parts->qualifier),
                                     " does not match Name ",
                                     Quote(alias.name())));
    }
    a.function_name = parts->name;
  }
  *out = std::move(a);
  return absl::OkStatus();
}

absl::StatusOr<JValue> AliasToJ(const AwsAlias& a, absl::string_view path) {
  const v1::Alias& alias = a.alias;
  JValue v = MakeObject();
  if (!a.alias_arn.empty()) Add(&v, "AliasArn", MakeString(a.alias_arn));
  Add(&v, "Name", MakeString(alias.name()));
  Add(&v, "FunctionVersion", MakeString(alias.function_version()));
  Add(&v, "Description", MakeString(alias.description()));
  if (alias.routing_config().additional_version_weights_size() > 0) {
    absl::StatusOr<JValue> rc =
        RoutingConfigToJ(alias.routing_config(), Child(path, "RoutingConfig"));
    if (!rc.ok()) return rc.status();
    Add(&v, "RoutingConfig", *std::move(rc));
  }
  if (!alias.revision_id().empty()) {
    Add(&v, "RevisionId", MakeString(alias.revision_id()));
  }
  return v;
}

absl::Status ReadStringMap(const JValue& obj, absl::string_view path,
                           absl::string_view key,
                           google::protobuf::Map<std::string, std::string>* out) {
  const JValue* v = Member(obj, key);
  if (v == nullptr) return absl::OkStatus();
  const std::string p = Child(path, key);
  AWSJSON_RETURN_IF_ERROR(ExpectType(*v, JType::kObject, "an object", p));
  for (const JMember& m : v->members) {
    const std::string mp = MapKey(p, m.key);
    AWSJSON_RETURN_IF_ERROR(
        ExpectType(m.value, JType::kString, "a string", mp));
    (*out)[m.key] = m.value.text;
  }
  return absl::OkStatus();
}

absl::Status ReadFunctionConfig(const JValue& v, absl::string_view path,
                                AwsFunctionConfiguration* out) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kObject, "an object", path));
  AwsFunctionConfiguration f;
  v1::FunctionConfiguration& c = f.configuration;
  AWSJSON_RETURN_IF_ERROR(
      ReadString(v, path, "FunctionName", &f.function_name, /*required=*/true));
  if (f.function_name.empty()) {
    return Invalid(Child(path, "FunctionName"), "must not be empty");
  }
  AWSJSON_RETURN_IF_ERROR(
      ReadString(v, path, "Version", &f.version, /*required=*/true));
  AWSJSON_RETURN_IF_ERROR(
      CheckVersion(f.version, Child(path, "Version"), /*allow_latest=*/true));
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "FunctionArn", &f.function_arn));
  if (!f.function_arn.empty()) {
    const std::string p = Child(path, "FunctionArn");
    absl::StatusOr<FunctionArnParts> parts = SplitFunctionArn(f.function_arn, p);
    if (!parts.ok()) return parts.status();
    if (parts->name != f.function_name) {
      return Invalid(p, absl::StrCat("function name ", Quote(parts->name),
                                     " does not match FunctionName ",
                                     Quote(f.function_name)));
    }
    if (!parts->qualifier.empty() && parts->qualifier != f.version) {
      return Invalid(p, absl::StrCat("qualifier ", Quote(parts->qualifier),
                                     " does not match Version ",
                                     Quote(f.version)));
    }
  }
  std::string s;
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "Runtime", &s));
  c.set_runtime(s);
  s.clear();
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "Role", &s));
  c.set_role(s);
  s.clear();
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "Handler", &s));
  c.set_handler(s);
  s.clear();
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "Description", &s));
  c.set_description(s);
  s.clear();
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "CodeSha256", &s));
  c.set_code_sha256(s);
  uint64_t n = 0;
  AWSJSON_RETURN_IF_ERROR(ReadUint(v, path, "CodeSize",
                                   std::numeric_limits<uint64_t>::max(), &n));
  c.set_code_size_bytes(n);
  n = 0;
  AWSJSON_RETURN_IF_ERROR(ReadUint(v, path, "Timeout",
                                   std::numeric_limits<uint32_t>::max(), &n));
  c.set_timeout_seconds(static_cast<uint32_t>(n));
  n = 0;
  AWSJSON_RETURN_IF_ERROR(ReadUint(v, path, "MemorySize",
                                   std::numeric_limits<uint32_t>::max(), &n));
  c.set_memory_size_mb(static_cast<uint32_t>(n));
  if (const JValue* dlq = Member(v, "DeadLetterConfig")) {
    const std::string p = Child(path, "DeadLetterConfig");
    AWSJSON_RETURN_IF_ERROR(ExpectType(*dlq, JType::kObject, "an object", p));
    s.clear();
    AWSJSON_RETURN_IF_ERROR(ReadString(*dlq, p, "TargetArn", &s));
    c.set_dead_letter_target_arn(s);
  }
  if (const JValue* env = Member(v, "Environment")) {
    const std::string p = Child(path, "Environment");
    AWSJSON_RETURN_IF_ERROR(ExpectType(*env, JType::kObject, "an object", p));
    AWSJSON_RETURN_IF_ERROR(
        ReadStringMap(*env, p, "Variables", c.mutable_environment()));
  }
  if (const JValue* arch = Member(v, "Architectures")) {
    const std::string p = Child(path, "Architectures");
    AWSJSON_RETURN_IF_ERROR(ExpectType(*arch, JType::kArray, "an array", p));
    for (size_t i = 0; i < arch->items.size(); ++i) {
      AWSJSON_RETURN_IF_ERROR(
          ExpectType(arch->items[i], JType::kString, "a string", Index(p, i)));
      c.add_architectures(arch->items[i].text);
    }
  }
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "RevisionId", &f.revision_id));
  if (const JValue* lm = Member(v, "LastModified")) {
    google::protobuf::Timestamp ts;
    AWSJSON_RETURN_IF_ERROR(
        ReadTimestamp(*lm, Child(path, "LastModified"), &ts));
    f.last_modified = ts;
  }
  *out = std::move(f);
  return absl::OkStatus();
}

absl::StatusOr<JValue> FunctionConfigToJ(const AwsFunctionConfiguration& f,
                                         absl::string_view path) {
  const v1::FunctionConfiguration& c = f.configuration;
  JValue v = MakeObject();
  auto add_string = [&](absl::string_view key, const std::string& value) {
    if (!value.empty()) Add(&v, key, MakeString(value));
  };
  auto add_number = [&](absl::string_view key, uint64_t value) {
    if (value != 0) Add(&v, key, MakeNumber(absl::StrCat(value)));
  };
  Add(&v, "FunctionName", MakeString(f.function_name));
  add_string("FunctionArn", f.function_arn);
  add_string("Runtime", c.runtime());
  add_string("Role", c.role());
  add_string("Handler", c.handler());
  add_number("CodeSize", c.code_size_bytes());
  Add(&v, "Description", MakeString(c.description()));
  add_number("Timeout", c.timeout_seconds());
  add_number("MemorySize", c.memory_size_mb());
  if (f.last_modified.has_value()) {
    absl::StatusOr<std::string> lm =
        FormatTimestamp(*f.last_modified, Child(path, "LastModified"));
    if (!lm.ok()) return lm.status();
    Add(&v, "LastModified", MakeString(*std::move(lm)));
  }
  add_string("CodeSha256", c.code_sha256());
  Add(&v, "Version", MakeString(f.version));
  if (!c.dead_letter_target_arn().empty()) {
    JValue dlq = MakeObject();
    Add(&dlq, "TargetArn", MakeString(c.dead_letter_target_arn()));
    Add(&v, "DeadLetterConfig", std::move(dlq));
  }
  if (!c.environment().empty()) {
    std::vector<std::pair<std::string, std::string>> vars;
    for (const auto& kv : c.environment()) vars.emplace_back(kv.first, kv.second);
    std::sort(vars.begin(), vars.end());
    JValue variables = MakeObject();
    for (auto& [name, value] : vars) Add(&variables, name, MakeString(value));
    JValue env = MakeObject();
    Add(&env, "Variables", std::move(variables));
    Add(&v, "Environment", std::move(env));
  }
  add_string("RevisionId", f.revision_id);
  if (c.architectures_size() > 0) {
    JValue arch = MakeArray();
    for (const std::string& a : c.architectures()) {
      arch.items.push_back(MakeString(a));
    }
    Add(&v, "Architectures", std::move(arch));
  }
  return v;
}

// Reads `key` of the root as an array of shapes read by `read_one`.
template <typename T, typename ReadOne>
absl::Status ReadList(const JValue& root, absl::string_view key,
                      ReadOne read_one, std::vector<T>* out) {
  const JValue* list = Member(root, key);
  if (list == nullptr) return absl::OkStatus();
  AWSJSON_RETURN_IF_ERROR(ExpectType(*list, JType::kArray, "an array", key));
  out->reserve(list->items.size());
  for (size_t i = 0; i < list->items.size(); ++i) {
    T item;
    AWSJSON_RETURN_IF_ERROR(read_one(list->items[i], Index(key, i), &item));
    out->push_back(std::move(item));
  }
  return absl::OkStatus();
}

// Writes `text` and checks that `reread` accepts it, so a writer refuses
// exactly what its reader would refuse.
template <typename Reread>
absl::StatusOr<std::string> WriteChecked(const JValue& root, Reread reread) {
  absl::StatusOr<std::string> text = ToText(root);
  if (!text.ok()) return text.status();
  AWSJSON_RETURN_IF_ERROR(reread(*text));
  return text;
}

// ---------------------------------------------------------------------------
// CodeDeploy TrafficRoutingConfig.

// CodeDeploy's limits for Lambda deployments (CodeDeploy User Guide,
// "Quotas"): at most 99 % per increment, at most 2880 minutes between the
// first and last shift. A 0 % step or a 0-minute interval is meaningless.
constexpr uint64_t kMaxPercentage = 99;
constexpr uint64_t kMaxIntervalMinutes = 2880;

absl::Status ReadStep(const JValue& v, absl::string_view path,
                      absl::string_view percentage_key,
                      absl::string_view interval_key, uint32_t* percentage,
                      uint32_t* interval) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kObject, "an object", path));
  uint64_t p = 0, i = 0;
  AWSJSON_RETURN_IF_ERROR(ReadUint(v, path, percentage_key, kMaxPercentage, &p,
                                   /*required=*/true));
  if (p == 0) {
    return Invalid(Child(path, percentage_key), "must be at least 1, got 0");
  }
  AWSJSON_RETURN_IF_ERROR(ReadUint(v, path, interval_key, kMaxIntervalMinutes,
                                   &i, /*required=*/true));
  if (i == 0) {
    return Invalid(Child(path, interval_key), "must be at least 1, got 0");
  }
  *percentage = static_cast<uint32_t>(p);
  *interval = static_cast<uint32_t>(i);
  return absl::OkStatus();
}

absl::Status ReadTrafficRouting(const JValue& v, absl::string_view path,
                                v1::TrafficRoutingConfig* out) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kObject, "an object", path));
  std::string type;
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "type", &type, /*required=*/true));
  if (type == "AllAtOnce") {
    out->mutable_all_at_once();
    return absl::OkStatus();
  }
  if (type == "TimeBasedCanary") {
    const JValue* block = Member(v, "timeBasedCanary");
    const std::string p = Child(path, "timeBasedCanary");
    if (block == nullptr) return Missing(p);
    uint32_t pct, interval;
    AWSJSON_RETURN_IF_ERROR(ReadStep(*block, p, "canaryPercentage",
                                     "canaryInterval", &pct, &interval));
    out->mutable_time_based_canary()->set_canary_percentage(pct);
    out->mutable_time_based_canary()->set_canary_interval_minutes(interval);
    return absl::OkStatus();
  }
  if (type == "TimeBasedLinear") {
    const JValue* block = Member(v, "timeBasedLinear");
    const std::string p = Child(path, "timeBasedLinear");
    if (block == nullptr) return Missing(p);
    uint32_t pct, interval;
    AWSJSON_RETURN_IF_ERROR(ReadStep(*block, p, "linearPercentage",
                                     "linearInterval", &pct, &interval));
    out->mutable_time_based_linear()->set_linear_percentage(pct);
    out->mutable_time_based_linear()->set_linear_interval_minutes(interval);
    return absl::OkStatus();
  }
  return Invalid(Child(path, "type"),
                 absl::StrCat("must be \"TimeBasedCanary\", "
                              "\"TimeBasedLinear\" or \"AllAtOnce\", got ",
                              Quote(type)));
}

// DeploymentConfigInfo: deploymentConfigName, computePlatform,
// trafficRoutingConfig.
absl::Status ReadDeploymentConfigInfo(const JValue& v, absl::string_view path,
                                      v1::TrafficRoutingConfig* out) {
  AWSJSON_RETURN_IF_ERROR(ExpectType(v, JType::kObject, "an object", path));
  std::string platform;
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "computePlatform", &platform));
  if (!platform.empty() && platform != "Lambda") {
    return Invalid(Child(path, "computePlatform"),
                   absl::StrCat("must be \"Lambda\", got ", Quote(platform)));
  }
  const JValue* trc = Member(v, "trafficRoutingConfig");
  const std::string p = Child(path, "trafficRoutingConfig");
  if (trc == nullptr) return Missing(p);
  v1::TrafficRoutingConfig config;
  AWSJSON_RETURN_IF_ERROR(ReadTrafficRouting(*trc, p, &config));
  std::string name;
  AWSJSON_RETURN_IF_ERROR(ReadString(v, path, "deploymentConfigName", &name));
  config.set_name(name);
  *out = std::move(config);
  return absl::OkStatus();
}

absl::StatusOr<JValue> TrafficRoutingToJ(const v1::TrafficRoutingConfig& c) {
  JValue v = MakeObject();
  auto step = [](absl::string_view pkey, uint32_t pct, absl::string_view ikey,
                 uint32_t interval) {
    JValue s = MakeObject();
    Add(&s, pkey, MakeNumber(absl::StrCat(pct)));
    Add(&s, ikey, MakeNumber(absl::StrCat(interval)));
    return s;
  };
  switch (c.kind_case()) {
    case v1::TrafficRoutingConfig::kAllAtOnce:
      Add(&v, "type", MakeString("AllAtOnce"));
      return v;
    case v1::TrafficRoutingConfig::kTimeBasedCanary:
      Add(&v, "type", MakeString("TimeBasedCanary"));
      Add(&v, "timeBasedCanary",
          step("canaryPercentage", c.time_based_canary().canary_percentage(),
               "canaryInterval",
               c.time_based_canary().canary_interval_minutes()));
      return v;
    case v1::TrafficRoutingConfig::kTimeBasedLinear:
      Add(&v, "type", MakeString("TimeBasedLinear"));
      Add(&v, "timeBasedLinear",
          step("linearPercentage", c.time_based_linear().linear_percentage(),
               "linearInterval",
               c.time_based_linear().linear_interval_minutes()));
      return v;
    case v1::TrafficRoutingConfig::kStepList:
      return InvalidParameterValue(
          "trafficRoutingConfig: a step list has no CodeDeploy form (CodeDeploy "
          "knows TimeBasedCanary, TimeBasedLinear and AllAtOnce)");
    case v1::TrafficRoutingConfig::KIND_NOT_SET:
      break;
  }
  return InvalidParameterValue("trafficRoutingConfig: no kind is set");
}

}  // namespace

// ---------------------------------------------------------------------------
// Public API.

absl::StatusOr<AwsAlias> AliasFromAwsJson(absl::string_view json) {
  absl::StatusOr<JValue> root = ParseJsonDocument(json);
  if (!root.ok()) return root.status();
  AwsAlias out;
  AWSJSON_RETURN_IF_ERROR(ReadAlias(*root, "", &out));
  return out;
}

absl::StatusOr<std::string> AliasToAwsJson(const AwsAlias& alias) {
  absl::StatusOr<JValue> v = AliasToJ(alias, "");
  if (!v.ok()) return v.status();
  return WriteChecked(*v, [](absl::string_view text) {
    return AliasFromAwsJson(text).status();
  });
}

absl::StatusOr<AwsAliasList> ListAliasesFromAwsJson(absl::string_view json) {
  absl::StatusOr<JValue> root = ParseJsonDocument(json);
  if (!root.ok()) return root.status();
  AWSJSON_RETURN_IF_ERROR(ExpectType(*root, JType::kObject, "an object", ""));
  AwsAliasList out;
  AWSJSON_RETURN_IF_ERROR(ReadString(*root, "", "NextMarker", &out.next_marker));
  AWSJSON_RETURN_IF_ERROR(ReadList(*root, "Aliases", ReadAlias, &out.aliases));
  return out;
}

absl::StatusOr<std::string> ListAliasesToAwsJson(const AwsAliasList& list) {
  JValue root = MakeObject();
  if (!list.next_marker.empty()) {
    Add(&root, "NextMarker", MakeString(list.next_marker));
  }
  JValue aliases = MakeArray();
  for (size_t i = 0; i < list.aliases.size(); ++i) {
    absl::StatusOr<JValue> v = AliasToJ(list.aliases[i], Index("Aliases", i));
    if (!v.ok()) return v.status();
    aliases.items.push_back(*std::move(v));
  }
  Add(&root, "Aliases", std::move(aliases));
  return WriteChecked(root, [](absl::string_view text) {
    return ListAliasesFromAwsJson(text).status();
  });
}

absl::StatusOr<AwsFunctionConfiguration> FunctionConfigurationFromAwsJson(
    absl::string_view json) {
  absl::StatusOr<JValue> root = ParseJsonDocument(json);
  if (!root.ok()) return root.status();
  AwsFunctionConfiguration out;
  AWSJSON_RETURN_IF_ERROR(ReadFunctionConfig(*root, "", &out));
  return out;
}

absl::StatusOr<std::string> FunctionConfigurationToAwsJson(
    const AwsFunctionConfiguration& config) {
  absl::StatusOr<JValue> v = FunctionConfigToJ(config, "");
  if (!v.ok()) return v.status();
  return WriteChecked(*v, [](absl::string_view text) {
    return FunctionConfigurationFromAwsJson(text).status();
  });
}

absl::StatusOr<AwsVersionList> ListVersionsFromAwsJson(absl::string_view json) {
  absl::StatusOr<JValue> root = ParseJsonDocument(json);
  if (!root.ok()) return root.status();
  AWSJSON_RETURN_IF_ERROR(ExpectType(*root, JType::kObject, "an object", ""));
  AwsVersionList out;
  AWSJSON_RETURN_IF_ERROR(ReadString(*root, "", "NextMarker", &out.next_marker));
  AWSJSON_RETURN_IF_ERROR(
      ReadList(*root, "Versions", ReadFunctionConfig, &out.versions));
  return out;
}

absl::StatusOr<std::string> ListVersionsToAwsJson(const AwsVersionList& list) {
  JValue root = MakeObject();
  if (!list.next_marker.empty()) {
    Add(&root, "NextMarker", MakeString(list.next_marker));
  }
  JValue versions = MakeArray();
  for (size_t i = 0; i < list.versions.size(); ++i) {
    absl::StatusOr<JValue> v =
        FunctionConfigToJ(list.versions[i], Index("Versions", i));
    if (!v.ok()) return v.status();
    versions.items.push_back(*std::move(v));
  }
  Add(&root, "Versions", std::move(versions));
  return WriteChecked(root, [](absl::string_view text) {
    return ListVersionsFromAwsJson(text).status();
  });
}

absl::StatusOr<v1::FunctionVersion> ToFunctionVersion(
    const AwsFunctionConfiguration& config) {
  if (config.is_latest()) {
    return InvalidParameterValue(
        "Version: expected a published version number, got \"$LATEST\"");
  }
  AWSJSON_RETURN_IF_ERROR(
      CheckVersion(config.version, "Version", /*allow_latest=*/false));
  v1::FunctionVersion v;
  v.set_version(config.version);
  *v.mutable_configuration() = config.configuration;
  v.set_revision_id(config.revision_id);
  if (config.last_modified.has_value()) {
    *v.mutable_created() = *config.last_modified;
  }
  return v;
}

absl::StatusOr<v1::LatestState> ToLatestState(
    const AwsFunctionConfiguration& config) {
  if (!config.is_latest()) {
    return InvalidParameterValue(absl::StrCat(
        "Version: expected \"$LATEST\", got ", Quote(config.version)));
  }
  v1::LatestState s;
  *s.mutable_configuration() = config.configuration;
  s.set_revision_id(config.revision_id);
  if (config.last_modified.has_value()) {
    *s.mutable_last_modified() = *config.last_modified;
  }
  return s;
}

absl::StatusOr<v1::RoutingConfig> RoutingConfigFromAwsJson(
    absl::string_view text) {
  absl::StatusOr<JValue> root = ParseArgument(text);
  if (!root.ok()) return root.status();
  v1::RoutingConfig out;
  AWSJSON_RETURN_IF_ERROR(ReadRoutingConfig(*root, "RoutingConfig", &out));
  return out;
}

absl::StatusOr<std::string> RoutingConfigToAwsJson(
    const v1::RoutingConfig& config) {
  absl::StatusOr<JValue> v = RoutingConfigToJ(config, "RoutingConfig");
  if (!v.ok()) return v.status();
  return WriteChecked(*v, [](absl::string_view text) {
    return RoutingConfigFromAwsJson(text).status();
  });
}

absl::StatusOr<std::string> RoutingConfigToAwsShorthand(
    const v1::RoutingConfig& config) {
  absl::StatusOr<JValue> v = RoutingConfigToJ(config, "RoutingConfig");
  if (!v.ok()) return v.status();
  std::string text = "AdditionalVersionWeights={";
  const JValue& weights = v->members.front().value;
  for (size_t i = 0; i < weights.members.size(); ++i) {
    absl::StrAppend(&text, i > 0 ? "," : "", weights.members[i].key, "=",
                    weights.members[i].value.text);
  }
  text.push_back('}');
  AWSJSON_RETURN_IF_ERROR(RoutingConfigFromAwsJson(text).status());
  return text;
}

absl::StatusOr<v1::TrafficRoutingConfig> TrafficRoutingConfigFromAwsJson(
    absl::string_view text) {
  absl::StatusOr<JValue> root = ParseArgument(text);
  if (!root.ok()) return root.status();
  AWSJSON_RETURN_IF_ERROR(ExpectType(*root, JType::kObject, "an object", ""));
  v1::TrafficRoutingConfig out;
  if (const JValue* info = Member(*root, "deploymentConfigInfo")) {
    AWSJSON_RETURN_IF_ERROR(
        ReadDeploymentConfigInfo(*info, "deploymentConfigInfo", &out));
  } else if (Member(*root, "trafficRoutingConfig") != nullptr) {
    AWSJSON_RETURN_IF_ERROR(ReadDeploymentConfigInfo(*root, "", &out));
  } else {
    AWSJSON_RETURN_IF_ERROR(
        ReadTrafficRouting(*root, "trafficRoutingConfig", &out));
  }
  return out;
}

absl::StatusOr<std::string> TrafficRoutingConfigToAwsJson(
    const v1::TrafficRoutingConfig& config) {
  absl::StatusOr<JValue> v = TrafficRoutingToJ(config);
  if (!v.ok()) return v.status();
  return WriteChecked(*v, [](absl::string_view text) {
    return TrafficRoutingConfigFromAwsJson(text).status();
  });
}

absl::StatusOr<std::string> DeploymentConfigToAwsJson(
    const v1::TrafficRoutingConfig& config) {
  absl::StatusOr<JValue> trc = TrafficRoutingToJ(config);
  if (!trc.ok()) return trc.status();
  JValue info = MakeObject();
  if (!config.name().empty()) {
    Add(&info, "deploymentConfigName", MakeString(config.name()));
  }
  Add(&info, "computePlatform", MakeString("Lambda"));
  Add(&info, "trafficRoutingConfig", *std::move(trc));
  JValue root = MakeObject();
  Add(&root, "deploymentConfigInfo", std::move(info));
  return WriteChecked(root, [](absl::string_view text) {
    return TrafficRoutingConfigFromAwsJson(text).status();
  });
}

}  // namespace aliasroute
