/**
 * Wall-clock seconds of the named steps inside a stage, for the manifest's `step_seconds`: a stage's
 * total says that it is slow, its steps say where. A step run more than once adds up.
 */
export class StepClock {
  readonly seconds: Record<string, number> = {};

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      const s = (performance.now() - started) / 1000;
      this.seconds[name] = Math.round(((this.seconds[name] ?? 0) + s) * 1000) / 1000;
    }
  }
}
