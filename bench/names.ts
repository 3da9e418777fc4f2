/**
 * Hot JS functions, measured with tinybench: name normalisation and phonetic keys run once per
 * distinct name (tens of millions at national scale), so their per-call cost sets the normalise
 * stage's floor. Reported as operations per second; compare runs as ratios, not absolute numbers.
 *
 *   npm run build && node dist/bench/names.js
 */
import { Bench } from 'tinybench';
import { nameSimilarity, normaliseName, phoneticKey } from '../pipeline/names.js';

const NAMES = [
  'H. MOCHAMAD SOEKARNO',
  'SITI NURHALIZA, S.PD',
  'Drs. Djoko Tjahjono',
  'NUR HAYATI',
  'MARULI SIMANJUNTAK',
  'Rosma br Situmorang',
  'MUH. RIZKI',
  'ALMH. TUMINAH',
];

const bench = new Bench({ time: 500 });
let i = 0;
bench
  .add('normaliseName', () => {
    normaliseName(NAMES[i++ % NAMES.length] as string);
  })
  .add('phoneticKey', () => {
    phoneticKey(['SUKARNO', 'NURHALIZA', 'CAHYONO', 'SIMANJUNTAK'][i++ % 4] as string);
  })
  .add('nameSimilarity', () => {
    nameSimilarity('H. MOCHAMAD SOEKARNO', 'MUHAMMAD SUKARNO');
  });
await bench.run();
for (const task of bench.tasks) {
  const hz = task.result && 'throughput' in task.result ? task.result.throughput.mean : undefined;
  process.stdout.write(`${task.name.padEnd(16)} ${hz ? Math.round(hz).toLocaleString('en') : '?'} ops/s\n`);
}
