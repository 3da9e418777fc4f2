import { describe, expect, it } from 'vitest';
import { describeConfig } from '../pipeline/config.js';
import { CATALOGUE } from './catalogue.js';
import { formatCatalogue } from './describe.js';
import { REASON_CODES, type Rule } from './rule.js';
import { disabledReads, disabledRuleProblems, orderCatalogue } from './runner.js';

const source = (rule: Rule) => rule.run.toString();

describe('the rule catalogue', () => {
  it('declares every rule it reads, and reads only earlier rules', () => {
    const ids = new Set(CATALOGUE.map((r) => r.id));
    for (const rule of CATALOGUE) {
      const text = source(rule);
      // A rule id quoted in a rule's SQL is a rule whose findings it reads.
      const quoted = [...text.matchAll(/'([a-z]+\.[a-z_]+)'/g)]
        .map((m) => m[1] as string)
        .filter((x) => ids.has(x));
      const read = quoted.filter((x) => x !== rule.id);
      expect(new Set(read), rule.id).toEqual(new Set(rule.reads ?? []));
      if (/\bfindings\b/.test(text))
        expect(rule.reads?.length ?? 0, `${rule.id} reads findings`).toBeGreaterThan(0);
    }
    const order = orderCatalogue(CATALOGUE).map((r) => r.id);
    for (const rule of CATALOGUE) {
      for (const r of rule.reads ?? []) expect(order.indexOf(r)).toBeLessThan(order.indexOf(rule.id));
    }
  });

  it('declares every config key a rule uses, and each is a described config key', () => {
    const described = new Map(describeConfig().map((k) => [k.key, k.description]));
    for (const rule of CATALOGUE) {
      const used = [...source(rule).matchAll(/config\.([a-zA-Z]+\.[a-zA-Z]+)/g)].map((m) => m[1] as string);
      expect(new Set(used), rule.id).toEqual(new Set(rule.settings ?? []));
      for (const key of rule.settings ?? []) {
        expect(described.has(key), key).toBe(true);
        expect(described.get(key)?.length ?? 0, key).toBeGreaterThan(10);
      }
    }
  });

  it('names only reason codes of SPEC §4, and no rule writes findings itself', () => {
    for (const rule of CATALOGUE) {
      for (const r of rule.reasons) expect(REASON_CODES).toContain(r);
      expect(source(rule), rule.id).not.toMatch(/INSERT\s+INTO\s+(main\.)?findings/i);
    }
  });

  it('accepts only real rule ids in rules.disabled, and names the rules that read a disabled one', () => {
    expect(disabledRuleProblems(['life.moved'])).toEqual([]);
    expect(disabledRuleProblems(['life.moove'])).toEqual(['life.moove is not a rule id (see `padan rules`)']);
    expect(disabledReads(['nik.structure'])).toEqual([{ rule: 'nik.not_found', reads: 'nik.structure' }]);
    expect(disabledReads(['nik.structure', 'nik.not_found', 'region.outlier'])).toEqual([]);
  });

  it('refuses a catalogue that reads an unknown or later rule, or runs in a cycle', () => {
    const base = CATALOGUE[0] as Rule;
    const rule = (id: string, stage: Rule['stage'], reads: string[]): Rule => ({ ...base, id, stage, reads });
    expect(() => orderCatalogue([rule('a.x', 'detect', ['b.y'])])).toThrow(/unknown rule b\.y/);
    expect(() => orderCatalogue([rule('a.x', 'validate', ['b.y']), rule('b.y', 'detect', [])])).toThrow(
      /runs later/,
    );
    expect(() => orderCatalogue([rule('a.x', 'detect', ['b.y']), rule('b.y', 'detect', ['a.x'])])).toThrow(
      /cycle/,
    );
    // Order follows reads, not the catalogue's order.
    expect(
      orderCatalogue([rule('a.x', 'detect', ['b.y']), rule('b.y', 'detect', [])]).map((r) => r.id),
    ).toEqual(['b.y', 'a.x']);
  });

  it('keeps docs/rules.md in step with the catalogue (vitest -u rewrites it)', async () => {
    await expect(formatCatalogue('md')).toMatchFileSnapshot('../docs/rules.md');
  });
});
