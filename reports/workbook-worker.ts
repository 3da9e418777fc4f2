import { parentPort } from 'node:worker_threads';
import type { WorkerAnswer } from '../pipeline/worker-thread.js';
import { type SheetName, WorkbookFile, type WorkbookSpec } from './workbook-file.js';

/**
 * A worker thread that renders district workbooks, one at a time, from the calls `workbooks.ts`
 * posts: `open` (a WorkbookSpec), then `beginSheet`, `addRows` (a chunk's JSON), `endSheet` per
 * sheet, then `finish`. Each call is answered, in order, with its value or its error's message.
 */
export type WorkbookCall =
  | { id: number; op: 'open'; arg: WorkbookSpec }
  | { id: number; op: 'beginSheet'; arg: SheetName }
  | { id: number; op: 'addRows'; arg: string }
  | { id: number; op: 'endSheet' | 'finish'; arg?: undefined };

export type WorkbookAnswer = WorkerAnswer<number | undefined>;

const port = parentPort;
if (!port) throw new Error('workbook-worker.js runs as a worker thread');

let file: WorkbookFile | null = null;
let queue: Promise<void> = Promise.resolve();

// The calls are asynchronous (a sheet's end waits for its stream): each runs after the one before.
port.on('message', (call: WorkbookCall) => {
  queue = queue.then(() => answer(call));
});

async function answer(call: WorkbookCall): Promise<void> {
  try {
    const value = await perform(call);
    port?.postMessage({ id: call.id, ok: true, value } satisfies WorkbookAnswer);
  } catch (error) {
    file = null;
    const message = error instanceof Error ? error.message : String(error);
    port?.postMessage({ id: call.id, ok: false, message } satisfies WorkbookAnswer);
  }
}

async function perform(call: WorkbookCall): Promise<number | undefined> {
  if (call.op === 'open') {
    file = new WorkbookFile(call.arg);
    return undefined;
  }
  if (!file) throw new Error(`workbook worker: ${call.op} without an open workbook`);
  switch (call.op) {
    case 'beginSheet':
      file.beginSheet(call.arg);
      return undefined;
    case 'addRows':
      file.addRows(call.arg);
      return undefined;
    case 'endSheet':
      return file.endSheet();
    case 'finish': {
      const rows = await file.finish();
      file = null;
      return rows;
    }
  }
}
