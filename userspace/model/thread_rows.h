// `top -H`: every thread becomes a row of its own. A pure Sample -> Sample
// transformation, so threads flow through the same model, fields and views
// as processes.
#pragma once

#include "model/sample.h"

namespace pw {

// Each process with threads becomes one row per thread: key (tid, thread
// start), ppid = the process id for non-leader threads (so the tree view
// nests threads under their main thread), counters of that thread only.
// Per-process-only data (the latency histogram, counters of threads that
// already exited) has no thread row: latency percentiles show as missing. Processes without thread
// detail (exited ones) pass through unchanged.
Sample threads_as_rows(const Sample& sample);

}  // namespace pw
