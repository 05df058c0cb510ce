#include "model/counters.h"

namespace pw {

const std::array<CounterInfo, kCounterCount>& counter_infos() {
  static const std::array<CounterInfo, kCounterCount> infos{{
      {Counter::RuntimeNs, "runtime_ns", "ns"},
      {Counter::UtimeNs, "utime_ns", "ns"},
      {Counter::StimeNs, "stime_ns", "ns"},
      {Counter::VolCtxSw, "vol_ctxsw", "count"},
      {Counter::InvolCtxSw, "invol_ctxsw", "count"},
      {Counter::RunqWaitNs, "runq_wait_ns", "ns"},
      {Counter::RunqWaits, "runq_waits", "count"},
      {Counter::OffCpuNs, "offcpu_ns", "ns"},
      {Counter::MinFlt, "min_flt", "count"},
      {Counter::MajFlt, "maj_flt", "count"},
      {Counter::ReadBytes, "read_bytes", "bytes"},
      {Counter::WriteBytes, "write_bytes", "bytes"},
  }};
  return infos;
}

}  // namespace pw
