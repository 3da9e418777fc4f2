import type { DuckDBValue } from '@duckdb/node-api';
import type { Db } from '../pipeline/db.js';
import { CATALOGUE } from './catalogue.js';
import { EMITTED_COLUMNS_DDL, type Rule, type RuleContext, type Stage } from './rule.js';

export type RunContext = Omit<RuleContext, 'emit'>;

/** The order stages run in; a rule may read only rules of its own or an earlier stage. */
const STAGE_ORDER: readonly Stage[] = ['validate', 'match', 'link', 'detect'];

/**
 * The enabled rules of one stage in the order they must run: every rule after the rules it reads
 * (a topological order, ties kept in catalogue order so that the run stays deterministic).
 */
export function rulesForStage(stage: Stage, disabled: readonly string[] = []): Rule[] {
  const ordered = orderCatalogue(CATALOGUE);
  return ordered.filter((r) => r.stage === stage && !disabled.includes(r.id));
}

/**
 * Check the catalogue's declarations and return it in dependency order. A rule that reads an
 * unknown rule, a rule of a later stage, or itself through a cycle is a programming error.
 */
export function orderCatalogue(catalogue: readonly Rule[]): Rule[] {
  const byId = new Map(catalogue.map((r) => [r.id, r]));
  if (byId.size !== catalogue.length) throw new Error('rule catalogue: two rules share an id');
  for (const rule of catalogue) {
    for (const read of rule.reads ?? []) {
      const source = byId.get(read);
      if (!source) throw new Error(`rule ${rule.id} reads unknown rule ${read}`);
      if (STAGE_ORDER.indexOf(source.stage) > STAGE_ORDER.indexOf(rule.stage)) {
        throw new Error(`rule ${rule.id} (${rule.stage}) reads ${read}, which runs later (${source.stage})`);
      }
    }
  }
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: Rule[] = [];
  const visit = (rule: Rule) => {
    if (done.has(rule.id)) return;
    if (visiting.has(rule.id)) throw new Error(`rule catalogue: ${rule.id} reads itself through a cycle`);
    visiting.add(rule.id);
    for (const read of rule.reads ?? []) visit(byId.get(read) as Rule);
    visiting.delete(rule.id);
    done.add(rule.id);
    ordered.push(rule);
  };
  for (const stage of STAGE_ORDER) for (const rule of catalogue) if (rule.stage === stage) visit(rule);
  return ordered;
}

/** Ids in `rules.disabled` that name no rule (a config error: a typo would silently run the rule). */
export function disabledRuleProblems(
  disabled: readonly string[],
  catalogue: readonly Rule[] = CATALOGUE,
): string[] {
  const ids = new Set(catalogue.map((r) => r.id));
  return disabled.filter((id) => !ids.has(id)).map((id) => `${id} is not a rule id (see \`padan rules\`)`);
}

/**
 * Enabled rules that read a disabled one: they still run, on that rule's absent findings (fewer
 * deaths to count, no structure findings to skip), which the run log says.
 */
export function disabledReads(
  disabled: readonly string[],
  catalogue: readonly Rule[] = CATALOGUE,
): { rule: string; reads: string }[] {
  return catalogue
    .filter((r) => !disabled.includes(r.id))
    .flatMap((r) =>
      (r.reads ?? []).filter((x) => disabled.includes(x)).map((x) => ({ rule: r.id, reads: x })),
    );
}

/**
 * Run one rule: its findings are emitted into a staging table, checked against what the rule
 * declares (its reasons; a finding of a region may leave id_dtks empty only for REGION_OUTLIER),
 * then copied into `findings` with the rule's id and action. A rule that writes `findings` itself
 * is caught by the count.
 */
export async function runRule(rule: Rule, ctx: RunContext): Promise<void> {
  const { db } = ctx;
  await db.exec(EMITTED_COLUMNS_DDL);
  const before = await db.count('SELECT count(*) FROM temp.main.findings');
  const emit = async (columns: string, select: string, params?: Record<string, DuckDBValue>) => {
    await db.exec(`INSERT INTO rule_output (${columns}) ${select}`, params);
  };
  await rule.run({ ...ctx, emit });
  if ((await db.count('SELECT count(*) FROM temp.main.findings')) !== before) {
    throw new Error(`rule ${rule.id} wrote the findings table directly instead of emitting`);
  }
  await checkReasons(db, rule);
  const fill = rule.reasons.length === 1 ? `coalesce(reason, '${rule.reasons[0]}')` : 'reason';
  await db.exec(`
    INSERT INTO temp.main.findings BY NAME
    SELECT * REPLACE (${fill} AS reason), '${rule.id}' AS rule, '${rule.action}' AS action
    FROM temp.main.rule_output`);
  await db.exec('DROP TABLE temp.main.rule_output');
}

async function checkReasons(db: Db, rule: Rule): Promise<void> {
  const seen = await db.all<{ reason: string | null }>('SELECT DISTINCT reason FROM rule_output');
  for (const { reason } of seen) {
    const declared =
      reason === null ? rule.reasons.length <= 1 : (rule.reasons as readonly string[]).includes(reason);
    if (!declared) {
      throw new Error(
        `rule ${rule.id} emitted reason ${reason ?? 'NULL'}, but declares ${rule.reasons.join(', ') || 'none'}`,
      );
    }
  }
  const regionLevel = await db.count('SELECT count(*) FROM rule_output WHERE id_dtks IS NULL');
  if (regionLevel > 0 && !rule.reasons.every((r) => r === 'REGION_OUTLIER')) {
    throw new Error(`rule ${rule.id} emitted ${regionLevel} findings without id_dtks`);
  }
}
