// glibc keeps freed heap for reuse rather than returning it to the kernel,
// so after a burst (a fork storm puts thousands of exited processes into
// one Sample) procwatch's RSS would stay at the burst's peak and creep up
// with each new burst. This gives the memory back once the passes have
// been small again for a while.
#pragma once

#include <cstddef>

namespace pw {

class HeapTrimPolicy {
 public:
  // Fed the number of processes of each collection pass; true when the
  // caller should trim the heap now.
  bool after_pass(std::size_t processes);

  // A burst must exceed twice the current size plus this to be worth a trim.
  static constexpr std::size_t kMinDrop = 1000;
  // The burst's Sample lives on as the feed's "previous" for one pass.
  static constexpr int kCalmPasses = 2;

 private:
  std::size_t peak_ = 0;  // largest pass since the last trim
  int calm_ = 0;          // small passes in a row since the peak
};

// Returns free heap memory to the kernel (glibc malloc_trim); no-op elsewhere.
void trim_heap();

}  // namespace pw
