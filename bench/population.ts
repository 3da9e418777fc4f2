import { join } from 'node:path';
import { generate } from '../fixtures/generator/index.js';

/**
 * The benchmarks' population: `padan generate` with half a non-poor Dukcapil household per DTKS
 * household (about 3.8 DTKS members per household, ~1.5 Dukcapil records per DTKS row), in
 * `dir/pop`.
 */
export function benchPopulation(
  values: { households?: string; seed?: string; profile?: string },
  dir: string,
) {
  return generate({
    households: Number(values.households),
    seed: Number(values.seed),
    out: join(dir, 'pop'),
    profile: values.profile as 'default',
    dukcapilExtra: 0.5,
  });
}
