import type { Rule } from './rule.js';

/** Exact age in whole years at a date, as a person would say it. */
const AGE = (born: string, at: string) =>
  `datepart('year', age(CAST(${at} AS TIMESTAMP), CAST(${born} AS TIMESTAMP)))`;

/**
 * Household structure (SPEC §4 HOUSEHOLD_ANOMALY): no head or several heads, a head under the
 * minimum age, a child older than the head or the head's spouse, a parent or parent-in-law younger
 * than the head, a mother (the female head or spouse) implausibly young or old for her child, a
 * one-person household of a child, members spread over several desa. Each problem names the member
 * ids involved, and is reported on the rows it involves, for the operator who fixes the household
 * in SIKS-NG. Age comparisons need both birth dates; a missing one is field.anomaly's.
 */
export const householdStructure: Rule = {
  id: 'household.structure',
  version: 2,
  reasons: ['HOUSEHOLD_ANOMALY'],
  action: 'review',
  severity: 'low',
  stage: 'detect',
  settings: [
    'household.minHeadAge',
    'household.adultAge',
    'household.minMotherAge',
    'household.maxMotherAge',
  ],
  description: {
    id: 'Susunan keluarga janggal: tanpa kepala atau kepala ganda, kepala di bawah umur, anak lebih tua dari kepala atau pasangannya, orang tua lebih muda dari kepala, selisih umur ibu dan anak tidak wajar, keluarga satu orang berupa anak, anggota tersebar di beberapa desa',
    en: "Household structure anomaly: no head or several heads, under-age head, child older than the head or the head's spouse, parent younger than the head, implausible mother-child age gap, one-person household of a child, members in several desa",
  },
  async run({ emit, config, referenceDate }) {
    await emit(
      'id_dtks, evidence, suggested_action',
      `
      WITH m AS (
        SELECT id_dtks, id_keluarga, hubungan, jenis_kelamin, tgl_lahir, kode_desa, _baris,
          ${AGE('tgl_lahir', '$ref::DATE')} AS umur
        FROM dtks),
      hh AS (
        SELECT id_keluarga, count(*) AS n,
          count(*) FILTER (WHERE hubungan = 'KEPALA KELUARGA') AS heads,
          count(DISTINCT kode_desa) AS desa
        FROM m GROUP BY id_keluarga),
      -- The member lists, only of the households a problem names whole: sorted lists of every
      -- household were most of the rule (1.0 s of 1.3 s at 1M rows).
      hh_ids AS (
        SELECT m.id_keluarga, list(m.id_dtks ORDER BY m._baris) AS ids,
          list(m.id_dtks ORDER BY m._baris) FILTER (WHERE m.hubungan = 'KEPALA KELUARGA') AS head_ids
        FROM m JOIN hh ON hh.id_keluarga IS NOT DISTINCT FROM m.id_keluarga
        WHERE hh.heads <> 1 OR hh.desa > 1
        GROUP BY m.id_keluarga),
      hh_named AS (SELECT hh.*, i.ids, i.head_ids FROM hh JOIN hh_ids i ON i.id_keluarga IS NOT DISTINCT FROM hh.id_keluarga),
      -- The head and the spouses: a child's parents as the household records them.
      parent AS (SELECT * FROM m WHERE hubungan IN ('KEPALA KELUARGA', 'ISTRI', 'SUAMI')),
      -- The mother: the only woman among them (none or two, and the mother is not known).
      mother AS (
        SELECT * FROM parent WHERE jenis_kelamin = 'P'
        QUALIFY count(*) OVER (PARTITION BY id_keluarga) = 1),
      head AS (SELECT * FROM m WHERE hubungan = 'KEPALA KELUARGA'),
      peran(hubungan, nama) AS (VALUES ('KEPALA KELUARGA', 'kepala keluarga'), ('ISTRI', 'istri'), ('SUAMI', 'suami')),
      problem AS (
        SELECT id_keluarga, 'tanpa kepala keluarga (ID DTKS ' || array_to_string(ids, ', ') || ')' AS teks, ids FROM hh_named WHERE heads = 0
        UNION ALL
        SELECT id_keluarga, heads || ' kepala keluarga (ID DTKS ' || array_to_string(head_ids, ', ') || ')', head_ids
        FROM hh_named WHERE heads > 1
        UNION ALL
        SELECT id_keluarga, 'kepala keluarga ID DTKS ' || id_dtks || ' berumur ' || umur || ' tahun, di bawah ${config.household.minHeadAge} tahun', [id_dtks]
        FROM head WHERE umur < ${config.household.minHeadAge}
        UNION ALL
        SELECT hh.id_keluarga, 'keluarga satu orang: ID DTKS ' || m.id_dtks || ' berumur ' || m.umur || ' tahun (anak)', [m.id_dtks]
        FROM hh JOIN m USING (id_keluarga) WHERE hh.n = 1 AND m.umur < ${config.household.adultAge}
        UNION ALL
        SELECT c.id_keluarga, 'anak ID DTKS ' || c.id_dtks || ' lebih tua dari ' || r.nama || ' ID DTKS ' || p.id_dtks,
          [c.id_dtks, p.id_dtks]
        FROM m c JOIN parent p ON p.id_keluarga = c.id_keluarga JOIN peran r ON r.hubungan = p.hubungan
        WHERE c.hubungan = 'ANAK' AND c.tgl_lahir < p.tgl_lahir
        UNION ALL
        SELECT o.id_keluarga, lower(o.hubungan) || ' ID DTKS ' || o.id_dtks || ' lebih muda dari kepala keluarga ID DTKS ' || k.id_dtks,
          [o.id_dtks, k.id_dtks]
        FROM m o JOIN head k ON k.id_keluarga = o.id_keluarga
        WHERE o.hubungan IN ('ORANG TUA', 'MERTUA') AND o.tgl_lahir > k.tgl_lahir
        UNION ALL
        SELECT c.id_keluarga, 'ibu ID DTKS ' || i.id_dtks || ' berumur ' || ${AGE('i.tgl_lahir', 'c.tgl_lahir')} ||
            ' tahun saat anak ID DTKS ' || c.id_dtks || ' lahir', [c.id_dtks, i.id_dtks]
        FROM m c JOIN mother i ON i.id_keluarga = c.id_keluarga
        WHERE c.hubungan = 'ANAK' AND c.tgl_lahir >= i.tgl_lahir
          AND (${AGE('i.tgl_lahir', 'c.tgl_lahir')} < ${config.household.minMotherAge} OR ${AGE('i.tgl_lahir', 'c.tgl_lahir')} > ${config.household.maxMotherAge})
        UNION ALL
        SELECT id_keluarga, 'anggota tersebar di ' || desa || ' desa/kelurahan', ids FROM hh_named WHERE desa > 1
      ),
      per_row AS (
        SELECT p.id_keluarga, u.id_dtks, string_agg(DISTINCT p.teks, '; ' ORDER BY p.teks) AS teks
        FROM problem p, unnest(p.ids) AS u(id_dtks)
        GROUP BY ALL)
      SELECT id_dtks, 'Keluarga ' || id_keluarga || ': ' || teks,
        'Periksa susunan anggota keluarga pada KK dan perbaiki di SIKS-NG'
      FROM per_row`,
      { ref: referenceDate },
    );
  },
};
