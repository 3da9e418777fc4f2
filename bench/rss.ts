/**
 * Peak resident memory per stage of a run, sampled every quarter second: the process maximum
 * alone (maxRSS) does not say which stage went over a memory bound. DuckDB works on its own
 * threads, so the event loop is free to sample while a stage's SQL runs. Beside the resident
 * peak, the peak of what JavaScript holds (V8's heap and the buffers it owns, `external`) says
 * whether the excess was JavaScript's or native, DuckDB's and its allocator's.
 */
export function stageRss(): {
  onStage: (stage: string, state: 'start' | 'done') => void;
  stop: () => Record<string, number>;
  /** Peak MiB held by JavaScript (heap total + external) per stage. */
  js: () => Record<string, number>;
} {
  const peaks: Record<string, number> = {};
  const jsPeaks: Record<string, number> = {};
  let current = 'before';
  const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
  const sample = () => {
    const m = process.memoryUsage();
    peaks[current] = Math.max(peaks[current] ?? 0, mib(m.rss));
    jsPeaks[current] = Math.max(jsPeaks[current] ?? 0, mib(m.heapTotal + m.external));
  };
  const timer = setInterval(sample, 250);
  return {
    onStage(stage, state) {
      sample();
      current = state === 'start' ? stage : `after ${stage}`;
    },
    stop() {
      sample();
      clearInterval(timer);
      return peaks;
    },
    js: () => jsPeaks,
  };
}
