import { parentPort } from 'node:worker_threads';
import { type NameBatch, normaliseBatch } from './names-batch.js';

/**
 * A worker thread that normalises batches of distinct raw names for `buildNamesTable`: each message
 * is `{ id, names }`, each answer `{ id, ok, keys }` in the order asked (or the error's message).
 */
export interface NameCall {
  id: number;
  names: string[];
}

export type NameAnswer =
  | { id: number; ok: true; keys: NameBatch }
  | { id: number; ok: false; message: string };

const port = parentPort;
if (!port) throw new Error('names-worker.js runs as a worker thread');

port.on('message', (call: NameCall) => {
  try {
    port.postMessage({ id: call.id, ok: true, keys: normaliseBatch(call.names) } satisfies NameAnswer);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    port.postMessage({ id: call.id, ok: false, message } satisfies NameAnswer);
  }
});
