/**
 * Throughput of `padan generate`: rows written per second and peak memory for a population of a
 * given number of DTKS members (default one million), written to a temporary folder and removed.
 *
 *   npm run build && node dist/bench/generate.js [--members 1000000] [--profile default] [--seed 1] [--keep DIR]
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type GenerateResult, generate } from '../fixtures/generator/index.js';

/** Members per DTKS household in the generated population (measured: about 3.8). */
const MEMBERS_PER_HOUSEHOLD = 3.8;

export interface GenerateBench {
  result: GenerateResult;
  membersPerSecond: number;
  /** Peak resident memory of the process, MiB. */
  peakRssMiB: number;
  heapUsedMiB: number;
  bytes: { dtks: number; dukcapil: number; truth: number };
}

export async function benchGenerate(options: {
  members: number;
  profile?: 'clean' | 'default' | 'harsh';
  seed?: number;
  out?: string;
}): Promise<GenerateBench> {
  const out = options.out ?? (await mkdtemp(join(tmpdir(), 'padan-bench-generate-')));
  try {
    const result = await generate({
      households: Math.ceil(options.members / MEMBERS_PER_HOUSEHOLD),
      seed: options.seed ?? 1,
      out,
      profile: options.profile ?? 'default',
      dukcapilExtra: 0.5,
    });
    const bytes = {
      dtks: (await stat(result.files.dtks)).size,
      dukcapil: (await stat(result.files.dukcapil)).size,
      truth: (await stat(result.files.truth)).size,
    };
    return {
      result,
      membersPerSecond: Math.round(result.members / result.seconds),
      // maxRSS is in KiB on Linux and macOS.
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 1048576),
      bytes,
    };
  } finally {
    if (!options.out) await rm(out, { recursive: true, force: true });
  }
}

export function formatGenerateBench(b: GenerateBench): string {
  const r = b.result;
  const mib = (n: number) => `${(n / 1048576).toFixed(0)} MiB`;
  const rows: [string, string][] = [
    ['households', String(r.households)],
    ['members', String(r.members)],
    ['DTKS rows', `${r.dtksRows} (${mib(b.bytes.dtks)})`],
    ['Dukcapil rows', `${r.dukcapilRows} (${mib(b.bytes.dukcapil)})`],
    ['truth rows', `${r.dtksRows} (${mib(b.bytes.truth)})`],
    ['seconds', r.seconds.toFixed(1)],
    ['rows/s (DTKS + Dukcapil)', String(r.rowsPerSecond)],
    ['members/s', String(b.membersPerSecond)],
    ['peak RSS', `${b.peakRssMiB} MiB (heap in use at the end ${b.heapUsedMiB} MiB)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['padan generate', ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const bench = await benchGenerate({
    members: Number(arg('--members') ?? 1_000_000),
    profile: (arg('--profile') ?? 'default') as 'default',
    seed: Number(arg('--seed') ?? 1),
    out: arg('--keep'),
  });
  console.log(formatGenerateBench(bench));
}
