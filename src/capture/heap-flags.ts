// The V8 flags a run that reads a capture sets for the rest of the run (which the capture dominates). A V8 flag
// is process-wide, and Node resets the flags set at run time when a worker thread's isolate starts, so the
// workers (threaded.ts) set them again once online.
import { setFlagsFromString } from 'node:v8'

/**
 * Per-connection state (flows, each analysis's state, rows until trimmed) outlives a young-generation cycle and
 * dies in old space, and V8's default heap growth lets old space reach several times what is live before it is
 * collected: the peak RSS followed the file's size (160 MB for the bench file, 242 MB for it three times over)
 * while 10-40 MB was live. Growing the heap by 20 % per collection keeps the peak flat (docs/performance.md,
 * issue 17).
 */
const HEAP_GROWTH = '--heap-growing-percent=20'

/**
 * The young generation stays the size start-up left it: V8 doubles a busy isolate's semi-spaces up to 16 MB each,
 * and the per-segment garbage of a capture makes it grow (whole CLI, every analysis on one thread: 148 MB peak RSS
 * with growth, 119 MB without, same CPU; docs/performance.md "Two cores"). A worker's is bounded by its
 * resourceLimits (threaded.ts).
 */
const YOUNG_GROWTH = '--semi-space-growth-factor=1'

export function setCaptureHeapFlags(): void {
  setFlagsFromString(HEAP_GROWTH)
  setFlagsFromString(YOUNG_GROWTH)
}
