/**
 * Peak resident memory per stage of a run, sampled every quarter second: the process maximum
 * alone (maxRSS) does not say which stage went over a memory bound. DuckDB works on its own
 * threads, so the event loop is free to sample while a stage's SQL runs.
 */
export function stageRss(): {
  onStage: (stage: string, state: 'start' | 'done') => void;
  stop: () => Record<string, number>;
} {
  const peaks: Record<string, number> = {};
  let current = 'before';
  const sample = () => {
    const mib = Math.round(process.memoryUsage.rss() / 2 ** 20);
    peaks[current] = Math.max(peaks[current] ?? 0, mib);
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
  };
}
