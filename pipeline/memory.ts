import { totalmem } from 'node:os';

/**
 * `--memory-limit` is the run's memory: what the padan process may hold, DuckDB and Node together.
 * DuckDB's own `memory_limit` bounds only its buffer manager (DuckDB's limits page says so):
 * operator state, string heaps and the allocator's free lists come on top, and Node's heap beside
 * them. Measured with the limit given to DuckDB whole, the process's peak was 1.35× the limit on a
 * 10M run at 8GB (10.05 GiB) and 1.65× at 1GB on a 1M run, nearly all of it native (JavaScript
 * held under 200 MiB). So DuckDB gets a share of the budget and the rest is headroom.
 */
export const DUCKDB_SHARE = 0.7;

/** Without `--memory-limit`, the run's budget is this share of the machine's (or cgroup's) memory. */
export const DEFAULT_BUDGET_SHARE = 0.8;

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a size as DuckDB writes it: `4GB` is 4·10⁹ bytes and `4GiB` 4·2³⁰, as in DuckDB. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(text.trim());
  const unit = m ? UNITS[(m[2] as string).toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`not a size: "${text}" (expected e.g. 4GB or 512MiB)`);
  return Math.floor(Number(m[1]) * unit);
}

/** The machine's memory, or the cgroup's limit where one is set and smaller. */
function availableMemory(): number {
  const constrained = process.constrainedMemory?.() ?? 0;
  const total = totalmem();
  return constrained > 0 && constrained < total ? constrained : total;
}

export interface MemoryPlan {
  /** The run's budget in bytes: `--memory-limit`, or a share of the machine's memory. */
  budgetBytes: number;
  /** What DuckDB is given as `memory_limit`, in KiB as DuckDB reads it; never more than the budget. */
  duckdbLimit: string;
}

/** DuckDB's part of the run's memory budget (`--memory-limit`, or 80 % of the machine). */
export function planMemory(budget: string | undefined): MemoryPlan {
  const budgetBytes =
    budget === undefined ? Math.floor(availableMemory() * DEFAULT_BUDGET_SHARE) : parseSize(budget);
  const duckdbKiB = Math.max(1, Math.floor((budgetBytes * DUCKDB_SHARE) / 1024));
  return { budgetBytes, duckdbLimit: `${duckdbKiB}KiB` };
}
