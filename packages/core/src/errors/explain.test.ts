import { describe, expect, it } from 'vitest';
import { closestName, didYouMean } from './explain.js';

describe('closestName', () => {
  it('finds a name misspelt by one or two letters, case aside', () => {
    expect(closestName('batchSise', ['epochs', 'batchSize', 'lr'])).toBe('batchSize');
    expect(closestName('epoch', ['epochs', 'lr'])).toBe('epochs');
    expect(closestName('WUS', ['never', 'wus', 'wus-lr'])).toBe('wus');
    expect(didYouMean('vgg', ['vgg11', 'vgg16', 'mlp'])).toBe(' (did you mean "vgg11"?)');
  });

  it('suggests nothing far off, nor for a name shorter than its edits', () => {
    expect(closestName('learningRate', ['lr', 'epochs'])).toBeUndefined();
    expect(closestName('x', ['lr'])).toBeUndefined();
    expect(didYouMean('colour', ['threshold'])).toBe('');
  });
});
