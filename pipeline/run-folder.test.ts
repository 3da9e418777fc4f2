import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPadanName, RunFolder, recover } from './run-folder.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-folder-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A pid that is not running: far above the kernel's default pid_max. */
const DEAD = 40_000_001;

async function folder(path: string, files: Record<string, string>): Promise<void> {
  await mkdir(path, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(path, name), text);
}

describe('recover: what killed runs leave beside a run folder', () => {
  it('puts the old run back when a kill fell between the two renames of a commit', async () => {
    const out = join(dir, 'hasil');
    await folder(join(dir, `.hasil.padan-old-${DEAD}-abcdef`), { 'manifest.json': 'old' });
    await folder(join(dir, `.hasil.padan-staging-${DEAD}-abcdef`), { 'manifest.json': 'new' });
    await recover(out);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['hasil']);
  });

  it('removes an old folder left after the new run landed, and staging folders of dead runs only', async () => {
    const out = join(dir, 'hasil');
    await folder(out, { 'manifest.json': 'new' });
    await folder(join(dir, `.hasil.padan-old-${DEAD}-abcdef`), { 'manifest.json': 'old' });
    await folder(join(dir, `.hasil.padan-staging-${DEAD}-aaaaaa`), {});
    await folder(join(dir, `.hasil.padan-staging-${process.pid}-bbbbbb`), {});
    await folder(join(dir, `.other.padan-staging-${DEAD}-cccccc`), {});
    await recover(out);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('new');
    expect(readdirSync(dir).sort()).toEqual(
      [`.hasil.padan-staging-${process.pid}-bbbbbb`, `.other.padan-staging-${DEAD}-cccccc`, 'hasil'].sort(),
    );
  });
});

describe('RunFolder', () => {
  it('replaces a run folder as a whole on commit, and leaves it alone on abort', async () => {
    const out = join(dir, 'hasil');
    await folder(out, { 'manifest.json': 'old', 'review.csv': 'old' });
    const a = await RunFolder.open({ out, inputs: [], force: false, planOnly: false });
    await writeFile(a.path('manifest.json'), 'new');
    await a.abort();
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'review.csv']);
    expect(readdirSync(dir)).toEqual(['hasil']);
    const b = await RunFolder.open({ out, inputs: [], force: false, planOnly: false });
    await writeFile(b.path('manifest.json'), 'new');
    await b.commit();
    expect(readdirSync(out)).toEqual(['manifest.json']);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['hasil']);
  });

  it('takes a lock: a second run on the same folder is refused while the first holds it', async () => {
    const out = join(dir, 'hasil');
    const a = await RunFolder.open({ out, inputs: [], force: false, planOnly: false });
    await expect(RunFolder.open({ out, inputs: [], force: false, planOnly: false })).rejects.toThrow(
      /another padan run \(pid \d+ on .*\) is writing this folder/,
    );
    await a.abort();
    const b = await RunFolder.open({ out, inputs: [], force: false, planOnly: false });
    await b.abort();
  });

  it('takes over the lock of a run that died', async () => {
    const out = join(dir, 'hasil');
    const { hostname } = await import('node:os');
    await writeFile(join(dir, '.hasil.padan-lock'), `${DEAD} ${hostname()}\n`);
    const a = await RunFolder.open({ out, inputs: [], force: false, planOnly: false });
    await a.commit();
    expect(existsSync(join(dir, '.hasil.padan-lock'))).toBe(false);
  });

  it('carries files padan did not write into the new folder with --force', async () => {
    const out = join(dir, 'hasil');
    await folder(out, { 'manifest.json': 'old', 'catatan.txt': 'milik operator' });
    await folder(join(out, 'lampiran'), { 'surat.pdf': 'pdf' });
    await expect(RunFolder.open({ out, inputs: [], force: false, planOnly: false })).rejects.toThrow(
      /holds files padan did not write \("catatan\.txt", "lampiran"\)/,
    );
    const a = await RunFolder.open({ out, inputs: [], force: true, planOnly: false });
    await writeFile(a.path('manifest.json'), 'new');
    await a.commit();
    expect(readFileSync(join(out, 'catatan.txt'), 'utf8')).toBe('milik operator');
    expect(readFileSync(join(out, 'lampiran', 'surat.pdf'), 'utf8')).toBe('pdf');
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('new');
  });

  it("knows padan's names, temporary ones included", () => {
    expect(
      ['manifest.json', 'regions', '.review.csv.tmp', 'padan.duckdb', 'evaluation.json'].every(isPadanName),
    ).toBe(true);
    expect(['notes.txt', 'dtks.csv', 'review.csv.bak'].some(isPadanName)).toBe(false);
  });
});
