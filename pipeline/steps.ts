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
    } catch (error) {
      notePlace(error, name);
      throw error;
    } finally {
      const s = (performance.now() - started) / 1000;
      this.seconds[name] = Math.round(((this.seconds[name] ?? 0) + s) * 1000) / 1000;
    }
  }
}

/** Where an error was thrown, innermost first: the steps and stages it went through. */
const places = new WeakMap<object, string[]>();

/** Record that `error` went out through the step or stage `place`. */
export function notePlace(error: unknown, place: string): void {
  if (typeof error !== 'object' || error === null) return;
  places.set(error, [...(places.get(error) ?? []), place]);
}

/**
 * "stage write, step regions/": where an error of the outside world (out of memory, a full disk)
 * happened, for its message, so that a user knows what needed the memory. Names only, no values.
 */
export function placeOf(error: unknown): string | undefined {
  const list = typeof error === 'object' && error !== null ? places.get(error) : undefined;
  if (!list || list.length === 0) return undefined;
  const [stage, ...steps] = [...list].reverse();
  return [`stage ${stage}`, ...steps.map((s) => `step ${s}`)].join(', ');
}
