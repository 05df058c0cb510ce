#include "store/codec.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace pw {
namespace {

// Entry section flags; the most frequent first so most entries need one byte.
enum EntryFlag : std::uint32_t {
  kCounters = 1u << 0,
  kRunqHist = 1u << 1,
  kMeta = 1u << 2,
  kIoHist = 1u << 3,
  kNew = 1u << 4,
  kDevices = 1u << 5,
  kConnections = 1u << 6,
  kPresence = 1u << 7,
  kKnownFlags = (1u << 8) - 1,
};

// Meta fields: one varint each, in this order.
enum MetaField : std::uint32_t {
  kState,
  kThreads,
  kPpid,
  kComm,
  kCmdline,
  kExitStatus,     // 0 = none, else status + 1
  kExitNsPresent,  // 0 or 1
  kExitNs,
  kUid,
  kUser,
  kCgroup,
  kCgroupId,
  kKernelThread,
  kMetaCount,
};

constexpr std::size_t kMaxListItems = 1u << 20;  // sanity bound on devices/connections

std::uint64_t zigzag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

void set_bit(std::uint64_t* words, std::uint32_t bit) { words[bit / 56] |= 1ULL << (bit % 56); }

// Off-CPU time a process gained if every thread was blocked whenever it was
// neither running nor waiting to run (arithmetic modulo 2^64, like deltas).
std::uint64_t predicted_offcpu(std::uint64_t elapsed_ns, std::uint32_t threads,
                               std::uint64_t runtime_delta, std::uint64_t runq_wait_delta) {
  return elapsed_ns * threads - runtime_delta - runq_wait_delta;
}

// ---- meta ----------------------------------------------------------------

void encode_meta(ByteWriter& w, const ProcessSample* base, const ProcessSample& cur,
                 StringInterner& strings, std::uint32_t& flags) {
  static const ProcessSample kEmpty;
  const ProcessSample& b = base ? *base : kEmpty;
  std::uint64_t mask = 0;
  std::uint64_t values[kMetaCount];
  auto put = [&](MetaField f, std::uint64_t v) {
    mask |= 1ULL << f;
    values[f] = v;
  };
  if (cur.state != b.state) put(kState, static_cast<unsigned char>(cur.state));
  if (cur.num_threads != b.num_threads) put(kThreads, cur.num_threads);
  if (cur.ppid != b.ppid) put(kPpid, zigzag(cur.ppid));
  if (cur.comm != b.comm) put(kComm, strings.intern(cur.comm));
  if (cur.cmdline != b.cmdline) put(kCmdline, strings.intern(cur.cmdline));
  if (cur.exit_status != b.exit_status)
    put(kExitStatus, cur.exit_status ? static_cast<std::uint64_t>(*cur.exit_status) + 1 : 0);
  if (cur.exit_ns.has_value() != b.exit_ns.has_value()) put(kExitNsPresent, cur.exit_ns ? 1 : 0);
  if (cur.exit_ns.value_or(0) != b.exit_ns.value_or(0)) put(kExitNs, cur.exit_ns.value_or(0));
  if (cur.uid != b.uid) put(kUid, cur.uid);
  if (cur.user != b.user) put(kUser, strings.intern(cur.user));
  if (cur.cgroup != b.cgroup) put(kCgroup, strings.intern(cur.cgroup));
  if (cur.cgroup_id != b.cgroup_id) put(kCgroupId, cur.cgroup_id);
  if (cur.kernel_thread != b.kernel_thread) put(kKernelThread, cur.kernel_thread ? 1 : 0);
  if (!mask) return;
  flags |= kMeta;
  w.varint(mask);
  for (std::uint32_t f = 0; f < kMetaCount; ++f)
    if (mask & (1ULL << f)) w.varint(values[f]);
}

void decode_meta(ByteReader& r, ProcessSample& p, StringResolver& strings) {
  const std::uint64_t mask = r.varint();
  for (std::uint32_t f = 0; f < 64; ++f) {
    if (!(mask & (1ULL << f))) continue;
    const std::uint64_t v = r.varint();
    switch (f) {
      case kState:
        p.state = static_cast<char>(v);
        break;
      case kThreads:
        p.num_threads = static_cast<std::uint32_t>(v);
        break;
      case kPpid:
        p.ppid = static_cast<std::int32_t>(static_cast<std::int64_t>((v >> 1) ^ (~(v & 1) + 1)));
        break;
      case kComm:
        p.comm = strings.resolve(v);
        break;
      case kCmdline:
        p.cmdline = strings.resolve(v);
        break;
      case kExitStatus:
        if (v)
          p.exit_status = static_cast<std::uint32_t>(v - 1);
        else
          p.exit_status.reset();
        break;
      case kExitNsPresent:
        if (v)
          p.exit_ns = p.exit_ns.value_or(0);
        else
          p.exit_ns.reset();
        break;
      case kExitNs:
        if (p.exit_ns) p.exit_ns = v;
        break;
      case kUid:
        p.uid = static_cast<std::uint32_t>(v);
        break;
      case kUser:
        p.user = strings.resolve(v);
        break;
      case kCgroup:
        p.cgroup = strings.resolve(v);
        break;
      case kCgroupId:
        p.cgroup_id = v;
        break;
      case kKernelThread:
        p.kernel_thread = v != 0;
        break;
      default:
        break;  // a field from a newer writer: one varint, skipped
    }
  }
}

// ---- histograms ----------------------------------------------------------

bool encode_hist(ByteWriter& w, const Log2Histogram* base, const Log2Histogram& cur) {
  std::uint64_t mask = 0;
  for (int k = 0; k < Log2Histogram::kBuckets; ++k)
    if (cur.bucket(k) != (base ? base->bucket(k) : 0)) mask |= 1ULL << k;
  if (!mask) return false;
  w.varint(mask);
  for (int k = 0; k < Log2Histogram::kBuckets; ++k)
    if (mask & (1ULL << k)) w.delta(base ? base->bucket(k) : 0, cur.bucket(k));
  return true;
}

void decode_hist(ByteReader& r, Log2Histogram& h) {
  const std::uint64_t mask = r.varint();
  if (mask >> Log2Histogram::kBuckets) throw DecodeError("histogram bucket out of range");
  for (int k = 0; k < Log2Histogram::kBuckets; ++k)
    if (mask & (1ULL << k)) h.add(k, static_cast<std::uint64_t>(r.svarint()));  // wraps: exact
}

// ---- devices and connections ---------------------------------------------

void encode_devices(ByteWriter& w, const std::vector<DeviceIo>& base,
                    const std::vector<DeviceIo>& cur, StringInterner& strings) {
  w.varint(cur.size());
  for (std::size_t i = 0; i < cur.size(); ++i) {
    const DeviceIo& d = cur[i];
    static const DeviceIo kZero;
    const DeviceIo& b = i < base.size() && base[i].dev == d.dev ? base[i] : kZero;
    w.varint(d.dev);
    w.varint(strings.intern(d.name));
    w.delta(b.read_bytes, d.read_bytes);
    w.delta(b.write_bytes, d.write_bytes);
    w.delta(b.read_ops, d.read_ops);
    w.delta(b.write_ops, d.write_ops);
  }
}

void decode_devices(ByteReader& r, std::vector<DeviceIo>& devices, StringResolver& strings) {
  const std::uint64_t n = r.varint();
  if (n > kMaxListItems || n > r.left()) throw DecodeError("device list too long");
  std::vector<DeviceIo> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    DeviceIo& d = out[i];
    d.dev = static_cast<std::uint32_t>(r.varint());
    d.name = strings.resolve(r.varint());
    static const DeviceIo kZero;
    const DeviceIo& b = i < devices.size() && devices[i].dev == d.dev ? devices[i] : kZero;
    d.read_bytes = r.apply_delta(b.read_bytes);
    d.write_bytes = r.apply_delta(b.write_bytes);
    d.read_ops = r.apply_delta(b.read_ops);
    d.write_ops = r.apply_delta(b.write_ops);
  }
  devices = std::move(out);
}

bool same_socket(const Connection& a, const Connection& b) {
  return a.protocol == b.protocol && a.family == b.family && a.local == b.local &&
         a.remote == b.remote;
}

void encode_connections(ByteWriter& w, const std::vector<Connection>& base,
                        const std::vector<Connection>& cur, StringInterner& strings) {
  w.varint(cur.size());
  for (std::size_t i = 0; i < cur.size(); ++i) {
    const Connection& c = cur[i];
    static const Connection kZero;
    const Connection& b = i < base.size() && same_socket(base[i], c) ? base[i] : kZero;
    w.varint(static_cast<std::uint64_t>(c.protocol) | static_cast<std::uint64_t>(c.family) << 8);
    w.varint(strings.intern(c.local));
    w.varint(strings.intern(c.remote));
    w.varint(strings.intern(c.state));
    w.varint(c.srtt_us ? static_cast<std::uint64_t>(*c.srtt_us) + 1 : 0);
    w.delta(b.tx_bytes, c.tx_bytes);
    w.delta(b.rx_bytes, c.rx_bytes);
    w.delta(b.retransmits, c.retransmits);
  }
}

void decode_connections(ByteReader& r, std::vector<Connection>& conns, StringResolver& strings) {
  const std::uint64_t n = r.varint();
  if (n > kMaxListItems || n > r.left()) throw DecodeError("connection list too long");
  std::vector<Connection> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    Connection& c = out[i];
    const std::uint64_t pf = r.varint();
    c.protocol = static_cast<std::uint8_t>(pf & 0xff);
    c.family = static_cast<std::uint8_t>((pf >> 8) & 0xff);
    c.local = strings.resolve(r.varint());
    c.remote = strings.resolve(r.varint());
    c.state = strings.resolve(r.varint());
    const std::uint64_t srtt = r.varint();
    if (srtt) c.srtt_us = static_cast<std::uint32_t>(srtt - 1);
    static const Connection kZero;
    const Connection& b = i < conns.size() && same_socket(conns[i], c) ? conns[i] : kZero;
    c.tx_bytes = r.apply_delta(b.tx_bytes);
    c.rx_bytes = r.apply_delta(b.rx_bytes);
    c.retransmits = r.apply_delta(b.retransmits);
  }
  conns = std::move(out);
}

// ---- load averages -------------------------------------------------------

// /proc/loadavg prints two decimals: hundredths are exact and short. Any
// other double keeps its bits.
void encode_load(ByteWriter& w, double v) {
  if (std::isfinite(v) && std::fabs(v) < 1e12) {
    const auto centi = static_cast<std::int64_t>(std::llround(v * 100.0));
    if (static_cast<double>(centi) / 100.0 == v && !(v == 0 && std::signbit(v))) {
      w.varint(zigzag(centi) << 1);
      return;
    }
  }
  w.varint(1);
  w.varint(std::bit_cast<std::uint64_t>(v));
}

double decode_load(ByteReader& r) {
  const std::uint64_t tag = r.varint();
  if (tag & 1) return std::bit_cast<double>(r.varint());
  const std::uint64_t z = tag >> 1;
  const auto centi = static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  return static_cast<double>(centi) / 100.0;
}

}  // namespace

void write_bitmap(ByteWriter& w, const std::uint64_t* words56, std::size_t n_words) {
  while (n_words > 1 && words56[n_words - 1] == 0) --n_words;
  for (std::size_t i = 0; i < n_words; ++i) w.varint(words56[i] << 1 | (i + 1 < n_words ? 1 : 0));
}

void read_bitmap(ByteReader& r, std::vector<std::uint32_t>& out, std::uint32_t limit) {
  for (std::uint32_t base = 0;; base += 56) {
    const std::uint64_t chunk = r.varint();
    std::uint64_t bits = chunk >> 1;
    while (bits) {
      const auto b = static_cast<std::uint32_t>(std::countr_zero(bits));
      bits &= bits - 1;
      if (base + b >= limit) throw DecodeError("counter id out of range");
      out.push_back(base + b);
    }
    if (!(chunk & 1)) return;
    if (base + 56 >= limit) throw DecodeError("counter bitmap too long");
  }
}

void CounterNames::set(std::uint32_t id, Counter c) {
  if (counter.size() <= id) counter.resize(id + 1);
  counter[id] = c;
  if (c == Counter::RuntimeNs) runtime_id = id;
  if (c == Counter::RunqWaitNs) runq_wait_id = id;
  if (c == Counter::OffCpuNs) offcpu_id = id;
}

void apply_unlisted(StoredProcess& s, std::uint64_t elapsed_ns, const CounterNames& names) {
  if (names.offcpu_id && names.offcpu_id < s.present.size() && s.present[names.offcpu_id])
    s.values[names.offcpu_id] += predicted_offcpu(elapsed_ns, s.sample.num_threads, 0, 0);
}

ProcessSample StoredProcess::materialize(const CounterNames& names) const {
  ProcessSample p = sample;
  const std::size_t n = std::min(values.size(), names.counter.size());
  for (std::size_t id = 1; id < n; ++id)
    if (present[id] && names.counter[id]) p.counters.set(*names.counter[id], values[id]);
  return p;
}

bool encode_process(ByteWriter& w, const ProcessSample* base, const ProcessSample& cur,
                    std::uint64_t elapsed_ns, const CounterIds& ids, StringInterner& strings) {
  std::string& out = w.buffer();
  const std::size_t start = out.size();
  out.push_back(0);  // flags, patched below
  std::uint32_t flags = 0;

  if (!base) {
    flags |= kNew;
    w.svarint(cur.key.pid);
    w.varint(cur.key.start_ns);
  }
  encode_meta(w, base, cur, strings, flags);

  // Counters: presence (when it changed), then changed values.
  constexpr std::size_t kWords = CounterIds::kMaxId / 56;
  std::uint64_t present[kWords] = {};
  std::uint64_t changed[kWords] = {};
  bool presence_changed = false;
  std::uint32_t max_bit = 0;
  // The value stored for each counter: its change, except off-CPU time's
  // change minus its prediction (see codec.h).
  std::array<std::uint64_t, kCounterCount> stored{};
  for (std::size_t i = 0; i < kCounterCount; ++i) {
    const auto c = static_cast<Counter>(i);
    stored[i] = cur.counters.get_or_zero(c) - (base ? base->counters.get_or_zero(c) : 0);
  }
  if (base && base->counters.has(Counter::OffCpuNs) && cur.counters.has(Counter::OffCpuNs))
    stored[static_cast<std::size_t>(Counter::OffCpuNs)] -= predicted_offcpu(
        elapsed_ns, cur.num_threads, stored[static_cast<std::size_t>(Counter::RuntimeNs)],
        stored[static_cast<std::size_t>(Counter::RunqWaitNs)]);
  for (std::size_t i = 0; i < kCounterCount; ++i) {
    const auto c = static_cast<Counter>(i);
    const std::uint32_t bit = ids.db_id[i] - 1;
    const bool has = cur.counters.has(c);
    const bool had = base && base->counters.has(c);
    if (has) set_bit(present, bit);
    if (has != had) presence_changed = true;
    if (stored[i] != 0) {
      set_bit(changed, bit);
      max_bit = std::max(max_bit, bit);
    }
  }
  const std::size_t words = max_bit / 56 + 1;
  if (presence_changed) {
    flags |= kPresence;
    write_bitmap(w, present, kWords);
  }
  bool any_changed = false;
  for (std::size_t i = 0; i < kWords; ++i) any_changed |= changed[i] != 0;
  if (any_changed) {
    flags |= kCounters;
    write_bitmap(w, changed, words);
    // Values in dictionary-id order, as the reader walks the bitmap.
    std::array<std::pair<std::uint32_t, std::size_t>, kCounterCount> order;
    std::size_t n = 0;
    for (std::size_t i = 0; i < kCounterCount; ++i) {
      const std::uint32_t bit = ids.db_id[i] - 1;
      if (changed[bit / 56] & (1ULL << (bit % 56))) order[n++] = {bit, i};
    }
    std::sort(order.begin(), order.begin() + static_cast<long>(n));
    for (std::size_t k = 0; k < n; ++k)
      w.svarint(static_cast<std::int64_t>(stored[order[k].second]));
  }

  if (encode_hist(w, base ? &base->runq_hist : nullptr, cur.runq_hist)) flags |= kRunqHist;
  if (encode_hist(w, base ? &base->io_hist : nullptr, cur.io_hist)) flags |= kIoHist;
  static const std::vector<DeviceIo> kNoDevices;
  static const std::vector<Connection> kNoConnections;
  const auto& base_devices = base ? base->devices : kNoDevices;
  if (cur.devices != base_devices) {
    flags |= kDevices;
    encode_devices(w, base_devices, cur.devices, strings);
  }
  const auto& base_conns = base ? base->connections : kNoConnections;
  if (cur.connections != base_conns) {
    flags |= kConnections;
    encode_connections(w, base_conns, cur.connections, strings);
  }

  if (base && flags == 0) {
    out.resize(start);
    return false;
  }
  if (flags < 0x80) {
    out[start] = static_cast<char>(flags);
  } else {  // two varint bytes: make room for the second
    out[start] = static_cast<char>((flags & 0x7f) | 0x80);
    out.insert(out.begin() + static_cast<long>(start) + 1, static_cast<char>(flags >> 7));
  }
  return true;
}

bool decode_process(ByteReader& r, StoredProcess& s, std::uint64_t elapsed_ns,
                    const CounterNames& names, StringResolver& strings) {
  const std::size_t counter_ids = names.counter.size();
  const std::uint64_t flags = r.varint();
  if (flags & ~static_cast<std::uint64_t>(kKnownFlags))
    throw DecodeError("unknown process section (written by a newer procwatch?)");
  if (s.values.size() < counter_ids) {
    s.values.resize(counter_ids, 0);
    s.present.resize(counter_ids, false);
  }
  if (flags & kNew) {
    s.sample = ProcessSample{};
    std::fill(s.values.begin(), s.values.end(), 0);
    std::fill(s.present.begin(), s.present.end(), false);
    s.sample.key.pid = static_cast<std::int32_t>(r.svarint());
    s.sample.key.start_ns = r.varint();
  }
  if (flags & kMeta) decode_meta(r, s.sample, strings);
  // Dictionary ids are 1-based: bit b is id b + 1.
  thread_local std::vector<std::uint32_t> bits;
  // The off-CPU prediction needs the values before and the presence on
  // both sides (ids are 0 when the dictionary lacks a counter).
  const bool had_offcpu = !(flags & kNew) && names.offcpu_id && s.present[names.offcpu_id];
  const std::uint64_t runtime_before = s.values[names.runtime_id];
  const std::uint64_t runq_before = s.values[names.runq_wait_id];
  if (flags & kPresence) {
    bits.clear();
    read_bitmap(r, bits, static_cast<std::uint32_t>(counter_ids - 1));
    std::fill(s.present.begin(), s.present.end(), false);
    for (const std::uint32_t b : bits) s.present[b + 1] = true;
  }
  if (flags & kCounters) {
    bits.clear();
    read_bitmap(r, bits, static_cast<std::uint32_t>(counter_ids - 1));
    for (const std::uint32_t b : bits) s.values[b + 1] = r.apply_delta(s.values[b + 1]);
  }
  if (had_offcpu && s.present[names.offcpu_id]) {
    s.values[names.offcpu_id] +=
        predicted_offcpu(elapsed_ns, s.sample.num_threads,
                         names.runtime_id ? s.values[names.runtime_id] - runtime_before : 0,
                         names.runq_wait_id ? s.values[names.runq_wait_id] - runq_before : 0);
  }
  if (flags & kRunqHist) decode_hist(r, s.sample.runq_hist);
  if (flags & kIoHist) decode_hist(r, s.sample.io_hist);
  if (flags & kDevices) decode_devices(r, s.sample.devices, strings);
  if (flags & kConnections) decode_connections(r, s.sample.connections, strings);
  return (flags & kNew) != 0;
}

void encode_system(ByteWriter& w, const SystemSample* base, const SystemSample& cur,
                   StringInterner& strings) {
  static const SystemSample kZero;
  const SystemSample& b = base ? *base : kZero;
  w.varint(strings.intern(cur.hostname));
  w.varint(cur.num_cpus);
  w.delta(b.cpu.user_ns, cur.cpu.user_ns);
  w.delta(b.cpu.nice_ns, cur.cpu.nice_ns);
  w.delta(b.cpu.system_ns, cur.cpu.system_ns);
  w.delta(b.cpu.idle_ns, cur.cpu.idle_ns);
  w.delta(b.cpu.iowait_ns, cur.cpu.iowait_ns);
  w.delta(b.cpu.irq_ns, cur.cpu.irq_ns);
  w.delta(b.cpu.softirq_ns, cur.cpu.softirq_ns);
  w.delta(b.cpu.steal_ns, cur.cpu.steal_ns);
  encode_load(w, cur.load1);
  encode_load(w, cur.load5);
  encode_load(w, cur.load15);
  w.varint(cur.procs_running);
  w.delta(b.mem_total_bytes, cur.mem_total_bytes);
  w.delta(b.mem_available_bytes, cur.mem_available_bytes);
  w.delta(b.events_total, cur.events_total);
  w.delta(b.events_dropped, cur.events_dropped);
}

void decode_system(ByteReader& r, SystemSample& s, StringResolver& strings) {
  // Fields in order; a section from an older writer may end early, one from
  // a newer writer may have more (ignored: the caller bounds the section).
  if (r.done()) return;
  s.hostname = strings.resolve(r.varint());
  if (r.done()) return;
  s.num_cpus = static_cast<std::uint32_t>(r.varint());
  std::uint64_t* cpu[] = {&s.cpu.user_ns,   &s.cpu.nice_ns, &s.cpu.system_ns,  &s.cpu.idle_ns,
                          &s.cpu.iowait_ns, &s.cpu.irq_ns,  &s.cpu.softirq_ns, &s.cpu.steal_ns};
  for (std::uint64_t* v : cpu) {
    if (r.done()) return;
    *v = r.apply_delta(*v);
  }
  double* loads[] = {&s.load1, &s.load5, &s.load15};
  for (double* v : loads) {
    if (r.done()) return;
    *v = decode_load(r);
  }
  if (r.done()) return;
  s.procs_running = static_cast<std::uint32_t>(r.varint());
  std::uint64_t* rest[] = {&s.mem_total_bytes, &s.mem_available_bytes, &s.events_total,
                           &s.events_dropped};
  for (std::uint64_t* v : rest) {
    if (r.done()) return;
    *v = r.apply_delta(*v);
  }
}

}  // namespace pw
