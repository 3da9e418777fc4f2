import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../pipeline/config.js';
import { findings } from '../reports/findings.js';
import { OutputDir, type ReportContext } from '../reports/report.js';
import { dtks, dukcapil, type Plan, plan } from './testing.js';

/** Kec. of Kab. Tegal with a desa each (Kemendagri 2025). */
const KECAMATAN = [
  ['01', 'MARGASARI', 'PRUPUK SELATAN'],
  ['02', 'BUMIJAWA', 'GUCI'],
  ['03', 'BOJONG', 'REMBUL'],
  ['04', 'BALAPULANG', 'CENGGINI'],
  ['05', 'PAGERBARANG', 'SRENGSENG'],
  ['06', 'LEBAKSIU', 'TIMBANGREJA'],
  ['07', 'JATINEGARA', 'KEDUNGWUNGU'],
  ['08', 'KEDUNGBANTENG', 'PENUJAH'],
] as const;
const MEMBERS = 20;

describe('region.outlier', () => {
  let p: Plan;
  beforeAll(async () => {
    const rows: Record<string, string>[] = [];
    const records: Record<string, string>[] = [];
    for (const [kec, kecamatan, desa] of KECAMATAN) {
      // Bojong (03) lost half its NIKs in collection; Bumijawa (02) two of 20; the others one.
      const missing = kec === '03' ? 10 : kec === '02' ? 2 : 1;
      for (let i = 0; i < MEMBERS; i++) {
        const day = String(1 + i).padStart(2, '0');
        const person = {
          nik: `3328${kec}${day}0480${String(100 + i).padStart(4, '0')}`,
          nama: `WARGA ${kecamatan} ${i}`,
          tgl: `1980-04-${day}`,
          jk: 'L' as const,
        };
        const id = `${kec}-${String(i).padStart(2, '0')}`;
        rows.push(
          dtks(
            id,
            { ...person, nik: i < missing ? '' : person.nik },
            {
              'ID KELUARGA': `K${id}`,
              KECAMATAN: kecamatan,
              'DESA/KELURAHAN': desa,
              'NOMOR KK': `3328${kec}0101200${String(100 + i).padStart(3, '0')}`,
              'NAMA IBU KANDUNG': `IBU ${kecamatan} ${i}`,
            },
          ),
        );
        records.push(
          dukcapil(person, {
            NO_KK: `3328${kec}0101200${String(100 + i).padStart(3, '0')}`,
            NO_KEC: kec,
            NO_KEL: '2001',
            NAMA_LGKP_IBU: `IBU ${kecamatan} ${i}`,
          }),
        );
      }
    }
    const config = defaultConfig();
    p = await plan(rows, records, {
      ...config,
      referenceDate: '2026-11-01',
      regionOutlier: { ...config.regionOutlier, minRows: 10 },
    });
  });
  afterAll(() => p.close());

  it('finds the kecamatan with five times its peers’ missing-NIK rate, and not a normal one', async () => {
    const f = await p.findings('region.outlier');
    expect(f.map((x) => [x.id_dtks, x.wilayah, x.field, x.reason, x.action])).toEqual([
      [null, '33.28.03', 'nik_kosong', 'REGION_OUTLIER', 'review'],
    ]);
    expect(f[0]?.evidence).toBe(
      'Kec. Bojong, Kabupaten Tegal (33.28.03): 10 dari 20 anggota tanpa NIK (50,0%), sedangkan median kecamatan di Kabupaten Tegal (8 wilayah) 5,0%; skor 9,2',
    );
    expect(JSON.parse(String(f[0]?.detail))).toMatchObject({
      tingkat: 'kecamatan',
      kode: '33.28.03',
      ukuran: 'nik_kosong',
      anggota: 20,
      kasus: 10,
      rate: 0.5,
      median_pembanding: 0.05,
      pembanding: 8,
      kelompok: '33.28',
    });
  });

  it('lists it in review.csv as one row of the region: no id_dtks, its code as kode_desa', async () => {
    const reviews = await p.db.all(
      `SELECT id_dtks, id_keluarga, kode_desa, reason, rule, kunci FROM reviews WHERE reason = 'REGION_OUTLIER'`,
    );
    expect(reviews).toEqual([
      {
        id_dtks: null,
        id_keluarga: null,
        kode_desa: '33.28.03',
        reason: 'REGION_OUTLIER',
        rule: 'region.outlier',
        kunci: expect.stringMatching(/^region\.outlier:33\.28\.03:[0-9a-f]{10}$/),
      },
    ]);
  });

  it('is in findings.parquet after the rows’ findings, with its region and kab/kota', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'padan-findings-'));
    try {
      await findings.write({ db: p.db, out: new OutputDir(dir) } as ReportContext);
      const rows = await p.db.all<{ id_dtks: string | null; wilayah: string | null; kode_kabupaten: string }>(
        `SELECT id_dtks, wilayah, kode_kabupaten FROM read_parquet('${join(dir, 'findings.parquet')}')`,
      );
      expect(rows.length).toBe(await p.db.count('SELECT count(*) FROM findings'));
      expect(rows.at(-1)).toEqual({ id_dtks: null, wilayah: '33.28.03', kode_kabupaten: '33.28' });
      expect(rows.slice(0, -1).every((r) => r.id_dtks !== null)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not score a level with too few peers (one kab/kota in the file)', async () => {
    expect(
      await p.db.count(`SELECT count(*) FROM findings WHERE rule = 'region.outlier' AND length(wilayah) = 5`),
    ).toBe(0);
  });
});
