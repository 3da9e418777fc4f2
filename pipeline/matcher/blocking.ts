import { type Db, sqlIdent, sqlString } from '../db.js';
import type { BlockingRule, DroppedBlock, ResolvedSettings } from './settings.js';
import { tableName } from './sql.js';

export interface BlockingReport {
  leftRows: number;
  rightRows: number;
  candidates: number;
  perLeftRow: number;
  maxPerLeftRow: number;
  rulePairs: { rule: string; pairs: number; only: number }[];
  droppedBlocks: DroppedBlock[];
  droppedBlockCount: number;
}

/** Bit of a rule in the `rules` bitmask: bit i is `settings.blocking[i]`. */
export function ruleMask(settings: ResolvedSettings, names: string[]): bigint {
  let mask = 0n;
  for (const name of names) {
    const i = settings.blocking.findIndex((b) => b.name === name);
    if (i < 0) throw new Error(`no blocking rule '${name}'`);
    mask |= 1n << BigInt(i);
  }
  return mask;
}

/** Rule names of a bitmask. */
export function ruleNames(settings: { blocking: BlockingRule[] }, rules: bigint | number | string): string[] {
  const mask = BigInt(rules);
  return settings.blocking.filter((_, i) => (mask >> BigInt(i)) & 1n).map((b) => b.name);
}

/** Whether a key expression yields a LIST (to be unnested). Asked of DuckDB rather than guessed from text. */
async function isListKey(db: Db, expr: string, table: string, alias: string): Promise<boolean> {
  const rows = await db.all<{ column_type: string }>(
    `DESCRIBE SELECT (${expr}) AS k FROM ${table} AS ${alias}`,
  );
  const type = rows[0]?.column_type ?? '';
  if (/\[\d*\]\[\d*\]$/.test(type)) throw new Error(`blocking key ${expr} is a nested list`);
  // LIST (`T[]`) and fixed-size ARRAY (`T[n]`) both unnest.
  return /\[\d*\]$/.test(type);
}

/**
 * Keys of one side: (__id, __k) rows, list keys unnested, NULL keys gone, with the columns a filter
 * needs carried beside them (so that the filter does not join the pairs back to both tables: at a
 * million records those two joins took longer than the key join itself).
 */
function keysSql(
  table: string,
  alias: 'l' | 'r',
  id: string,
  expr: string,
  list: boolean,
  carried: string[] = [],
): string {
  const key = list ? `unnest(${expr})` : `(${expr})`;
  const columns = carried.map((c) => `, ${alias}.${sqlIdent(c)}`).join('');
  return `SELECT * FROM (SELECT ${alias}.${sqlIdent(id)} AS __id, ${key} AS __k${columns} FROM ${table} AS ${alias}) WHERE __k IS NOT NULL`;
}

/** The columns a filter names as `alias.column`, each once, in order. */
export function filterColumns(filter: string | undefined, alias: 'l' | 'r'): string[] {
  if (filter === undefined) return [];
  const names = [...filter.matchAll(new RegExp(`\\b${alias}\\.([A-Za-z_][A-Za-z0-9_]*)`, 'g'))].map(
    (m) => m[1] as string,
  );
  return [...new Set(names)];
}

/**
 * Candidate pairs: the union over blocking rules of equi-joins on the rule keys, each pair once with the
 * bitmask of the rules that produced it. Keys shared by more right rows than a rule's cap are dropped
 * (and listed in `<prefix>_dropped_blocks`, those a left row has), which bounds the candidates per
 * left row by the sum of caps.
 */
export async function buildCandidates(
  db: Db,
  s: ResolvedSettings,
  onRule?: (rule: string, index: number) => void,
): Promise<BlockingReport> {
  const dropped = tableName(s.prefix, 'dropped_blocks');
  const candidates = tableName(s.prefix, 'candidates');
  await db.exec(
    `CREATE OR REPLACE TABLE ${dropped} (rule VARCHAR, rule_index INTEGER, key VARCHAR, size BIGINT, left_rows BIGINT)`,
  );
  const perRule: string[] = [];
  for (const [i, rule] of s.blocking.entries()) {
    onRule?.(rule.name, i);
    const lList = await isListKey(db, rule.leftKey, s.left.table, 'l');
    const rList = await isListKey(db, rule.rightKey, s.right.table, 'r');
    // Keys are joined as values, not as hash(key): DuckDB's string hash collides on near-identical keys
    // (e.g. 'PRASETYO/1978-02-05' and 'PRASETYA/1978-08-05'), which would merge blocks and drop them wrongly.
    let lk = keysSql(s.left.table, 'l', s.left.id, rule.leftKey, lList, filterColumns(rule.filter, 'l'));
    const rk = keysSql(s.right.table, 'r', s.right.id, rule.rightKey, rList, filterColumns(rule.filter, 'r'));
    let rightKeys = `(${rk})`;
    if (rule.maxBlockSize !== undefined) {
      // The left side's keys first: only the right rows that share one are kept, counted and
      // joined. The left rows compared are a tenth of a run's; counting the blocks of every right
      // record and keeping their keys (seven a record for nik_hampir) was most of blocking.
      const leftKeys = tableName(s.prefix, `left_keys_${i}`);
      await db.exec(`CREATE OR REPLACE TEMP TABLE ${leftKeys} AS ${lk}`);
      lk = `SELECT * FROM ${leftKeys}`;
      const keys = tableName(s.prefix, `keys_${i}`);
      await db.exec(`CREATE OR REPLACE TEMP TABLE ${keys} AS
        SELECT * FROM (${rk}) WHERE __k IN (SELECT __k FROM ${leftKeys})`);
      rightKeys = keys;
      // Block sizes are counted on the right side: that is what each left row would be compared with.
      const big = tableName(s.prefix, `big_${i}`);
      await db.exec(`CREATE OR REPLACE TEMP TABLE ${big} AS
        SELECT __k, count(*) AS size FROM ${keys} GROUP BY __k HAVING count(*) > ${rule.maxBlockSize}`);
      if ((await db.count(`SELECT count(*) FROM ${big}`)) > 0) {
        await db.exec(`INSERT INTO ${dropped}
          SELECT ${sqlString(rule.name)}, ${i}, b.__k::VARCHAR, b.size, count(lk.__id)
          FROM ${big} AS b LEFT JOIN (${lk}) AS lk ON lk.__k = b.__k
          GROUP BY b.__k, b.size`);
        rightKeys = `(SELECT * FROM ${keys} AS rk0 ANTI JOIN ${big} AS b ON rk0.__k = b.__k)`;
      }
    }
    // Deduplication compares each unordered pair once, and never a row with itself.
    const order = s.dedupe ? ' AND l.__id < r.__id' : '';
    const filter = rule.filter === undefined ? '' : `WHERE coalesce((${rule.filter}), false)`;
    perRule.push(`SELECT l.__id AS l_id, r.__id AS r_id, ${1n << BigInt(i)}::UBIGINT AS bit
      FROM (${lk}) AS l JOIN ${rightKeys} AS r ON l.__k = r.__k${order} ${filter}`);
  }
  // A pair found by several rules (or several list elements) is kept once; bit_or remembers the rules.
  await db.exec(`CREATE OR REPLACE TABLE ${candidates} AS
    SELECT l_id, r_id, bit_or(bit) AS rules FROM (${perRule.join('\nUNION ALL\n')}) GROUP BY l_id, r_id`);
  for (const i of s.blocking.keys()) {
    for (const t of [`big_${i}`, `keys_${i}`, `left_keys_${i}`]) {
      await db.exec(`DROP TABLE IF EXISTS ${tableName(s.prefix, t)}`);
    }
  }

  const leftRows = await db.count(`SELECT count(*) FROM ${s.left.table}`);
  const rightRows = s.dedupe ? leftRows : await db.count(`SELECT count(*) FROM ${s.right.table}`);
  const counts = s.blocking.flatMap((_, i) => {
    const bit = `${1n << BigInt(i)}::UBIGINT`;
    return [`count(*) FILTER (rules & ${bit} <> 0) AS p${i}`, `count(*) FILTER (rules = ${bit}) AS o${i}`];
  });
  const stats = (await db.one<Record<string, number>>(
    `SELECT count(*) AS n, ${counts.join(', ')} FROM ${candidates}`,
  )) as Record<string, number>;
  const maxPerLeftRow = await db.count(
    `SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM ${candidates} GROUP BY l_id)`,
  );
  const rulePairs = s.blocking.map((b, i) => ({
    rule: b.name,
    pairs: Number(stats[`p${i}`]),
    only: Number(stats[`o${i}`]),
  }));
  // The bitmask decoded for SQL users: `rules & bit <> 0`.
  const ruleRows = rulePairs.map(
    (r, i) =>
      `(${i}, ${1n << BigInt(i)}::UBIGINT, ${sqlString(r.rule)}, ${s.blocking[i]?.maxBlockSize ?? 'NULL'}::BIGINT, ${r.pairs}::BIGINT, ${r.only}::BIGINT)`,
  );
  await db.exec(`CREATE OR REPLACE TABLE ${tableName(s.prefix, 'blocking_rules')} AS
    SELECT * FROM (VALUES ${ruleRows.join(', ')}) AS t(rule_index, bit, rule, max_block_size, pairs, only_pairs)`);
  const droppedBlockCount = await db.count(`SELECT count(*) FROM ${dropped}`);
  const droppedBlocks = (
    await db.all<{ rule: string; key: string | null; size: number; left_rows: number }>(
      `SELECT rule, key, size, left_rows FROM ${dropped} ORDER BY size DESC, rule_index, key LIMIT 1000`,
    )
  ).map((d) => ({ rule: d.rule, key: d.key, size: Number(d.size), leftRows: Number(d.left_rows) }));
  const candidatesN = Number(stats.n);
  return {
    leftRows,
    rightRows,
    candidates: candidatesN,
    perLeftRow: leftRows > 0 ? candidatesN / leftRows : 0,
    maxPerLeftRow,
    rulePairs,
    droppedBlocks,
    droppedBlockCount,
  };
}
