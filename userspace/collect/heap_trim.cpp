#include "collect/heap_trim.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace pw {

bool HeapTrimPolicy::after_pass(std::size_t processes) {
  if (processes >= peak_) {
    peak_ = processes;
    calm_ = 0;
    return false;
  }
  if (peak_ < 2 * processes + kMinDrop) return false;
  if (++calm_ < kCalmPasses) return false;
  peak_ = processes;
  calm_ = 0;
  return true;
}

void trim_heap() {
#if defined(__GLIBC__)
  ::malloc_trim(0);
#endif
}

}  // namespace pw
