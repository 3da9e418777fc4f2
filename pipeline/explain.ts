import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Config, defaultConfig, parseConfig } from './config.js';
import { Db } from './db.js';
import { InputError, UsageError } from './errors.js';
import { linkSettings } from './link-nik.js';
import { explainPair, formatWaterfall } from './matcher/index.js';

/**
 * `padan explain ID_DTKS`: why a row was matched (or not). Reads the run's database and prints, for
 * the row's best Dukcapil candidates, the match-weight waterfall: each comparison's level and
 * weight. Candidates are named by their line in the Dukcapil file, and no value of anyone is
 * printed: the levels say how the fields compare.
 */
export async function explainRow(options: {
  idDtks: string;
  out?: string;
  db?: string;
  top?: number;
}): Promise<string> {
  const dbPath = options.db ?? (options.out ? join(options.out, 'padan.duckdb') : undefined);
  if (!dbPath) throw new UsageError('explain needs --out RUN_DIR or --db FILE');
  if (!existsSync(dbPath)) throw new InputError(`${dbPath}: no padan database; run padan run first`, dbPath);
  let config: Config = defaultConfig();
  const manifestPath = options.out ? join(options.out, 'manifest.json') : undefined;
  if (manifestPath && existsSync(manifestPath)) {
    config = parseConfig(JSON.parse(await readFile(manifestPath, 'utf8')).config, manifestPath);
  }
  const db = await Db.open({ path: dbPath });
  try {
    const row = await db.one<{
      id_dtks: string;
      _baris: number;
      nik_bentuk: string;
      status: string | null;
      metode: string | null;
    }>(
      `SELECT d.id_dtks, d._baris, d.nik_bentuk, m.status, m.metode
       FROM dtks d LEFT JOIN matches m USING (id_dtks) WHERE d.id_dtks = ?`,
      [options.idDtks],
    );
    if (!row) throw new UsageError(`ID DTKS ${options.idDtks} is not in this run`);
    const lines: string[] = [
      `ID DTKS ${row.id_dtks} (line ${row._baris}), NIK form ${row.nik_bentuk}: ` +
        (row.status === 'PADAN'
          ? `matched to Dukcapil ${row.metode === 'PROBABILISTIK' ? 'by probabilistic matching' : 'by NIK and identity'}`
          : `not matched (${row.status ?? 'no usable NIK'})`),
    ];
    const decisions = await db.all<{ kind: string; reason: string; rule: string; evidence: string }>(
      `SELECT 'deactivate' AS kind, reason, rule, evidence FROM deactivations WHERE id_dtks = $1
       UNION ALL SELECT 'correct ' || field, reason, rule, '' FROM corrections WHERE id_dtks = $1
       UNION ALL SELECT 'review', reason, rule, '' FROM reviews WHERE id_dtks = $1`,
      [options.idDtks],
    );
    for (const d of decisions) lines.push(`  ${d.kind}: ${d.reason} (${d.rule})`);
    const hasScores = await db.count(
      `SELECT count(*) FROM duckdb_tables() WHERE table_name = 'nik_link_scores'`,
    );
    if (!hasScores) {
      lines.push('probabilistic matching did not run (matching.enabled is false)');
      return `${lines.join('\n')}\n`;
    }
    const candidates = await db.all<{ r_id: number }>(
      `SELECT r_id FROM nik_link_scores WHERE l_id = ? ORDER BY match_weight DESC, r_id LIMIT ?`,
      [options.idDtks, options.top ?? 3],
    );
    // Probabilistic matching scores only the rows exact matching did not confirm.
    if (candidates.length === 0 && row.status === 'PADAN' && row.metode === 'TEPAT') {
      lines.push('confirmed by exact matching, so not scored against other Dukcapil candidates');
    } else if (candidates.length === 0) {
      lines.push('no Dukcapil candidate shared a blocking key with this row');
    }
    const settings = linkSettings(config);
    for (const [i, c] of candidates.entries()) {
      const w = await explainPair(db, settings, options.idDtks, c.r_id);
      lines.push('', `candidate ${i + 1}: Dukcapil line ${c.r_id}`, formatWaterfall(w));
    }
    return `${lines.join('\n')}\n`;
  } finally {
    db.close();
  }
}
