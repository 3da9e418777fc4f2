/**
 * A rerun never destroys the last good run: the real `padan` command over a complete run folder,
 * with every kind of failing input, with signals, and killed with SIGKILL at several moments.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, type FSWatcher, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../pipeline/paths.js';
import { recover } from '../pipeline/run-folder.js';

const ROOT = packageRoot();
const BIN = join(ROOT, 'dist', 'bin', 'padan.js');
const SAMPLE = join(ROOT, 'fixtures', 'sample');
const CONFIG = join(SAMPLE, 'config.json');
let dir: string;
let good: string;
let before: Map<string, string>;

function padan(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PADAN_LOG_LEVEL: 'warn' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sampleArgs = (out: string, dukcapil = join(SAMPLE, 'dukcapil.csv')) => [
  'run',
  '--dtks',
  join(SAMPLE, 'dtks.csv'),
  '--dukcapil',
  dukcapil,
  '--config',
  CONFIG,
  '--out',
  out,
];

/** Every file under a folder with the SHA-256 of its bytes. */
function snapshot(folder: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.set(relative(folder, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  if (existsSync(folder)) walk(folder);
  return out;
}

/** A copy of padan's region list in `dir/name` whose villages.csv has another header. */
async function badRegions(name: string): Promise<string> {
  const regions = join(dir, name);
  await mkdir(regions, { recursive: true });
  for (const f of ['provinces.csv', 'regencies.csv', 'districts.csv']) {
    await copyFile(join(ROOT, 'reference', 'wilayah', f), join(regions, f));
  }
  await writeFile(join(regions, 'villages.csv'), 'kode,kecamatan,nama\n11.01.01.2001,11.01.01,LATIUNG\n');
  return regions;
}

/** What padan left beside a folder: staging folders, old folders, lock files. */
function leftovers(folder: string): string[] {
  return readdirSync(dirname(folder)).filter((n) => n.startsWith(`.${basename(folder)}.padan-`));
}

/** A complete run: a manifest whose every output is there with the bytes it records, and nothing else. */
function completeRun(folder: string): { runId: string } | null {
  const manifestPath = join(folder, 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    run_id: string;
    outputs: Record<string, { sha256: string }>;
  };
  const files = snapshot(folder);
  for (const [name, info] of Object.entries(manifest.outputs)) {
    if (files.get(name) !== info.sha256) return null;
  }
  const expected = new Set([...Object.keys(manifest.outputs), 'manifest.json', 'padan.duckdb']);
  for (const name of files.keys()) if (!expected.has(name)) return null;
  return { runId: manifest.run_id };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-rerun-'));
  good = join(dir, 'hasil', '2026-11');
  const r = padan(...sampleArgs(good));
  expect(r.code, r.stderr).toBe(0);
  before = snapshot(good);
  expect(completeRun(good)).not.toBeNull();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a failing rerun over a complete run', () => {
  const cases: [string, () => Promise<string[]>, number, RegExp][] = [
    [
      'a DTKS file that does not exist',
      async () => ['run', '--dtks', '/nonexistent.csv', '--dukcapil', join(SAMPLE, 'dukcapil.csv')],
      3,
      /--dtks \/nonexistent\.csv: cannot be opened/,
    ],
    [
      'an empty Dukcapil file',
      async () => {
        await writeFile(join(dir, 'empty.csv'), '');
        return ['run', '--dtks', join(SAMPLE, 'dtks.csv'), '--dukcapil', join(dir, 'empty.csv')];
      },
      3,
      /empty\.csv: the file is empty/,
    ],
    [
      'a Dukcapil file of the wrong layout',
      async () => {
        const text = await readFile(join(SAMPLE, 'dukcapil.csv'), 'utf8');
        await writeFile(join(dir, 'layout.csv'), text.replace('STAT_HIDUP', 'STATUS'));
        return ['run', '--dtks', join(SAMPLE, 'dtks.csv'), '--dukcapil', join(dir, 'layout.csv')];
      },
      3,
      /layout\.csv: required column "STAT_HIDUP" not found/,
    ],
    [
      'a DTKS header that gives NAMA twice',
      async () => {
        const text = await readFile(join(SAMPLE, 'dtks.csv'), 'utf8');
        await writeFile(join(dir, 'twice.csv'), text.replace('NAMA IBU KANDUNG', 'NAMA'));
        return ['run', '--dtks', join(dir, 'twice.csv'), '--dukcapil', join(SAMPLE, 'dukcapil.csv')];
      },
      3,
      /twice\.csv: header columns 13 \("NAMA"\) and 17 \("NAMA"\) are both/,
    ],
    [
      'a UTF-16 DTKS file',
      async () => {
        const text = await readFile(join(SAMPLE, 'dtks.csv'), 'utf8');
        await writeFile(
          join(dir, 'utf16.csv'),
          Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
        );
        return ['run', '--dtks', join(dir, 'utf16.csv'), '--dukcapil', join(SAMPLE, 'dukcapil.csv')];
      },
      3,
      /utf16\.csv: the file is UTF-16/,
    ],
    [
      'a DTKS file with more broken lines than the reject budget',
      async () => {
        const lines = (await readFile(join(SAMPLE, 'dtks.csv'), 'utf8')).split('\n');
        const broken = lines.map((l, i) => (i > 0 && i % 10 === 0 ? l.split(',').slice(0, 5).join(',') : l));
        await writeFile(join(dir, 'broken.csv'), broken.join('\n'));
        return ['run', '--dtks', join(dir, 'broken.csv'), '--dukcapil', join(SAMPLE, 'dukcapil.csv')];
      },
      3,
      /broken\.csv: 27 of 235 records rejected \(11\.49 %\), more than the 10 allowed .*First rejected lines: 11 \(MISSING COLUMNS\), 21 \(MISSING COLUMNS\)/,
    ],
    [
      // The Dukcapil extract is read while DTKS loads: the DTKS fault is still the one reported.
      'a DTKS file over the reject budget beside a Dukcapil file of the wrong layout',
      async () => {
        const lines = (await readFile(join(SAMPLE, 'dtks.csv'), 'utf8')).split('\n');
        const broken = lines.map((l, i) => (i > 0 && i % 10 === 0 ? l.split(',').slice(0, 5).join(',') : l));
        await writeFile(join(dir, 'broken2.csv'), broken.join('\n'));
        const text = await readFile(join(SAMPLE, 'dukcapil.csv'), 'utf8');
        await writeFile(join(dir, 'layout2.csv'), text.replace('STAT_HIDUP', 'STATUS'));
        return ['run', '--dtks', join(dir, 'broken2.csv'), '--dukcapil', join(dir, 'layout2.csv')];
      },
      3,
      /broken2\.csv: 27 of 235 records rejected/,
    ],
    [
      'an invalid reference date',
      async () => {
        await writeFile(join(dir, 'date.json'), JSON.stringify({ referenceDate: '2026-02-30' }));
        return [...sampleArgs(good).slice(0, 5), '--config', join(dir, 'date.json')];
      },
      2,
      /date\.json: referenceDate: not a date of the calendar/,
    ],
    [
      'contradictory thresholds',
      async () => {
        await writeFile(join(dir, 'thr.json'), JSON.stringify({ matching: { autoThreshold: 0.4 } }));
        return [...sampleArgs(good).slice(0, 5), '--config', join(dir, 'thr.json')];
      },
      2,
      /thr\.json: matching\.autoThreshold: is below matching\.reviewThreshold/,
    ],
    [
      '--regions without villages.csv',
      async () => {
        const regions = join(dir, 'regions');
        await mkdir(regions, { recursive: true });
        for (const f of ['provinces.csv', 'regencies.csv', 'districts.csv']) {
          await copyFile(join(ROOT, 'reference', 'wilayah', f), join(regions, f));
        }
        return [...sampleArgs(good).slice(0, 7), '--regions', regions];
      },
      3,
      /--regions .*regions: villages\.csv is missing/,
    ],
    [
      // A list a user gives can be wrong inside: it is their input, not padan's internal error.
      '--regions whose villages.csv has another header',
      async () => [...sampleArgs(good).slice(0, 7), '--regions', await badRegions('regions2')],
      3,
      /--regions .*regions2: villages\.csv lacks columns code, district_code, name; its header must be code,district_code,name/,
    ],
    [
      // The region reference loads while the DTKS export is scanned: the DTKS fault is still the one reported.
      'a DTKS file of the wrong layout beside such a --regions',
      async () => {
        const text = await readFile(join(SAMPLE, 'dtks.csv'), 'utf8');
        await writeFile(join(dir, 'layout3.csv'), text.replace('NOMOR NIK', 'NOMOR X'));
        const args = sampleArgs(good).slice(0, 7);
        args[args.indexOf('--dtks') + 1] = join(dir, 'layout3.csv');
        return [...args, '--regions', await badRegions('regions3')];
      },
      3,
      /--dtks .*layout3\.csv: required column "NOMOR NIK" not found/,
    ],
    [
      '--plan, which would replace the complete run database',
      async () => [...sampleArgs(good).slice(0, 7), '--plan'],
      2,
      /--plan: --out .* holds a complete run whose database the plan would replace; pass --db FILE/,
    ],
    [
      '--db naming the DTKS input',
      async () => [...sampleArgs(good).slice(0, 7), '--db', join(SAMPLE, 'dtks.csv')],
      2,
      /--db .*dtks\.csv: is one of the inputs/,
    ],
    [
      '--db naming a file that is not a database',
      async () => {
        await writeFile(join(dir, 'notes.txt'), 'catatan rapat\n');
        return [...sampleArgs(good).slice(0, 7), '--db', join(dir, 'notes.txt')];
      },
      2,
      /--db .*notes\.txt: exists and is not a DuckDB database/,
    ],
    [
      '--temp-dir inside the output folder',
      async () => [...sampleArgs(good).slice(0, 7), '--temp-dir', join(good, 'spill')],
      2,
      /--temp-dir .*spill: is inside --out .*, which is replaced as a whole/,
    ],
    [
      'too little memory',
      async () => [...sampleArgs(good).slice(0, 7), '--memory-limit', '5MB'],
      4,
      /DuckDB ran out of memory at --memory-limit 5MB \(stage \w+(, step [^)]+)?\); raise --memory-limit, or point --temp-dir/,
    ],
  ];

  it.each(cases)(
    '%s: exits with a clear message and leaves the folder byte for byte',
    async (_, args, code, message) => {
      const r = padan(...(await args()), '--out', good);
      expect(r.code, r.stderr).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(snapshot(good)).toEqual(before);
      expect(leftovers(good)).toEqual([]);
    },
  );

  it('keeps the text file and the input that --db named', async () => {
    expect(await readFile(join(dir, 'notes.txt'), 'utf8')).toBe('catatan rapat\n');
    expect(statSync(join(SAMPLE, 'dtks.csv')).size).toBeGreaterThan(40_000);
  });

  it('writes a plan with --db elsewhere without touching the run folder', async () => {
    const db = join(dir, 'plan', 'plan.duckdb');
    await mkdir(dirname(db), { recursive: true });
    const r = padan(...sampleArgs(good), '--plan', '--db', db);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(db)).toBe(true);
    expect(snapshot(good)).toEqual(before);
    expect(leftovers(good)).toEqual([]);
    expect(readdirSync(dirname(db))).toEqual(['plan.duckdb']);
  });

  it('refuses an output folder that is a file, or holds files padan did not write', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const f = padan(...sampleArgs(join(dir, 'a-file')));
    expect(f.code).toBe(3);
    expect(f.stderr).toMatch(/--out .*a-file: is a file, not a folder/);
    const under = padan(...sampleArgs(join(dir, 'a-file', 'sub')));
    expect(under.code).toBe(3);
    expect(under.stderr).toMatch(/a-file\/sub/);

    const mixed = join(dir, 'mixed');
    await mkdir(mixed);
    await writeFile(join(mixed, 'catatan.docx'), 'bukan dari padan');
    const r = padan(...sampleArgs(mixed));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds files padan did not write \("catatan\.docx"\); .*--force/);
    expect(readdirSync(mixed)).toEqual(['catatan.docx']);
    const forced = padan(...sampleArgs(mixed), '--force');
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(mixed, 'catatan.docx'), 'utf8')).toBe('bukan dari padan');
    expect(existsSync(join(mixed, 'manifest.json'))).toBe(true);
  });
});

/** The Dukcapil extract of a later month: one more death, so the new run differs from the old. */
async function laterDukcapil(): Promise<string> {
  const path = join(dir, 'dukcapil-later.csv');
  if (!existsSync(path)) {
    const lines = (await readFile(join(SAMPLE, 'dukcapil.csv'), 'utf8')).split('\n');
    const k = lines.findIndex((l, i) => i > 10 && l.includes(';HIDUP;'));
    lines[k] = (lines[k] as string).replace(';HIDUP;', ';MATI;');
    await writeFile(path, lines.join('\n'));
  }
  return path;
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, PADAN_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Resolve when the run's staging folder holds `name`, the moment to strike; false when the run
 * ended first. The staging folder, once there, is watched as well as polled: a file that lives a
 * few milliseconds (a COPY's temporary file, on the sample) slipped between polls when the whole
 * suite kept the machine busy.
 */
async function whenStaged(folder: string, name: string, child: ChildProcess): Promise<boolean> {
  let staging: string | undefined;
  while (!staging) {
    if (child.exitCode !== null) return false;
    // This run's own (named by its process): a run killed before leaves its staging folder behind.
    staging = leftovers(folder).find((n) => n.includes(`padan-staging-${child.pid}-`));
    if (!staging) await new Promise((r) => setTimeout(r, 2));
  }
  const stagingDir = join(dirname(folder), staging);
  return new Promise<boolean>((resolve) => {
    let watcher: FSWatcher | undefined;
    const finish = (struck: boolean) => {
      clearInterval(poll);
      watcher?.close();
      child.off('exit', ended);
      resolve(struck);
    };
    const ended = () => finish(existsSync(join(stagingDir, name)));
    const poll = setInterval(() => {
      if (existsSync(join(stagingDir, name))) finish(true);
      else if (child.exitCode !== null) finish(false);
    }, 2);
    child.once('exit', ended);
    try {
      watcher = watch(stagingDir, (_, file) => {
        if (file === name) finish(true);
      });
      // The folder renamed or removed under the watch: the poll and the exit decide.
      watcher.on('error', () => undefined);
    } catch {
      // The folder is already gone (the run committed or failed): the poll and the exit decide.
    }
  });
}

function exited(
  child: ChildProcess,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
}

describe('a rerun stopped part way', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: stops, removes the staging folder, leaves the previous run untouched',
    async (signal, code) => {
      const child = start(sampleArgs(good, await laterDukcapil()));
      const done = exited(child);
      expect(await whenStaged(good, 'padan.duckdb', child)).toBe(true);
      child.kill(signal);
      const r = await done;
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(
        /stopped by SIG(INT|TERM); this run's files were removed and the output folder is as it was/,
      );
      expect(snapshot(good)).toEqual(before);
      expect(leftovers(good)).toEqual([]);
    },
  );

  it('SIGKILL at several moments leaves the old run or the new one, never a mix', async () => {
    const later = await laterDukcapil();
    const oldId = completeRun(good)?.runId;
    const seen = new Set<string>();
    const moments = [
      'padan.duckdb',
      '.dtks_corrected.parquet.tmp',
      'deactivate.csv',
      'findings.parquet',
      'summary.json',
      'manifest.json',
    ];
    for (const moment of moments) {
      const child = start(sampleArgs(good, later));
      const done = exited(child);
      const struck = await whenStaged(good, moment, child);
      child.kill('SIGKILL');
      await done;
      if (!existsSync(good)) {
        // Killed between the two renames of the commit: the old run waits beside the folder.
        await recover(good);
      }
      const state = completeRun(good);
      expect(state, `after a kill at ${moment}`).not.toBeNull();
      if (state?.runId === oldId) expect(snapshot(good)).toEqual(before);
      seen.add(struck ? `${moment}:${state?.runId === oldId ? 'old' : 'new'}` : `${moment}:finished`);
      if (state?.runId !== oldId) break; // the new run landed: later kills would only test it again
    }
    // The early kills all hit a run in progress, and it was the old run that stayed.
    expect([...seen].slice(0, 3)).toEqual([
      'padan.duckdb:old',
      '.dtks_corrected.parquet.tmp:old',
      'deactivate.csv:old',
    ]);
    // The next run tidies what the killed ones left, and lands.
    const r = padan(...sampleArgs(good, later));
    expect(r.code, r.stderr).toBe(0);
    expect(completeRun(good)?.runId).not.toBe(oldId);
    expect(leftovers(good)).toEqual([]);
    // Up to seven whole runs of the built command, one after the other: 75 s on a quiet 2-core
    // machine, more than the default 120 s when the other test files share the cores.
  }, 480_000);
});
