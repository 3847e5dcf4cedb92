import { describe, expect, it } from 'vitest';
import { clampNumberText } from '../../src/ui/NumberInput';

describe('number field text', () => {
  it('parses, clamps into range and rounds whole-number fields; empty or non-numbers give null', () => {
    expect(clampNumberText('500', 10, 20000, true)).toBe(500);
    expect(clampNumberText('3', 10, 20000, true)).toBe(10);
    expect(clampNumberText('1e9', 10, 20000, true)).toBe(20000);
    expect(clampNumberText('12.6', 10, 20000, true)).toBe(13);
    expect(clampNumberText('12.6', 1, 80)).toBe(12.6);
    expect(clampNumberText('', 1, 80)).toBeNull();
    expect(clampNumberText('  ', 1, 80)).toBeNull();
    expect(clampNumberText('abc', 1, 80)).toBeNull();
    expect(clampNumberText('Infinity', 1, 80)).toBeNull();
  });
});
