import { describe, expect, it } from 'vitest';
import { clockTime, dateTime } from '../../components/clock';

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

describe('dateTime', () => {
  it('is the local date and time, ISO-like', () => {
    expect(dateTime(new Date(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02 03:04:05');
    expect(dateTime(new Date(2025, 11, 31, 23, 59, 59).toISOString())).toBe('2025-12-31 23:59:59');
    expect(dateTime('nope')).toBe('');
  });
});
