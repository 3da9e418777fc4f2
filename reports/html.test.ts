/**
 * report.html in a real browser: Debian's Chromium, headless (`.ci/run` installs it when absent),
 * driven by playwright-core. The page must load with no console error and no request beyond its own
 * file, draw its charts, show a hostile region name as text, and agree with summary.json on every
 * number it shows.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../pipeline/config.js';
import { silentLogger } from '../pipeline/logger.js';
import { packageRoot } from '../pipeline/paths.js';
import { run } from '../pipeline/run.js';
import { SummarySchema } from './summary.js';

const CHROMIUM = '/usr/bin/chromium';
const SAMPLE = join(packageRoot(), 'fixtures', 'sample');
const HOSTILE = '<script>window.__padan_pwned = 1</script><img src="http://contoh.test/x.png">';
let dir: string;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (.ci/run does)`);
  dir = await mkdtemp(join(tmpdir(), 'padan-html-'));
  const lines = (await readFile(join(SAMPLE, 'dtks.csv'), 'utf8')).split('\n');
  const k = lines.findIndex((l) => l.startsWith('DTKS00217,'));
  // A desa name typed by an operator, hostile: it does not resolve, so the report lists it.
  lines[k] = (lines[k] as string).replace(',ANTAH BERANTAH,', `,"${HOSTILE.replaceAll('"', '""')}",`);
  await writeFile(join(dir, 'dtks.csv'), lines.join('\n'));
  await run({
    dtks: join(dir, 'dtks.csv'),
    dukcapil: join(SAMPLE, 'dukcapil.csv'),
    out: join(dir, 'run'),
    config: await loadConfig(join(SAMPLE, 'config.json')),
    logger: silentLogger(),
    threads: 2,
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // This machine's network is closed: Chromium's own background connections are switched off.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The value at a dotted path of the summary (`by_provinsi.0.deactivated`). */
function at(summary: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], summary);
}

/** A number as the page writes it, in Indonesian: 1.234.567, 12,34%, Rp 1.234.000. */
function parse(text: string, format: string): number {
  const clean = text.replace(/[\s\u00a0\u202f]/g, '');
  if (format === 'persen') return Number(clean.replace('%', '').replaceAll('.', '').replace(',', '.')) / 100;
  if (format === 'rupiah') return Number(clean.replace(/[^0-9-]/g, ''));
  return Number(clean.replaceAll('.', '').replace(',', '.'));
}

describe('report.html in headless Chromium', () => {
  it('loads offline with no console error and no request, draws its charts and shows hostile text as text', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(dir, 'run', 'report.html')).href;
    await page.goto(url, { waitUntil: 'load' });
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    const charts = await page.$$eval('figure.grafik svg', (svgs) =>
      svgs.map((s) => ({
        bars: s.querySelectorAll('rect.bar').length,
        values: s.querySelectorAll('text.value').length,
      })),
    );
    expect(charts.length).toBeGreaterThanOrEqual(5);
    for (const c of charts) expect(c.values).toBe(c.bars);
    expect(
      await page.evaluate(() => (window as unknown as { __padan_pwned?: number }).__padan_pwned),
    ).toBeUndefined();
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text a reader sees is the point
    expect(await page.innerText('body')).toContain(HOSTILE);
    await page.close();
  });

  it('shows every number as summary.json has it', async () => {
    const summary = SummarySchema.parse(JSON.parse(await readFile(join(dir, 'run', 'summary.json'), 'utf8')));
    const page = await browser.newPage();
    await page.goto(pathToFileURL(join(dir, 'run', 'report.html')).href);
    const shown = await page.$$eval('[data-k]', (els) =>
      els.map((e) => ({
        k: e.getAttribute('data-k') as string,
        f: e.getAttribute('data-f') as string,
        text: e.textContent ?? '',
      })),
    );
    await page.close();
    expect(shown.length).toBeGreaterThan(100);
    for (const s of shown) {
      const want = at(summary, s.k);
      expect(typeof want, s.k).toBe('number');
      const got = parse(s.text, s.f);
      if (s.f === 'persen')
        expect(Math.abs(got - (want as number)), `${s.k}: ${s.text}`).toBeLessThan(0.00006);
      else expect(got, `${s.k}: ${s.text}`).toBe(want);
    }
    // The headline numbers are all there.
    const keys = new Set(shown.map((s) => s.k));
    for (const k of [
      'rows.dtks_read',
      'active.after',
      'deactivations.total',
      'nik.after.corrected',
      'aid.monthly_total',
    ]) {
      expect(keys.has(k), k).toBe(true);
    }
    for (const reason of Object.keys(summary.deactivations.by_reason)) {
      expect(keys.has(`deactivations.by_reason.${reason}`)).toBe(true);
    }
    for (const [i] of summary.by_kabupaten.entries())
      expect(keys.has(`by_kabupaten.${i}.deactivated`)).toBe(true);
  });
});
