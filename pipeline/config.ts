import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { UsageError } from './errors.js';

/**
 * Policies and thresholds of a run. Every key has a default; a config file overrides any subset.
 * The defaults lean to precision: a wrong deactivation cuts a poor family's aid.
 */
export const ConfigSchema = z
  .object({
    referenceDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
      .refine(isCalendarDate, 'not a date of the calendar')
      .nullable()
      .default(null)
      .describe(
        'The date ages and NIK centuries are computed against (YYYY-MM-DD); null means the run date. Set it to rerun an old month exactly as it ran (the date is in every manifest).',
      ),
    ingest: z
      .object({
        maxRejectedShare: z
          .number()
          .min(0)
          .max(1)
          .default(0.001)
          .describe(
            'An input may reject at most this share of its records (or maxRejectedFloor, whichever is larger); more stops the run before anything is decided (exit 3): decisions from half a file are worse than a rerun.',
          ),
        maxRejectedFloor: z
          .number()
          .int()
          .min(0)
          .default(10)
          .describe('Rejected records always allowed, so that one bad line does not stop a small file.'),
      })
      .strict()
      .default({ maxRejectedShare: 0.001, maxRejectedFloor: 10 }),
    identity: z
      .object({
        nameStrong: z
          .number()
          .min(0)
          .max(1)
          .default(0.9)
          .describe('Jaro-Winkler of normalised names at or above which names agree strongly.'),
        nameWeak: z
          .number()
          .min(0)
          .max(1)
          .default(0.75)
          .describe('At or above this, names agree weakly (typos, initials, dropped tokens).'),
      })
      .strict()
      .default({ nameStrong: 0.9, nameWeak: 0.75 }),
    matching: z
      .object({
        enabled: z
          .boolean()
          .default(true)
          .describe(
            'Probabilistic matching: recovers missing and wrong NIKs and finds people registered twice.',
          ),
        autoThreshold: z
          .number()
          .min(0)
          .max(1)
          .default(0.99)
          .describe(
            'A best candidate at or above this probability is accepted (NIK_CORRECTED, or DUPLICATE between two DTKS rows)...',
          ),
        minWeightMargin: z
          .number()
          .min(0)
          .default(5)
          .describe("...when its match weight leads the runner-up's by at least this many bits."),
        reviewThreshold: z
          .number()
          .min(0)
          .max(1)
          .default(0.5)
          .describe(
            'Below the auto threshold and at or above this, the candidate is reported (MATCH_UNCERTAIN), never applied.',
          ),
        maxBlockSize: z
          .number()
          .int()
          .min(1)
          .default(100)
          .describe('Blocking keys shared by more records than this are dropped (and reported).'),
        uSampleSize: z
          .number()
          .int()
          .min(1000)
          .default(300_000)
          .describe('Random pairs drawn to estimate how often comparisons agree by chance.'),
        trainingRows: z
          .number()
          .int()
          .min(1000)
          // 50,000 rows give EM about 1.5M pairs and the same decisions as 100,000 on every
          // population measured (bench/RESULTS.md, 2026-12-04), in 28 % less time in the link
          // steps of a 1M run.
          .default(50_000)
          .describe(
            'DTKS rows drawn to train the matching model (how often comparisons agree for the same person, and the prior); every row when there are fewer.',
          ),
      })
      .strict()
      .default({
        enabled: true,
        autoThreshold: 0.99,
        minWeightMargin: 5,
        reviewThreshold: 0.5,
        maxBlockSize: 100,
        uSampleSize: 300_000,
        trainingRows: 50_000,
      }),
    deactivate: z
      .object({
        deceased: z
          .boolean()
          .default(true)
          .describe('Deactivate members Dukcapil records as dead (DECEASED).'),
        duplicate: z
          .boolean()
          .default(true)
          .describe('Deactivate the extra rows of a person registered more than once (DUPLICATE).'),
        moved: z
          .boolean()
          .default(true)
          .describe('Deactivate members whose Dukcapil domicile is another desa (MOVED).'),
      })
      .strict()
      .default({ deceased: true, duplicate: true, moved: true }),
    corrections: z
      .object({
        fields: z
          .array(z.enum(['nama', 'tgl_lahir', 'jenis_kelamin', 'no_kk', 'kode_desa', 'nama_ibu_kandung']))
          .default(['nama', 'tgl_lahir', 'jenis_kelamin', 'no_kk', 'kode_desa', 'nama_ibu_kandung'])
          .describe('Fields taken from Dukcapil when the identity is confirmed (FIELD_CORRECTED).'),
      })
      .strict()
      .default({ fields: ['nama', 'tgl_lahir', 'jenis_kelamin', 'no_kk', 'kode_desa', 'nama_ibu_kandung'] }),
    regions: z
      .object({
        fuzzy: z
          .boolean()
          .default(true)
          .describe('Accept a unique close spelling of a region name inside its parent (typos).'),
      })
      .strict()
      .default({ fuzzy: true }),
    household: z
      .object({
        minHeadAge: z
          .number()
          .int()
          .min(0)
          .default(15)
          .describe('A head younger than this is a household anomaly.'),
        adultAge: z
          .number()
          .int()
          .min(0)
          .default(17)
          .describe('Members this old or older can be suggested as the new head.'),
        minMotherAge: z
          .number()
          .int()
          .min(0)
          .default(12)
          .describe(
            'A mother (the head or the spouse) fewer years older than her child than this is a household anomaly.',
          ),
        maxMotherAge: z
          .number()
          .int()
          .min(0)
          .default(60)
          .describe(
            'A mother (the head or the spouse) more years older than her child than this is a household anomaly.',
          ),
      })
      .strict()
      .default({ minHeadAge: 15, adultAge: 17, minMotherAge: 12, maxMotherAge: 60 }),
    fields: z
      .object({
        maxAge: z.number().int().min(0).default(110).describe('An age above this is a field anomaly.'),
        minWorkerAge: z
          .number()
          .int()
          .min(0)
          .default(10)
          .describe(
            'A member younger than this with a working occupation (PETANI, PNS, BURUH, ...) is a field anomaly.',
          ),
        maxPupilAge: z
          .number()
          .int()
          .min(0)
          .default(60)
          .describe('A pupil or student (PELAJAR/MAHASISWA) older than this is a field anomaly.'),
        minRetireeAge: z
          .number()
          .int()
          .min(0)
          .default(30)
          .describe('A retiree (PENSIUNAN) younger than this is a field anomaly.'),
      })
      .strict()
      .default({ maxAge: 110, minWorkerAge: 10, maxPupilAge: 60, minRetireeAge: 30 }),
    regionOutlier: z
      .object({
        minRows: z
          .number()
          .int()
          .min(1)
          .default(50)
          .describe(
            'A kab/kota or kecamatan with fewer DTKS rows than this is neither scored nor used as a peer.',
          ),
        minPeers: z
          .number()
          .int()
          .min(3)
          .default(5)
          .describe(
            'Peers needed for a robust score: kecamatan are compared within their kab/kota, kab/kota within their province; with fewer peers, within the province or the whole file.',
          ),
        minScore: z
          .number()
          .min(0)
          .default(3.5)
          .describe(
            "Robust z-score (rate minus the peers' median, over 1.4826 MAD) at or above which a rate is an outlier.",
          ),
        minExcess: z
          .number()
          .min(0)
          .max(1)
          .default(0.02)
          .describe("An outlier's rate must also exceed the peers' median by at least this share of rows."),
      })
      .strict()
      .default({ minRows: 50, minPeers: 5, minScore: 3.5, minExcess: 0.02 }),
    aid: z
      .object({
        pkhPerMemberMonthly: z
          .number()
          .min(0)
          .default(200_000)
          .describe(
            'PKH, per deactivated PKH member a month: Rp 2.400.000 a year for a beneficiary component (the index for the elderly and severe disability, Kemensos PKH 2021; other components range from Rp 900.000 to Rp 3.000.000 a year). An estimate: PKH is paid per component.',
          ),
        bpntPerHouseholdMonthly: z
          .number()
          .min(0)
          .default(200_000)
          .describe(
            'BPNT / Program Sembako, per family (KPM) a month: Rp 200.000 (Kemensos, since 2020). Saved only when the whole household goes.',
          ),
        pbiPerMemberMonthly: z
          .number()
          .min(0)
          .default(42_000)
          .describe(
            'PBI-JKN, per member a month: Rp 42.000, the class III premium the state pays for each PBI member (Perpres 64/2020, unchanged since).',
          ),
      })
      .strict()
      .default({
        pkhPerMemberMonthly: 200_000,
        bpntPerHouseholdMonthly: 200_000,
        pbiPerMemberMonthly: 42_000,
      }),
    rules: z
      .object({
        disabled: z
          .array(z.string())
          .default([])
          .describe('Rule ids to skip (see `padan rules`); an unknown id is a config error.'),
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

/** One config key for `padan config --describe` and the rules page: dotted path, default, description. */
export interface ConfigKey {
  key: string;
  default: unknown;
  description: string;
}

/** Every leaf key of the config with its default and its description, in schema order. */
export function describeConfig(): ConfigKey[] {
  const keys: ConfigKey[] = [];
  const walk = (schema: JsonSchemaNode, prefix: string) => {
    if (schema.type === 'object' && schema.properties) {
      for (const [k, child] of Object.entries(schema.properties)) walk(child, prefix ? `${prefix}.${k}` : k);
      return;
    }
    keys.push({ key: prefix, default: schema.default, description: schema.description ?? '' });
  };
  walk(z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode, '');
  return keys;
}

interface JsonSchemaNode {
  type?: string;
  properties?: Record<string, JsonSchemaNode>;
  default?: unknown;
  description?: string;
}
