// One logger for procwatch and for libbpf's messages: quiet by default,
// -v shows info, -vv shows libbpf's debug output too.
#pragma once

#include <cstdio>
#include <string>

namespace pw {

enum class LogLevel { Error = 0, Warn = 1, Info = 2, Debug = 3 };

void set_log_level(LogLevel level);
LogLevel log_level();
// Where log lines go (stderr by default). The live UI redirects them to a
// buffer so they do not scribble over the screen.
void set_log_sink(void (*sink)(LogLevel, const std::string&));
void log(LogLevel level, const std::string& message);

inline void log_error(const std::string& m) { log(LogLevel::Error, m); }
inline void log_warn(const std::string& m) { log(LogLevel::Warn, m); }
inline void log_info(const std::string& m) { log(LogLevel::Info, m); }
inline void log_debug(const std::string& m) { log(LogLevel::Debug, m); }

}  // namespace pw
