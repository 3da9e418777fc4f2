import { percentSql } from '../pipeline/link-nik.js';
import type { Rule } from './rule.js';

/** The survivor among rows Dukcapil does not know (alias `d`): a resolved region, then a well-formed NIK, then the first in the file. */
const survivorOrder = (d: string) => `(${d}.wilayah_status = 'RESOLVED') DESC,
  (${d}.nik_bentuk = 'ANGKA16' AND NOT padan_nik_placeholder(${d}.nik)) DESC, ${d}._baris`;

/**
 * One person registered more than once in DTKS whom Dukcapil does not know (no NIK, a NIK it
 * lacks, none recovered), found by linking those rows among themselves (pipeline/link-dtks.ts)
 * above the auto-accept threshold. One row of each group stays: the one whose region resolved,
 * then the one with a well-formed NIK, then the first in the file (DOMAIN.md's preference for the
 * Dukcapil domicile and KK cannot apply: Dukcapil knows none of them).
 */
export const duplicateDtksOnly: Rule = {
  id: 'duplicate.dtks_only',
  version: 4,
  reasons: ['DUPLICATE'],
  action: 'deactivate',
  severity: 'high',
  stage: 'detect',
  reads: ['duplicate.same_nik'],
  settings: ['matching.autoThreshold'],
  description: {
    id: 'Orang yang sama terdaftar lebih dari sekali di DTKS tanpa data Dukcapil (ditemukan dengan mencocokkan baris DTKS satu sama lain)',
    en: 'The same person registered more than once in DTKS and unknown to Dukcapil (found by linking DTKS rows among themselves)',
  },
  async run({ emit, config }) {
    await emit(
      'id_dtks, evidence, kept_id_dtks, scope, confidence',
      `
      WITH nik_gone AS (
        -- Rows duplicate.same_nik deactivates, with the row it keeps for them.
        SELECT id_dtks, kept_id_dtks FROM findings WHERE rule = 'duplicate.same_nik'),
      members AS (
        -- A row duplicate.same_nik already deactivates stands for the row it keeps.
        SELECT g.kelompok, g.id_dtks, coalesce(n.kept_id_dtks, g.id_dtks) AS wakil, n.id_dtks IS NOT NULL AS sudah
        FROM dtks_only_groups g LEFT JOIN nik_gone n USING (id_dtks)),
      groups AS (
        -- A group that joins two people of duplicate.same_nik is left to a person (the self-link
        -- would overrule that rule's survivor); otherwise that rule's survivor is this group's too.
        SELECT m.*, (m.wakil IN (SELECT kept_id_dtks FROM nik_gone)) AS nik_kept FROM members m
        WHERE m.kelompok NOT IN (
          SELECT kelompok FROM members WHERE wakil IN (SELECT kept_id_dtks FROM nik_gone)
          GROUP BY kelompok HAVING count(DISTINCT wakil) > 1)),
      g AS (
        SELECT g.kelompok, d.id_dtks, d.id_keluarga, g.sudah,
          count(*) OVER (PARTITION BY g.kelompok) AS n,
          first_value(g.wakil) OVER w AS kept, first_value(k.id_keluarga) OVER w AS kept_keluarga
        FROM groups g JOIN dtks d USING (id_dtks) JOIN dtks k ON k.id_dtks = g.wakil
        WINDOW w AS (PARTITION BY g.kelompok ORDER BY g.nik_kept DESC, ${survivorOrder('k')})),
      sure AS (
        -- How sure the link of each row into its group is: its strongest accepted pair.
        SELECT id, max(match_probability) AS p FROM (
          SELECT a AS id, match_probability FROM dtks_only_pairs WHERE keputusan = 'DITERIMA'
          UNION ALL SELECT b, match_probability FROM dtks_only_pairs WHERE keputusan = 'DITERIMA')
        GROUP BY id)
      SELECT g.id_dtks,
        'Orang yang sama terdaftar ' || g.n || ' kali di DTKS dan tidak dikenal Dukcapil (ditemukan dengan mencocokkan nama, tanggal lahir, nama ibu dan wilayah; keyakinan ' ||
          ${percentSql('s.p')} || ', ambang ${String(Math.round(config.matching.autoThreshold * 1000) / 10).replace('.', ',')}%); dipertahankan ID DTKS ' || g.kept ||
          CASE WHEN g.kept_keluarga = g.id_keluarga THEN ' (keluarga yang sama)' ELSE ' (keluarga lain)' END,
        g.kept, 'PERSON', round(s.p, 4)
      FROM g JOIN sure s ON s.id = g.id_dtks
      WHERE g.id_dtks <> g.kept AND NOT g.sudah`,
    );
  },
};

/**
 * Two DTKS rows unknown to Dukcapil that may be one person, below the auto-accept bar (or two
 * members of one household whose names or birth dates are not identical): a person decides.
 * Reported on the row that would go, naming the row that would stay; SETUJU deactivates it as a
 * DUPLICATE of that row.
 */
export const duplicateUncertain: Rule = {
  id: 'duplicate.uncertain',
  version: 2,
  reasons: ['MATCH_UNCERTAIN'],
  action: 'review',
  severity: 'medium',
  stage: 'detect',
  reads: ['duplicate.same_nik'],
  description: {
    id: 'Dua baris DTKS tanpa data Dukcapil mungkin orang yang sama, tetapi keyakinannya di bawah ambang',
    en: 'Two DTKS rows unknown to Dukcapil may be one person, below the auto-accept bar',
  },
  async run({ emit }) {
    await emit(
      'id_dtks, evidence, kept_id_dtks, confidence, suggested_action',
      `
      WITH pairs AS (
        SELECT p.a, p.b, p.match_probability, p.bukti FROM dtks_only_pairs p
        WHERE p.keputusan = 'RAGU'
          -- Already one group through other, accepted pairs: nothing left to ask.
          AND NOT EXISTS (SELECT 1 FROM dtks_only_groups ga JOIN dtks_only_groups gb ON ga.kelompok = gb.kelompok
                          WHERE ga.id_dtks = p.a AND gb.id_dtks = p.b)
          -- A row duplicate.same_nik decided on is settled.
          AND p.a NOT IN (SELECT id_dtks FROM findings WHERE rule = 'duplicate.same_nik')
          AND p.b NOT IN (SELECT id_dtks FROM findings WHERE rule = 'duplicate.same_nik')),
      ordered AS (
        -- The pair's survivor by the rule of duplicate.dtks_only: the other row is the one to ask about.
        SELECT p.*, d.id_dtks, row_number() OVER (PARTITION BY p.a, p.b ORDER BY ${survivorOrder('d')}) AS rk
        FROM pairs p JOIN dtks d ON d.id_dtks IN (p.a, p.b))
      SELECT o.id_dtks,
        'mungkin orang yang sama dengan ID DTKS ' || k.id_dtks || ' (keduanya tidak dikenal Dukcapil): ' ||
          o.bukti || '; keyakinan ' || ${percentSql('o.match_probability')},
        k.id_dtks, round(o.match_probability, 4),
        'Periksa KTP/KK kedua anggota; bila orang yang sama pilih SETUJU (baris ini dinonaktifkan, ID DTKS ' || k.id_dtks || ' tetap)'
      FROM ordered o
      JOIN ordered k ON k.a = o.a AND k.b = o.b AND k.rk = 1
      WHERE o.rk = 2`,
    );
  },
};
