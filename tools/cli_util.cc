#include "tools/cli_util.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace aliasroute_cli {

bool Args::Has(absl::string_view name) const {
  return flags.find(std::string(name)) != flags.end();
}

std::string Args::Get(absl::string_view name,
                      absl::string_view fallback) const {
  auto it = flags.find(std::string(name));
  if (it == flags.end() || it->second.empty()) return std::string(fallback);
  return it->second.back();
}

std::vector<std::string> Args::GetAll(absl::string_view name) const {
  auto it = flags.find(std::string(name));
  if (it == flags.end()) return {};
  return it->second;
}

absl::StatusOr<Args> ParseArgs(absl::Span<const std::string> argv,
                               absl::Span<const FlagSpec> specs) {
  Args args;
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positionals || a == "-" || a.size() < 2 || a[0] != '-') {
      args.positionals.push_back(a);
      continue;
    }
    if (a == "--") {
      only_positionals = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      args.help = true;
      continue;
    }
    if (a[1] != '-') {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag ", a, " (flags are spelled --name)"));
    }
    std::string name = a.substr(2);
    std::string value;
    bool has_value = false;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const FlagSpec* spec = nullptr;
    for (const FlagSpec& s : specs) {
      if (s.name == name) spec = &s;
    }
    if (spec == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (spec->kind == FlagSpec::kSwitch) {
      if (has_value) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " takes no value, got \"", value, "\""));
      }
    } else if (!has_value) {
      if (i + 1 >= argv.size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("flag --", name, " needs a value"));
      }
      value = argv[++i];
    }
    std::vector<std::string>& values = args.flags[name];
    if (!values.empty() && spec->kind != FlagSpec::kRepeated) {
      return absl::InvalidArgumentError(
          absl::StrCat("flag --", name, " given more than once"));
    }
    values.push_back(value);
  }
  return args;
}

int UsageError(absl::string_view command, absl::string_view message) {
  std::cerr << "aliasroute " << command << ": " << message << "\n"
            << "Try 'aliasroute " << command << " --help'.\n";
  return kExitUsage;
}

int Failure(absl::string_view command, absl::string_view message) {
  std::cerr << "aliasroute " << command << ": " << message << "\n";
  return kExitFailure;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  std::string data;
  char buf[1 << 16];
  size_t n;
  bool too_big = false;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) {
    if (data.size() + n > kMaxInputBytes) {
      too_big = true;
      break;
    }
    data.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  if (f != stdin) std::fclose(f);
  if (too_big) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, " is larger than ", kMaxInputBytes >> 20, " MiB, the limit"));
  }
  if (failed) {
    return absl::UnknownError(absl::StrCat("cannot read ", path));
  }
  return data;
}

bool IsRegularFile(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view contents) {
  std::string tmp = absl::StrCat(path, ".tmp-XXXXXX");
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    return absl::UnknownError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t w = ::write(fd, contents.data() + done, contents.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return absl::UnknownError(
          absl::StrCat("cannot write ", path, ": ", std::strerror(err)));
    }
    done += static_cast<size_t>(w);
  }
  ::fchmod(fd, 0644);
  if (::close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return absl::UnknownError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

bool WriteStdout(absl::string_view text) {
  if (!text.empty() &&
      std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
    return false;
  }
  return std::fflush(stdout) == 0;
}

std::string JsonQuote(absl::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          out += absl::StrFormat("\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

std::string XmlEscape(absl::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' &&
            c != '\r') {
          out += '?';
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string FormatClock(int64_t ms) {
  std::string sign;
  uint64_t v;
  if (ms < 0) {
    sign = "-";
    v = static_cast<uint64_t>(-(ms + 1)) + 1;
  } else {
    v = static_cast<uint64_t>(ms);
  }
  const uint64_t minutes = v / 60'000;
  const uint64_t seconds = (v / 1000) % 60;
  const uint64_t millis = v % 1000;
  if (millis == 0) return absl::StrFormat("%s%d:%02d", sign, minutes, seconds);
  return absl::StrFormat("%s%d:%02d.%03d", sign, minutes, seconds, millis);
}

std::string FormatShare(double share) {
  return absl::StrFormat("%.2f%%", share * 100.0);
}

absl::StatusOr<uint32_t> ParsePercent(absl::string_view text,
                                      absl::string_view what) {
  absl::string_view t = text;
  absl::ConsumeSuffix(&t, "%");
  const auto bad = [&](absl::string_view rule) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must be ", rule, ", got \"", text, "\""));
  };
  if (t.empty()) return bad("a percentage such as 10% or 12.5%");
  const size_t dot = t.find('.');
  absl::string_view whole = t.substr(0, dot);
  absl::string_view frac =
      dot == absl::string_view::npos ? absl::string_view() : t.substr(dot + 1);
  if (whole.empty() || whole.size() > 3 ||
      (dot != absl::string_view::npos && frac.empty())) {
    return bad("a percentage such as 10% or 12.5%");
  }
  for (char c : whole) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return bad("a percentage such as 10% or 12.5%");
    }
  }
  for (char c : frac) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return bad("a percentage such as 10% or 12.5%");
    }
  }
  if (frac.size() > 7) return bad("a percentage with at most 7 decimals");
  uint64_t ppb = 0;
  for (char c : whole) ppb = ppb * 10 + static_cast<uint64_t>(c - '0');
  ppb *= 10'000'000;
  uint64_t scale = 1'000'000;
  for (char c : frac) {
    ppb += static_cast<uint64_t>(c - '0') * scale;
    scale /= 10;
  }
  if (ppb > 1'000'000'000) return bad("at most 100%");
  return static_cast<uint32_t>(ppb);
}

absl::StatusOr<int64_t> ParseDuration(absl::string_view text,
                                      absl::string_view what) {
  absl::string_view t = text;
  int64_t unit = 0;
  if (absl::ConsumeSuffix(&t, "ms")) {
    unit = 1;
  } else if (absl::ConsumeSuffix(&t, "s")) {
    unit = 1000;
  } else if (absl::ConsumeSuffix(&t, "m")) {
    unit = 60'000;
  } else if (absl::ConsumeSuffix(&t, "h")) {
    unit = 3'600'000;
  }
  const auto bad = [&](absl::string_view rule) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must be ", rule, ", got \"", text, "\""));
  };
  if (unit == 0 || t.empty() || t.size() > 12) {
    return bad("a whole number with a unit ms, s, m or h, such as 10m or 90s");
  }
  for (char c : t) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return bad("a whole number with a unit ms, s, m or h, such as 10m or 90s");
    }
  }
  int64_t n = 0;
  for (char c : t) n = n * 10 + (c - '0');
  if (n == 0) return bad("more than 0");
  return n * unit;  // < 10^12 * 3.6e6 < 2^63.
}

absl::StatusOr<int64_t> ParseMinutes(absl::string_view text,
                                     absl::string_view what) {
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v) || v < 0 || v > 1e9 ||
      absl::StripAsciiWhitespace(text) != text) {
    return absl::InvalidArgumentError(absl::StrCat(
        what, " must be a number of minutes >= 0 such as 2 or 2.5, got \"",
        text, "\""));
  }
  return static_cast<int64_t>(std::llround(v * 60'000.0));
}

absl::StatusOr<int64_t> ParseInt(absl::string_view text, absl::string_view what,
                                 int64_t min, int64_t max) {
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v) || absl::StripAsciiWhitespace(text) != text ||
      v < min || v > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " must be a whole number from ", min, " to ", max,
                     ", got \"", text, "\""));
  }
  return v;
}

}  // namespace aliasroute_cli
