/**
 * Retry settings for one client call and the delay before the next attempt.
 *
 * A call stops at whichever comes first: `maxAttempts` HTTP attempts or `budgetMs` of wall time
 * (a retry whose wait would end past the budget is not started), so a caller can bound how long a
 * chat-name lookup may hold up a batch.
 */
export interface RetryPolicy {
  /** HTTP attempts per call, including the first. */
  maxAttempts: number;
  /** Wall-clock budget per call, covering attempts and waits. */
  budgetMs: number;
  /** First backoff ceiling; doubles per attempt. */
  baseDelayMs: number;
  /** Ceiling of the computed exponential backoff. */
  maxDelayMs: number;
  /** Ceiling on a server-advised wait (Retry-After / X-RateLimit-Reset). */
  maxServerDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  budgetMs: 60_000,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  // The reference recommends capping server-advised waits at about a minute (§4).
  maxServerDelayMs: 60_000,
};

/**
 * "Full jitter" backoff: a uniform wait in [0, min(max, base·2^(n-1))]. Spreading retries over
 * the whole window keeps many workers that failed together from retrying together.
 */
export function backoffDelayMs(failedAttempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.floor(random() * ceiling);
}

/** The server's advice wins when it gave one (capped); otherwise exponential backoff. */
export function retryDelayMs(
  failedAttempt: number,
  serverAdvisedMs: number | undefined,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (serverAdvisedMs !== undefined) return Math.min(serverAdvisedMs, policy.maxServerDelayMs);
  return backoffDelayMs(failedAttempt, policy, random);
}
