/**
 * The real `padan` command, as built by `npm test` (tsc emits dist/ before vitest runs).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../pipeline/config.js';
import { packageRoot } from '../pipeline/paths.js';

const ROOT = packageRoot();
const BIN = join(ROOT, 'dist', 'bin', 'padan.js');
const SAMPLE = join(ROOT, 'fixtures', 'sample');
let dir: string;

function padan(...args: string[]) {
  return padanWith({}, ...args);
}

function padanWith(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PADAN_LOG_LEVEL: 'warn', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'padan-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('padan CLI', () => {
  it('is built', () => {
    expect(existsSync(BIN), 'run `npm run build` (npm test does it) before these tests').toBe(true);
  });

  it('prints a default config that validates', () => {
    const r = padan('config');
    expect(r.code).toBe(0);
    expect(() => parseConfig(JSON.parse(r.stdout))).not.toThrow();
  });

  it('lists the rules as text, Markdown and JSON, and describes the config keys', () => {
    const r = padan('rules');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^nik\.structure\s+NIK_INVALID,NIK_MISSING\s+review/m);
    expect(padan('rules', '--format', 'md').stdout).toMatch(/^## household\.structure$/m);
    const json = JSON.parse(padan('rules', '--format', 'json').stdout) as { id: string; reads: string[] }[];
    expect(json.find((x) => x.id === 'nik.not_found')?.reads).toEqual(['nik.structure']);
    expect(padan('rules', '--format', 'xml').code).toBe(2);
    expect(padan('config', '--describe').stdout).toMatch(/^household\.minMotherAge = 12\n {4}\S/m);
  });

  it('refuses a misspelt rule id in rules.disabled (exit 2)', async () => {
    const bad = join(dir, 'disabled.json');
    await writeFile(bad, JSON.stringify({ rules: { disabled: ['life.moove'] } }));
    const r = padan('run', '--dtks', 'a', '--dukcapil', 'b', '--out', join(dir, 'o'), '--config', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('rules.disabled: life.moove is not a rule id');
  });

  it('exits 2 on a usage error and on an invalid config', async () => {
    expect(padan('run', '--dtks', 'x.csv').code).toBe(2);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ identity: { nameStrong: 2 } }));
    const r = padan('run', '--dtks', 'a', '--dukcapil', 'b', '--out', join(dir, 'o'), '--config', bad);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: identity\.nameStrong/);
    for (const [size, message] of [
      ['8 gigs', /expected a size such as 4GB/],
      ['0GB', /expected a size above zero/],
    ] as const) {
      const m = padan(
        'run',
        '--dtks',
        'a',
        '--dukcapil',
        'b',
        '--out',
        join(dir, 'o'),
        '--memory-limit',
        size,
      );
      expect(m.code).toBe(2);
      expect(m.stderr).toMatch(message);
    }
  });

  it('exits 3 naming the file when an input cannot be read', () => {
    const r = padan(
      'run',
      '--dtks',
      join(dir, 'missing.csv'),
      '--dukcapil',
      join(SAMPLE, 'dukcapil.csv'),
      '--out',
      join(dir, 'o3'),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/--dtks .*missing\.csv: cannot be opened/);
  });

  it('normalises names on worker threads with the golden bytes of the in-process run', async () => {
    // The tests of the pipeline run from TypeScript, where names are normalised on the main
    // thread; the built command uses workers, here from the first name (the sample is far below
    // the sizes that pay for workers). Both must give the sample's golden files.
    const out = join(dir, 'workers');
    const r = padanWith(
      { PADAN_NAME_WORKER_NAMES: '0', PADAN_LOG_LEVEL: 'debug' },
      'run',
      '--dtks',
      join(SAMPLE, 'dtks.csv'),
      '--dukcapil',
      join(SAMPLE, 'dukcapil.csv'),
      '--config',
      join(SAMPLE, 'config.json'),
      '--threads',
      '2',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/"workers":2,.*"msg":"names normalised"/);
    const outputs = (path: string) =>
      readFile(path, 'utf8').then(
        (text) => (JSON.parse(text) as { outputs: Record<string, { sha256: string }> }).outputs,
      );
    const golden = await outputs(join(SAMPLE, 'golden', 'manifest.json'));
    const written = await outputs(join(out, 'manifest.json'));
    const workbooks = Object.keys(golden).filter((f) => f.startsWith('regions/'));
    expect(workbooks.length).toBeGreaterThan(1);
    // Every output, not only the workbooks: the names feed every match and finding.
    for (const f of Object.keys(golden)) expect(written[f]?.sha256, f).toBe(golden[f]?.sha256);
  });

  it('runs the sample, prints where the outputs went, and leaves no personal data in the log', async () => {
    const out = join(dir, 'ok');
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        '--dtks',
        join(SAMPLE, 'dtks.csv'),
        '--dukcapil',
        join(SAMPLE, 'dukcapil.csv'),
        '--out',
        out,
      ],
      { encoding: 'utf8', env: { ...process.env, PADAN_LOG_LEVEL: 'debug' } },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/outputs in .*ok\//);
    expect(r.stdout).toMatch(/deactivate\s+\d+ \(DECEASED \d+, DUPLICATE \d+, MOVED \d+\)/);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
    // No NIK (16 digits) and no name of the sample in the log.
    expect(r.stderr).not.toMatch(/\d{16}/);
    expect(r.stderr).not.toMatch(/SOEKARNO|SUKARNO|SITI AMINAH/);

    // explain: the waterfall of the Excel-mangled NIK row that matching recovered, with no NIK in it.
    const expected = await readFile(join(SAMPLE, 'expected.csv'), 'utf8');
    const id = expected
      .split('\n')
      .find((l) => l.includes('Excel scientific notation'))
      ?.split(',')[0] as string;
    const e = padan('explain', id, '--out', out);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/matched to Dukcapil by probabilistic matching/);
    expect(e.stdout).toMatch(/correct nik: NIK_CORRECTED/);
    expect(e.stdout).toMatch(/^nik\s+awalan NIK \(Excel\) sama/m);
    expect(e.stdout).toMatch(/^total\s+p=0\.99/m);
    expect(e.stdout).not.toMatch(/\d{16}/);
    // A row exact matching confirmed is not scored again ("padan, nothing to do" in expected.csv).
    const confirmed = padan('explain', 'DTKS00001', '--out', out);
    expect(confirmed.stdout).toMatch(/matched to Dukcapil by NIK and identity/);
    expect(confirmed.stdout).toMatch(/confirmed by exact matching, so not scored/);
    expect(padan('explain', 'NO-SUCH-ID', '--out', out).code).toBe(2);
  });

  it('warns, at warn level, of rejected lines, an input with no rows and a Dukcapil extract too small', async () => {
    const header = join(dir, 'dukcapil-header.csv');
    await writeFile(header, `${(await readFile(join(SAMPLE, 'dukcapil.csv'), 'utf8')).split('\n')[0]}\n`);
    const r = padan(
      'run',
      '--dtks',
      join(SAMPLE, 'dtks.csv'),
      '--dukcapil',
      header,
      '--config',
      join(SAMPLE, 'config.json'),
      '--out',
      join(dir, 'warn'),
    );
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40)
      .map((l) => l.msg);
    expect(warnings).toEqual([
      '4 lines of dtks.csv rejected (see rejected.csv)',
      'dukcapil-header.csv has no rows to load (empty or header only)',
      'the Dukcapil extract has less than half as many records as DTKS: most members will not be found; is it the whole extract?',
    ]);
  });

  it('reads Parquet inputs with the same column names', async () => {
    const out = join(dir, 'pq');
    const { Db } = await import('../pipeline/db.js');
    const db = await Db.open({ path: ':memory:' });
    await copyFile(join(SAMPLE, 'dukcapil.csv'), join(dir, 'dk.csv'));
    await db.exec(
      `COPY (SELECT * FROM read_csv('${join(SAMPLE, 'dtks.csv')}', all_varchar = true, ignore_errors = true)) TO '${join(dir, 'dtks.parquet')}' (FORMAT parquet)`,
    );
    db.close();
    const r = padan(
      'run',
      '--dtks',
      join(dir, 'dtks.parquet'),
      '--dukcapil',
      join(dir, 'dk.csv'),
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.inputs[0].format).toBe('parquet');
  });
});
