/**
 * A generated population's files, corrupted the ways real exports break: a stray quote early and
 * late in either file, a NUL byte in a key, a repeated header column, a truncated last line. Row
 * accounting is checked against an independent count of the lines written: every line but the
 * broken ones loads, with its own line number, and exactly the broken ones are rejected.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../fixtures/generator/index.js';
import { defaultConfig } from './config.js';
import { Db } from './db.js';
import { createRejectedTable, ingestInput } from './ingest.js';
import { silentLogger } from './logger.js';
import { run } from './run.js';

let dir: string;
let dtksLines: string[];
let dukcapilLines: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-corrupt-'));
  await generate({
    households: 300,
    seed: 7,
    out: join(dir, 'pop'),
    profile: 'default',
    dukcapilExtra: 0.5,
    logger: silentLogger(),
  });
  dtksLines = splitLines(await readFile(join(dir, 'pop', 'dtks.csv'), 'utf8'));
  dukcapilLines = splitLines(await readFile(join(dir, 'pop', 'dukcapil.csv'), 'utf8'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The file's lines without the final empty one; the generator writes no multi-line record. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** A file and what it should read as: its data lines counted here, not by padan. */
interface Corrupted {
  lines: string[];
  /** 1-based line numbers broken on purpose. */
  broken: number[];
  /** Ends without a line break. */
  truncated?: boolean;
}

/** Open a quote at the start of field `field` of a line that has no quote (it never closes). */
function strayQuote(lines: string[], near: number, delimiter: string, field: number): number {
  let i = near;
  while ((lines[i] as string).includes('"')) i++;
  const fields = (lines[i] as string).split(delimiter);
  fields[field] = `"${fields[field]}`;
  lines[i] = fields.join(delimiter);
  return i + 1;
}

function corrupt(source: string[], delimiter: string, how: string): Corrupted {
  const lines = [...source];
  const broken: number[] = [];
  const n = lines.length;
  if (how === 'stray quote early') broken.push(strayQuote(lines, 5, delimiter, 2));
  if (how === 'stray quote late') broken.push(strayQuote(lines, n - 40, delimiter, 3));
  if (how === 'NUL in a key') {
    lines[20] = `${(lines[20] as string).slice(0, 3)}\u0000${(lines[20] as string).slice(3)}`;
    broken.push(21);
  }
  if (how === 'truncated last line') {
    lines[n - 1] = (lines[n - 1] as string).slice(0, Math.floor((lines[n - 1] as string).length / 2));
    broken.push(n);
  }
  if (how === 'all of them') {
    broken.push(strayQuote(lines, 5, delimiter, 2));
    broken.push(strayQuote(lines, Math.floor(n / 2), delimiter, 5));
    broken.push(strayQuote(lines, n - 40, delimiter, 3));
    lines[20] = `${(lines[20] as string).slice(0, 3)}\u0000${(lines[20] as string).slice(3)}`;
    broken.push(21);
    lines[n - 1] = (lines[n - 1] as string).slice(0, Math.floor((lines[n - 1] as string).length / 2));
    broken.push(n);
  }
  return {
    lines,
    broken: [...new Set(broken)].sort((a, b) => a - b),
    truncated: how.includes('truncated') || how === 'all of them',
  };
}

async function writeCorrupted(name: string, c: Corrupted): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, c.lines.join('\n') + (c.truncated ? '' : '\n'));
  return path;
}

/** Data lines of the file that should load: every line after the header but the broken ones. */
function expectedLines(c: Corrupted): number[] {
  const all = Array.from({ length: c.lines.length - 1 }, (_, i) => i + 2);
  return all.filter((l) => !c.broken.includes(l));
}

describe('a generated population, corrupted', () => {
  it.each([
    ['dtks', 'stray quote early'],
    ['dtks', 'stray quote late'],
    ['dtks', 'NUL in a key'],
    ['dtks', 'truncated last line'],
    ['dukcapil', 'stray quote early'],
    ['dukcapil', 'stray quote late'],
    ['dukcapil', 'truncated last line'],
  ] as const)('%s, %s: loads every other line with its own number', async (role, how) => {
    const source = role === 'dtks' ? dtksLines : dukcapilLines;
    const delimiter = role === 'dtks' ? ',' : ';';
    const c = corrupt(source, delimiter, how);
    const path = await writeCorrupted(`${role}-${how.replaceAll(' ', '-')}.csv`, c);
    const db = await Db.open({ path: ':memory:' });
    try {
      await createRejectedTable(db);
      const report = await ingestInput(db, role, path, { tempDir: join(dir, 'tmp') });
      const table = role === 'dtks' ? 'raw_dtks' : 'raw_dukcapil';
      const loaded = await db.all<{ l: number }>(`SELECT _baris AS l FROM ${table} ORDER BY _baris`);
      const rejected = await db.all<{ l: number }>('SELECT line AS l FROM rejected ORDER BY line');
      expect(report.rowsRead).toBe(c.lines.length - 1);
      expect(report.rowsRejected).toBe(c.broken.length);
      expect(report.rowsLoaded).toBe(c.lines.length - 1 - c.broken.length);
      expect(rejected.map((r) => r.l)).toEqual(c.broken);
      expect(loaded.map((r) => r.l)).toEqual(expectedLines(c));
    } finally {
      db.close();
    }
  });

  it('a repeated header column stops the run naming both positions', async () => {
    const lines = [...dtksLines];
    lines[0] = (lines[0] as string).replace('NAMA IBU KANDUNG', 'NAMA');
    const path = await writeCorrupted('dtks-header.csv', { lines, broken: [] });
    const db = await Db.open({ path: ':memory:' });
    try {
      await createRejectedTable(db);
      await expect(ingestInput(db, 'dtks', path, { tempDir: join(dir, 'tmp') })).rejects.toThrow(
        /header columns 14 \("NAMA"\) and 18 \("NAMA"\) are both the SIKS-NG column "NAMA"/,
      );
    } finally {
      db.close();
    }
  });

  it('all of it at once, through a whole run: the manifest and rejected.csv agree with the count', async () => {
    const dtks = corrupt(dtksLines, ',', 'all of them');
    const dukcapil = corrupt(dukcapilLines, ';', 'all of them');
    const out = join(dir, 'run');
    await run({
      dtks: await writeCorrupted('dtks-all.csv', dtks),
      dukcapil: await writeCorrupted('dukcapil-all.csv', dukcapil),
      out,
      config: { ...defaultConfig(), referenceDate: '2026-11-01' },
      logger: silentLogger(),
      threads: 2,
    });
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    const n = (c: Corrupted) => c.lines.length - 1;
    expect(manifest.row_accounting.dtks).toEqual({
      read: n(dtks),
      loaded: n(dtks) - dtks.broken.length,
      rejected: dtks.broken.length,
      adds_up: true,
    });
    expect(manifest.row_accounting.dukcapil).toEqual({
      read: n(dukcapil),
      loaded: n(dukcapil) - dukcapil.broken.length,
      rejected: dukcapil.broken.length,
      adds_up: true,
    });
    expect(manifest.row_accounting.dtks_corrected_rows).toEqual({
      parquet: n(dtks) - dtks.broken.length,
      csv: n(dtks) - dtks.broken.length,
    });
    const db = await Db.open({ path: ':memory:' });
    try {
      const rejected = await db.all<{ file: string; line: number }>(
        `SELECT file, line::INT AS line FROM read_csv('${join(out, 'rejected.csv')}', all_varchar = true) ORDER BY file, line::INT`,
      );
      expect(rejected).toEqual([
        ...dtks.broken.map((line) => ({ file: 'dtks-all.csv', line })),
        ...dukcapil.broken.map((line) => ({ file: 'dukcapil-all.csv', line })),
      ]);
    } finally {
      db.close();
    }
  });
});
