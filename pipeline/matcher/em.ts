/**
 * Expectation–maximisation over aggregated comparison patterns (Fellegi–Sunter without labels).
 *
 * The pairs never come to JavaScript: SQL groups them by their gamma vector, so the work here is bounded by
 * the number of distinct patterns (a few thousand), not the number of pairs. As in Splink, u stays fixed at
 * its random-pair estimate and only m and λ are learned; that keeps EM from drifting to a solution where
 * "match" means "agrees on the blocked fields".
 */

export interface GammaPattern {
  /** One gamma per comparison: 0..levels-1, or -1 for no evidence. */
  gammas: number[];
  n: number;
}

export interface EmInput {
  /** Sorted (the caller's SQL orders them) so that floating-point sums run in a fixed order. */
  patterns: GammaPattern[];
  /** u[c][gamma], fixed. */
  u: number[][];
  /** Starting m[c][gamma]; comparisons that are not updated keep theirs. */
  m: number[][];
  /** Comparisons used in the likelihood; the others are ignored entirely. */
  active: boolean[];
  /** Comparisons whose m is re-estimated (a subset of `active`). */
  update: boolean[];
  /** Fixed m of single levels, kept while the rest of the comparison is re-estimated. */
  fixedM?: (number | undefined)[][];
  lambda: number;
  maxIterations: number;
  tolerance: number;
  /** Pseudo-count added to every level (a Dirichlet prior) so that an unseen level gets a small m, not 0. */
  pseudoCount?: number;
  /** Keep λ fixed (only m is learned), or learn only λ when no comparison is updated. */
  fixLambda?: boolean;
}

export interface EmOutput {
  m: number[][];
  lambda: number;
  iterations: number;
  converged: boolean;
}

/** Probabilities from counts with a pseudo-count, fixed levels kept and the others sharing what is left. */
export function normalise(counts: number[], pseudoCount: number, fixed?: (number | undefined)[]): number[] {
  const fixedSum = (fixed ?? []).reduce<number>((a, f) => a + (f ?? 0), 0);
  const free = counts.map((_, g) => fixed?.[g] === undefined);
  const total = counts.reduce((a, c, g) => (free[g] ? a + c + pseudoCount : a), 0);
  return counts.map((c, g) => {
    const f = fixed?.[g];
    if (f !== undefined) return f;
    return total > 0 ? ((c + pseudoCount) / total) * (1 - fixedSum) : 0;
  });
}

export function runEm(input: EmInput): EmOutput {
  const { patterns, u, active, update } = input;
  const pseudoCount = input.pseudoCount ?? 0.5;
  const k = u.length;
  let m = input.m.map((row) => [...row]);
  let lambda = input.lambda;
  let iterations = 0;
  let converged = false;
  while (iterations < input.maxIterations) {
    iterations++;
    // Log bayes factors per comparison and level; the posterior is a logistic of their sum, which stays
    // finite where a product of many small probabilities would underflow.
    const logBf = m.map((row, c) => row.map((mg, g) => Math.log(mg) - Math.log(u[c]?.[g] ?? 1)));
    const counts = m.map((row) => row.map(() => 0));
    const logPrior = Math.log(lambda) - Math.log(1 - lambda);
    let matches = 0;
    let total = 0;
    for (const p of patterns) {
      let s = logPrior;
      for (let c = 0; c < k; c++) {
        const g = p.gammas[c] as number;
        if (active[c] && g >= 0) s += (logBf[c] as number[])[g] as number;
      }
      const expected = p.n / (1 + Math.exp(-s));
      matches += expected;
      total += p.n;
      for (let c = 0; c < k; c++) {
        const g = p.gammas[c] as number;
        if (update[c] && g >= 0)
          (counts[c] as number[])[g] = ((counts[c] as number[])[g] as number) + expected;
      }
    }
    const next = m.map((row, c) =>
      update[c] ? normalise(counts[c] as number[], pseudoCount, input.fixedM?.[c]) : row,
    );
    const nextLambda = input.fixLambda || total === 0 ? lambda : clamp(matches / total, 1e-12, 1 - 1e-12);
    let delta = Math.abs(nextLambda - lambda);
    next.forEach((row, c) => {
      row.forEach((v, g) => {
        delta = Math.max(delta, Math.abs(v - ((m[c] as number[])[g] as number)));
      });
    });
    m = next;
    lambda = nextLambda;
    if (delta < input.tolerance) {
      converged = true;
      break;
    }
  }
  return { m, lambda, iterations, converged };
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
