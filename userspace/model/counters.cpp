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
      {Counter::BlockReadOps, "block_read_ops", "count"},
      {Counter::BlockWriteOps, "block_write_ops", "count"},
      {Counter::BlockReadBytes, "block_read_bytes", "bytes"},
      {Counter::BlockWriteBytes, "block_write_bytes", "bytes"},
      {Counter::NetTxBytes, "net_tx_bytes", "bytes"},
      {Counter::NetRxBytes, "net_rx_bytes", "bytes"},
      {Counter::NetTxCalls, "net_tx_calls", "count"},
      {Counter::NetRxCalls, "net_rx_calls", "count"},
      {Counter::TcpActiveOpens, "tcp_active_opens", "count"},
      {Counter::TcpPassiveOpens, "tcp_passive_opens", "count"},
      {Counter::TcpCloses, "tcp_closes", "count"},
      {Counter::TcpRetransmits, "tcp_retransmits", "count"},
      {Counter::TcpResets, "tcp_resets", "count"},
      {Counter::RssAnonBytes, "rss_anon_bytes", "bytes", CounterKind::Gauge},
      {Counter::RssFileBytes, "rss_file_bytes", "bytes", CounterKind::Gauge},
      {Counter::RssShmemBytes, "rss_shmem_bytes", "bytes", CounterKind::Gauge},
      {Counter::RssPeakBytes, "rss_peak_bytes", "bytes", CounterKind::Gauge},
      {Counter::SwapBytes, "swap_bytes", "bytes", CounterKind::Gauge},
      {Counter::VmSizeBytes, "vm_size_bytes", "bytes", CounterKind::Gauge},
      {Counter::MmapBytes, "mmap_bytes", "bytes"},
      {Counter::MunmapBytes, "munmap_bytes", "bytes"},
      {Counter::BrkGrowBytes, "brk_grow_bytes", "bytes"},
  }};
  return infos;
}

}  // namespace pw
