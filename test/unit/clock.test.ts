import { describe, expect, it } from 'vitest';
import { clockTime } from '../../components/clock';

describe('clockTime', () => {
  it('is the local time of day, two digits each', () => {
    const d = new Date(2024, 0, 2, 3, 4, 5);
    expect(clockTime(d)).toBe('03:04:05');
    expect(clockTime(d.toISOString())).toBe('03:04:05');
    expect(clockTime(new Date(2024, 0, 2, 23, 59, 9).getTime())).toBe('23:59:09');
  });
  it('is empty for a time it cannot read', () => {
    expect(clockTime('not a time')).toBe('');
  });
});
