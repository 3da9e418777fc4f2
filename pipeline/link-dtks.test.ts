import { describe, expect, it } from 'vitest';
import { forDtksPairs } from './link-dtks.js';
import type { LevelParams, LinkModel } from './matcher/index.js';

const level = (gamma: number, label: string, m: number, u: number): LevelParams => ({
  gamma,
  label,
  m,
  u,
  weight: Math.log2(m / u),
  mSource: 'em',
  uSource: 'random',
  uCount: 100,
  tf: false,
});

/** The shape of the NIK-recovery model: a region that differs counts against a record at every level short of the desa. */
const model: LinkModel = {
  prior: 0.001,
  priorSource: 'estimated',
  candidateMatchShare: null,
  em: [],
  uSample: { pairs: 1000, nonNull: {} },
  comparisons: [
    {
      name: 'wilayah',
      levels: [
        level(4, 'desa sama', 0.9, 0.01),
        level(3, 'kecamatan sama', 0.02, 0.05),
        level(2, 'kabupaten/kota sama', 0.02, 0.1),
        level(1, 'provinsi sama', 0.01, 0.2),
        level(0, 'berbeda', 0.05, 0.64),
      ],
    },
    { name: 'kk', levels: [level(1, 'Nomor KK sama', 0.6, 0.001), level(0, 'berbeda', 0.4, 0.999)] },
    { name: 'nama_ibu', levels: [level(2, 'sama', 0.8, 0.01), level(0, 'berbeda', 0.1, 0.9)] },
  ],
};

describe('forDtksPairs', () => {
  const pairs = forDtksPairs(model);
  const weights = (name: string) =>
    pairs.comparisons.find((c) => c.name === name)?.levels.map((l) => l.weight);

  it('weighs every region level short of the desa at 0 instead of against the pair, and keeps the desa for it', () => {
    expect(weights('wilayah')).toEqual([Math.log2(0.9 / 0.01), 0, 0, 0, 0]);
    const neutral = pairs.comparisons[0]?.levels.slice(1) ?? [];
    expect(neutral.every((l) => l.m === l.u && l.mSource === 'fixed')).toBe(true);
  });

  it('weighs a family card that differs at 0 and keeps the one in common', () => {
    expect(weights('kk')).toEqual([Math.log2(0.6 / 0.001), 0]);
  });

  it('leaves the other comparisons as estimated, the mother that differs still against the pair', () => {
    expect(pairs.comparisons[2]).toEqual(model.comparisons[2]);
    expect(model.comparisons[0]?.levels[1]?.weight).toBeLessThan(0);
  });
});
