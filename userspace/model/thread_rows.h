// `top -H`: every thread becomes a row of its own. A pure Sample -> Sample
// transformation, so threads flow through the same model, fields and views
// as processes.
#pragma once

#include "model/sample.h"

namespace pw {

// Each process with threads becomes one row per thread: key (tid, thread
// start), ppid = the process id for non-leader threads (so the tree view
// nests threads under their main thread), tgid = the process id, counters
// and run-queue latency histogram of that thread only. Per-process-only
// data (counters of threads that already exited, block IO latency) has no
// thread row. Processes without thread detail (exited ones) pass through
// unchanged.
Sample threads_as_rows(const Sample& sample);

}  // namespace pw
