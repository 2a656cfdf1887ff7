import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors/errors.js';
import { parseOptions } from './options.js';

const schema = z.strictObject({
  threshold: z.number().min(0).default(0.002),
  scope: z.enum(['biases', 'front']).default('biases'),
  patience: z.number().int().positive().default(1),
  inner: z.strictObject({ gamma: z.number() }).optional(),
});
const problem = (options: unknown) => {
  try {
    parseOptions('skip-policy "wus"', schema, options);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('accepted');
};

describe('parseOptions: one line per bad option, in the user’s terms', () => {
  it('names the option, the value given and what it must be', () => {
    expect(problem({ threshold: -0.01 })).toBe('invalid options for skip-policy "wus": threshold: must be ≥ 0, got -0.01');
    expect(problem({ threshold: 'abc' })).toBe('invalid options for skip-policy "wus": threshold: must be a number, got "abc"');
    expect(problem({ scope: 'all' })).toBe('invalid options for skip-policy "wus": scope: must be one of: biases, front, got "all"');
    expect(problem({ patience: 1.5 })).toBe('invalid options for skip-policy "wus": patience: must be an integer, got 1.5');
  });

  it('suggests the closest option for one misspelt by a letter, else lists them', () => {
    expect(problem({ treshold: 0.1 })).toBe('invalid options for skip-policy "wus": unknown option "treshold" (did you mean "threshold"?)');
    expect(problem({ colour: 1 })).toBe('invalid options for skip-policy "wus": unknown option "colour"; its options are threshold, scope, patience, inner');
    expect(problem({ inner: { gama: 1 } })).toMatch(/unknown option "inner\.gama"/);
  });

  it('accepts good options and fills defaults', () => {
    expect(parseOptions('x', schema, undefined)).toEqual({ threshold: 0.002, scope: 'biases', patience: 1 });
  });
});
