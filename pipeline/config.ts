import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from './errors.js';

/**
 * Policies and thresholds of a run. Every key has a default; a config file overrides any subset.
 * The defaults lean to precision: a wrong deactivation cuts a poor family's aid.
 */
export const ConfigSchema = z
  .object({
    /**
     * The date ages and NIK centuries are computed against; null means the run date. Set it to
     * rerun an old month exactly as it ran (the date is in every manifest).
     */
    referenceDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
      .refine(isCalendarDate, 'not a date of the calendar')
      .nullable()
      .default(null),
    ingest: z
      .object({
        /**
         * An input may reject at most this share of its records (or `maxRejectedFloor`, whichever
         * is larger); more stops the run before anything is decided (exit 3): decisions from half a
         * file are worse than a rerun.
         */
        maxRejectedShare: z.number().min(0).max(1).default(0.001),
        /** Rejected records always allowed, so that one bad line does not stop a small file. */
        maxRejectedFloor: z.number().int().min(0).default(10),
      })
      .strict()
      .default({ maxRejectedShare: 0.001, maxRejectedFloor: 10 }),
    identity: z
      .object({
        /** Jaro–Winkler of normalised names at or above which names agree strongly. */
        nameStrong: z.number().min(0).max(1).default(0.9),
        /** At or above this, names agree weakly (typos, initials, dropped tokens). */
        nameWeak: z.number().min(0).max(1).default(0.75),
      })
      .strict()
      .default({ nameStrong: 0.9, nameWeak: 0.75 }),
    matching: z
      .object({
        /** Probabilistic matching recovers missing and wrong NIKs and finds people registered twice. */
        enabled: z.boolean().default(true),
        /** A best candidate at or above this probability is accepted (NIK_CORRECTED)... */
        autoThreshold: z.number().min(0).max(1).default(0.99),
        /** ...when its match weight leads the runner-up's by at least this many bits. */
        minWeightMargin: z.number().min(0).default(5),
        /** Below the auto threshold and at or above this, the candidate is reported (MATCH_UNCERTAIN), never applied. */
        reviewThreshold: z.number().min(0).max(1).default(0.5),
        /** Blocking keys shared by more Dukcapil records than this are dropped (and reported). */
        maxBlockSize: z.number().int().min(1).default(100),
        /** Random pairs drawn to estimate how often comparisons agree by chance. */
        uSampleSize: z.number().int().min(1000).default(300_000),
      })
      .strict()
      .default({
        enabled: true,
        autoThreshold: 0.99,
        minWeightMargin: 5,
        reviewThreshold: 0.5,
        maxBlockSize: 100,
        uSampleSize: 300_000,
      }),
    deactivate: z
      .object({
        deceased: z.boolean().default(true),
        duplicate: z.boolean().default(true),
        moved: z.boolean().default(true),
      })
      .strict()
      .default({ deceased: true, duplicate: true, moved: true }),
    corrections: z
      .object({
        /** Fields taken from Dukcapil when the identity is confirmed (FIELD_CORRECTED). */
        fields: z
          .array(z.enum(['nama', 'tgl_lahir', 'jenis_kelamin', 'no_kk', 'kode_desa', 'nama_ibu_kandung']))
          .default(['nama', 'tgl_lahir', 'jenis_kelamin', 'no_kk', 'kode_desa', 'nama_ibu_kandung']),
      })
      .strict()
      .default({ fields: ['nama', 'tgl_lahir', 'jenis_kelamin', 'no_kk', 'kode_desa', 'nama_ibu_kandung'] }),
    regions: z
      .object({
        /** Accept a unique close spelling of a region name inside its parent (typos). */
        fuzzy: z.boolean().default(true),
      })
      .strict()
      .default({ fuzzy: true }),
    household: z
      .object({
        /** A head younger than this is a household anomaly. */
        minHeadAge: z.number().int().min(0).default(15),
        /** Members this old or older can be suggested as the new head. */
        adultAge: z.number().int().min(0).default(17),
      })
      .strict()
      .default({ minHeadAge: 15, adultAge: 17 }),
    fields: z
      .object({
        /** An age above this is a field anomaly. */
        maxAge: z.number().int().min(0).default(110),
      })
      .strict()
      .default({ maxAge: 110 }),
    aid: z
      .object({
        /**
         * PKH, per deactivated PKH member a month: Rp 2.400.000 a year for a beneficiary component
         * (the index for the elderly and severe disability, Kemensos PKH 2021; other components
         * range from Rp 900.000 to Rp 3.000.000 a year). An estimate: PKH is paid per component.
         */
        pkhPerMemberMonthly: z.number().min(0).default(200_000),
        /**
         * BPNT / Program Sembako, per family (KPM) a month: Rp 200.000 (Kemensos, since 2020). Saved
         * only when the whole household goes.
         */
        bpntPerHouseholdMonthly: z.number().min(0).default(200_000),
        /**
         * PBI-JKN, per member a month: Rp 42.000, the class III premium the state pays for each PBI
         * member (Perpres 64/2020, unchanged since).
         */
        pbiPerMemberMonthly: z.number().min(0).default(42_000),
      })
      .strict()
      .default({
        pkhPerMemberMonthly: 200_000,
        bpntPerHouseholdMonthly: 200_000,
        pbiPerMemberMonthly: 42_000,
      }),
    rules: z
      .object({
        /** Rule ids to skip (see `padan rules`). */
        disabled: z.array(z.string()).default([]),
      })
      .strict()
      .default({ disabled: [] }),
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.matching.autoThreshold < config.matching.reviewThreshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['matching', 'autoThreshold'],
        message: `is below matching.reviewThreshold (${config.matching.reviewThreshold}): a match applied automatically must be at least as sure as one sent to review`,
      });
    }
    if (config.identity.nameStrong < config.identity.nameWeak) {
      ctx.addIssue({
        code: 'custom',
        path: ['identity', 'nameStrong'],
        message: `is below identity.nameWeak (${config.identity.nameWeak})`,
      });
    }
  });

/** YYYY-MM-DD that names a real day (2026-02-30 does not). */
function isCalendarDate(text: string): boolean {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export type Config = z.infer<typeof ConfigSchema>;

export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}

/** Validate a config object; the error names the file and the key. */
export function parseConfig(value: unknown, source = 'config'): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new UsageError(
      `${source}: ${where}: ${issue?.message ?? 'invalid'}; see \`padan config\` for the defaults`,
    );
  }
  return result.data;
}

export async function loadConfig(path: string | undefined): Promise<Config> {
  if (!path) return defaultConfig();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--config ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config ${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseConfig(json, `--config ${path}`);
}
