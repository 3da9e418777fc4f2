import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SummarySchema } from './summary.js';

describe('summary.json', () => {
  it('is described by reports/summary.schema.json, the zod schema as JSON Schema', async () => {
    // `vitest -u` rewrites the file after a change to the schema.
    const schema = z.toJSONSchema(SummarySchema, { target: 'draft-2020-12' });
    await expect(`${JSON.stringify(schema, null, 2)}\n`).toMatchFileSnapshot('summary.schema.json');
  });

  it('refuses a summary that breaks the schema', () => {
    expect(SummarySchema.safeParse({ reference_date: '2026-11-01' }).success).toBe(false);
  });
});
