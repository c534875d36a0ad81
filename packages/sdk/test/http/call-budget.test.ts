import { describe, expect, it } from 'vitest';
import { CallBudget, CallBudgetExhaustedError } from '../../src/http/call-budget.js';

describe('call budget', () => {
  it('lets work run while it fits and stops cleanly, naming the limit and its reset, when it would not', () => {
    const budget = new CallBudget({
      limit: 10,
      used: 6,
      name: 'max_daily_calls',
      resetsAt: () => Date.parse('2025-02-02T06:00:00Z'),
    });
    budget.ensure(4, 'window 1');
    budget.spend(3);
    expect(budget.remaining).toBe(1);
    const error = (() => {
      try {
        budget.ensure(2, 'the next export window');
      } catch (e) {
        return e;
      }
    })() as CallBudgetExhaustedError;
    expect(error).toBeInstanceOf(CallBudgetExhaustedError);
    expect(error.exitCode).toBe(0);
    expect(error.message).toBe(
      'stopped cleanly: max_daily_calls reached (9 of 10 calls used): the next export window needs 2 more calls and 1 remain; it resets at 2025-02-02T06:00:00.000Z; the STATE written resumes from the last finished work',
    );
    expect(error.context).toMatchObject({ limit: 'max_daily_calls', resetsAt: '2025-02-02T06:00:00.000Z' });
  });
});
