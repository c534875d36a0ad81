/**
 * `retry=true` on every resubmission of a statement. The SDK's HTTP client retries a POST after a
 * reset, a 5xx or a 429 with the same request (so the same `requestId`); Snowflake then runs it
 * again unless the query says `retry=true`, in which case it answers with the first execution.
 * The client calls its authenticator once per attempt, the one per-attempt hook it offers, so this
 * wraps the real authenticator and marks every attempt after a statement's first.
 */
import type { AuthContext, Authenticator, PreparedRequest } from '@singer-ts/sdk';

export class ResubmissionMarker implements Authenticator {
  private readonly attempts = new Map<string, number>();
  /** Resubmissions sent, for metrics and tests. */
  resubmissions = 0;

  constructor(private readonly inner: Authenticator) {}

  async authenticate(request: PreparedRequest, context: AuthContext): Promise<void> {
    const requestId = request.method === 'POST' ? request.url.searchParams.get('requestId') : null;
    if (requestId !== null && request.url.pathname.endsWith('/api/v2/statements')) {
      const seen = this.attempts.get(requestId) ?? 0;
      if (seen > 0) {
        request.url.searchParams.set('retry', 'true');
        this.resubmissions += 1;
      }
      this.attempts.set(requestId, seen + 1);
    }
    await this.inner.authenticate(request, context);
  }

  /** The statement is answered: its requestId is never sent again. */
  settled(requestId: string): void {
    this.attempts.delete(requestId);
  }

  invalidate(): boolean {
    return this.inner.invalidate?.() ?? false;
  }

  secrets(): readonly string[] {
    return this.inner.secrets();
  }
}
