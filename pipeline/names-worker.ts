import { parentPort } from 'node:worker_threads';
import { type NameBatch, normaliseBatch } from './names-batch.js';
import type { WorkerAnswer } from './worker-thread.js';

/**
 * A worker thread that normalises batches of distinct raw names for `buildNamesTable`: each message
 * is `{ id, names }`, each answer `{ id, ok, value }` with the batch's keys (or the error's message).
 */
export interface NameCall {
  id: number;
  names: string[];
}

export type NameAnswer = WorkerAnswer<NameBatch>;

const port = parentPort;
if (!port) throw new Error('names-worker.js runs as a worker thread');

port.on('message', (call: NameCall) => {
  try {
    port.postMessage({ id: call.id, ok: true, value: normaliseBatch(call.names) } satisfies NameAnswer);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    port.postMessage({ id: call.id, ok: false, message } satisfies NameAnswer);
  }
});
