import { Worker } from 'node:worker_threads';

/**
 * What padan's worker threads share (the names of normalise, the district workbooks of write): a
 * script compiled beside its caller, a threshold the tests of the built command can move, and one
 * thread's calls answered in turn.
 */

/** A worker's answer to one call: its value, or its error's message. */
export type WorkerAnswer<T> = { id: number; ok: true; value: T } | { id: number; ok: false; message: string };

/**
 * The worker script `script` compiled beside the module at `moduleUrl` (its `import.meta.url`), or
 * null when that module runs from TypeScript (vitest): Node cannot start a worker on a .ts file, so
 * the caller then does the work on its own thread. The CLI's tests run the built command, on workers.
 */
export function compiledWorkerScript(moduleUrl: string, script: string): URL | null {
  return moduleUrl.endsWith('.ts') ? null : new URL(script, moduleUrl);
}

/**
 * A count ≥ 0 from the environment variable `name` where it is set, else `fallback`: the size from
 * which work goes to workers, for the tests of the built command (0: always) and for machines whose
 * break-even differs. Not a config key: the bytes written are the same either way.
 */
export function envCount(name: string, fallback: number): number {
  const text = process.env[name];
  const n = text === undefined || text.trim() === '' ? Number.NaN : Number(text);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

/**
 * One worker thread and its calls in flight: each call is posted with an id and resolved by the
 * answer with that id; a crash of the thread fails every call waiting and every call after it.
 */
export class WorkerCalls<Call extends object, Value> {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: (v: Value) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failure: Error | null = null;

  /** `label` names the work in errors: "<label>: <message>", "<label> worker thread stopped". */
  constructor(script: URL, label: string) {
    this.worker = new Worker(script);
    this.worker.on('message', (answer: WorkerAnswer<Value>) => {
      const call = this.waiting.get(answer.id);
      this.waiting.delete(answer.id);
      if (answer.ok) call?.resolve(answer.value);
      else call?.reject(new Error(`${label}: ${answer.message}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) =>
      this.fail(new Error(`${label} worker thread stopped (exit code ${code})`)),
    );
  }

  call(message: Call): Promise<Value> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const call of this.waiting.values()) call.reject(error);
    this.waiting.clear();
  }

  async terminate(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
