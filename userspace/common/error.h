// Errors as values where the caller can recover (a probe that does not
// load degrades a feature); exceptions only for what ends the command.
#pragma once

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace pw {

// A fatal error for the CLI edge: its message is one sentence for the user.
class FatalError : public std::runtime_error {
 public:
  explicit FatalError(const std::string& what, int exit_code = 1)
      : std::runtime_error(what), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

inline std::string errno_text(int err) {
  if (err < 0) err = -err;
  return std::string(std::strerror(err)) + " (errno " + std::to_string(err) + ")";
}

// Success, or the reason for failure.
class Status {
 public:
  static Status ok() { return Status(); }
  static Status error(std::string why) { return Status(std::move(why)); }
  // With the negative errno of the failed call, for callers that react to it.
  static Status error(std::string why, int code) {
    Status s(std::move(why));
    s.code_ = code;
    return s;
  }
  bool is_ok() const { return message_.empty(); }
  explicit operator bool() const { return is_ok(); }
  const std::string& message() const { return message_; }
  int code() const { return code_; }  // 0 when not known

 private:
  Status() = default;
  explicit Status(std::string m) : message_(m.empty() ? "unknown error" : std::move(m)) {}
  std::string message_;
  int code_ = 0;
};

}  // namespace pw
