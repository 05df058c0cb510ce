// The compact encoding of a sample's data blob (table sample_data).
//
// A blob holds one sample: its system figures and every process that
// changed since the previous sample, each as varint deltas against that
// process's previous values. A process whose values did not change costs
// nothing: it stays present until the blob lists it as removed. A keyframe
// (every few hundred samples) encodes every present process against
// nothing, so a reader can start there instead of at the session's start.
//
//   u8      format version (kBlobVersion)
//   varint  flags (bit 0: keyframe)
//   varint  length, then the system section (fields below; a reader skips
//           trailing fields it does not know)
//   varint  n removed, then process ids ascending (first absolute, then gaps)
//   varint  n entries, then for each: varint id gap, then the entry
//
// An entry is a varint of section flags, then the sections present:
//   New        pid (zigzag), start_ns: the baseline is an empty process
//   Meta       varint mask, then one varint per set bit (MetaField order)
//   Presence   bitmap of the counters measured (when it changed)
//   Counters   bitmap of the counters that changed, then zigzag deltas
//   RunqHist / IoHist   bitmap of changed buckets, then zigzag deltas
//   Devices / Connections   the whole list (when it changed): count, then
//           per item its identity and zigzag deltas of its counters against
//           the item at the same position when that has the same identity
// Counters are numbered by the database's counter dictionary (table
// counters), never by the enum, so counters added later need no new schema.
//
// Off-CPU time is predicted: the kernel's figure is lifetime - on-CPU -
// run-queue wait, so a blocked process gains the elapsed time per thread
// every sample. Between two samples `elapsed` apart, offcpu_ns is stored as
// its change minus elapsed * threads - the change of runtime_ns and
// runq_wait_ns (when offcpu_ns is measured in both), and a process that is
// not listed at all gained exactly elapsed * threads of it. A process that
// slept through the interval then costs a few bytes (the residual is the
// jitter of the moment each task was read), or nothing when it is exact.
// Strings are ids in the database's string dictionary (0 = empty string).
// All integers: no derived figure, no floating point (load averages are
// stored in hundredths, exactly as /proc/loadavg prints them).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/sample.h"

namespace pw {

inline constexpr std::uint8_t kBlobVersion = 1;

// Malformed blob data: the reader turns it into a StoreError.
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void svarint(std::int64_t v) {
    varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  // The difference cur - base, modulo 2^64, as a zigzag varint: exact for
  // any two values, short when they are close.
  void delta(std::uint64_t base, std::uint64_t cur) {
    svarint(static_cast<std::int64_t>(cur - base));
  }
  std::string& buffer() { return out_; }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in)
      : p_(reinterpret_cast<const std::uint8_t*>(in.data())), end_(p_ + in.size()) {}
  std::uint8_t u8() {
    if (p_ == end_) throw DecodeError("unexpected end of data");
    return *p_++;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = u8();
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw DecodeError("varint too long");
  }
  std::int64_t svarint() {
    const std::uint64_t z = varint();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::uint64_t apply_delta(std::uint64_t base) {
    return base + static_cast<std::uint64_t>(svarint());
  }
  // A sub-reader over the next n bytes.
  ByteReader sub(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) throw DecodeError("section longer than data");
    ByteReader r(std::string_view(reinterpret_cast<const char*>(p_), n));
    p_ += n;
    return r;
  }
  bool done() const { return p_ == end_; }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

// A set of bit indexes as varint chunks of 56 bits; bit 0 of each chunk
// says another chunk follows.
void write_bitmap(ByteWriter& w, const std::uint64_t* words56, std::size_t n_words);
// Appends the set bit indexes (ascending) to out; limit bounds the index.
void read_bitmap(ByteReader& r, std::vector<std::uint32_t>& out, std::uint32_t limit);

// String ids: the writer interns, the reader resolves. Id 0 is "".
class StringInterner {
 public:
  virtual ~StringInterner() = default;
  virtual std::uint64_t intern(std::string_view s) = 0;
};
class StringResolver {
 public:
  virtual ~StringResolver() = default;
  virtual const std::string& resolve(std::uint64_t id) = 0;  // throws DecodeError if unknown
};

// Counter enum <-> dictionary ids (1-based row ids of table counters).
struct CounterIds {
  static constexpr std::uint32_t kMaxId = 8 * 56;    // bitmap words in encode_process
  std::array<std::uint32_t, kCounterCount> db_id{};  // per Counter, 1..kMaxId
};
struct CounterNames {
  // Per dictionary id (index = id): the Counter this binary knows it as.
  std::vector<std::optional<Counter>> counter;
  // Dictionary ids of the counters the off-CPU prediction uses (0: absent).
  std::uint32_t runtime_id = 0, runq_wait_id = 0, offcpu_id = 0;
  void set(std::uint32_t id, Counter c);
};

// A process as the reader rebuilds it: counters by dictionary id, so values
// of counters this binary does not know are still decoded (and ignored).
struct StoredProcess {
  ProcessSample sample;               // counters left empty here; see values/present
  std::vector<std::uint64_t> values;  // index = dictionary id
  std::vector<bool> present;
  // The ProcessSample with counters filled in.
  ProcessSample materialize(const CounterNames& names) const;
};

// The writer side of one entry: appends the entry encoding cur against base
// (nullptr: new process or keyframe) and returns true, or appends nothing
// and returns false when base is given and nothing changed beyond the
// off-CPU prediction. elapsed_ns: monotonic time since the base's sample.
bool encode_process(ByteWriter& w, const ProcessSample* base, const ProcessSample& cur,
                    std::uint64_t elapsed_ns, const CounterIds& ids, StringInterner& strings);

// The reader side: applies one entry to `state` (reset first when the
// entry says New). Returns whether it was New (it needs no baseline).
bool decode_process(ByteReader& r, StoredProcess& state, std::uint64_t elapsed_ns,
                    const CounterNames& names, StringResolver& strings);

// What a process not listed in a sample gained: the predicted off-CPU time.
void apply_unlisted(StoredProcess& state, std::uint64_t elapsed_ns, const CounterNames& names);

// System section (without its length prefix); base nullptr = keyframe.
void encode_system(ByteWriter& w, const SystemSample* base, const SystemSample& cur,
                   StringInterner& strings);
void decode_system(ByteReader& r, SystemSample& state, StringResolver& strings);

}  // namespace pw
