// Durations, sizes and points in time as people type them on a command
// line or at a prompt: "500ms", "10m", "7d"; "512M", "1G"; "12:03:10",
// "2026-11-21 12:03:10", "+5m". Errors are one sentence, for the user.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pw {

template <typename T>
struct Parsed {
  std::optional<T> value;
  std::string error;  // set when value is empty
};

// "1.5s", "500ms", "10m", "2h", "7d", "1w"; a plain number is seconds.
Parsed<std::uint64_t> parse_duration_ns(std::string_view text);

// "1G", "512M", "100k", "2GiB", "1.5T"; binary units; a plain number is bytes.
Parsed<std::uint64_t> parse_size_bytes(std::string_view text);

// A point in a recording that runs from first_wall_ns to last_wall_ns
// (CLOCK_REALTIME ns):
//   HH:MM[:SS[.fff]]            local time on the day the recording starts
//                               (the day after, if that is earlier than its start)
//   YYYY-MM-DD[ T]HH:MM[:SS]    local time
//   ... with a trailing Z or " UTC": that time in UTC
//   @SECONDS                    Unix time
//   +DURATION / -DURATION       after the first / before the last sample
Parsed<std::uint64_t> parse_time_point(std::string_view text, std::uint64_t first_wall_ns,
                                       std::uint64_t last_wall_ns);

// "2024-05-01 12:00:00" in local time, or with " UTC" appended in UTC;
// "-" when wall_ns is 0. with_date=false gives "12:00:00".
std::string format_wall_time(std::uint64_t wall_ns, bool utc, bool with_date = true);

// "12:03:10" (local time of day) for status lines.
std::string format_time_of_day(std::uint64_t wall_ns);

// "1h02m", "5m10s", "42s" for progress lines.
std::string format_duration_short(std::uint64_t ns);

// "1.2 MB" (decimal units, one decimal) for progress lines.
std::string format_size_short(std::uint64_t bytes);

}  // namespace pw
