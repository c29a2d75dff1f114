/**
 * 10,000+ generated malformed deliveries (test/support/malformed-deliveries.ts) through the app
 * in-process. Expected: every answer a 4xx with a JSON reason, nothing ever published, no 5xx.
 * The seed is fixed so a failure reproduces; INGRESS_FUZZ_SEED explores others.
 */
import { describe, expect, it } from "vitest";
import { MALFORMED_KINDS, malformedDeliveries } from "../test/support/malformed-deliveries.ts";
import { createTestApp, SIGNING_KEY } from "../test/support/test-app.ts";
import { WEBHOOK_ROUTE } from "./routes.ts";

const SEED = Number(process.env.INGRESS_FUZZ_SEED ?? 20_250_619);
const CASES = 10_500;

describe("fuzz: malformed deliveries in-process", () => {
  it(`${CASES} generated requests: only 4xx with JSON reasons, nothing published`, { timeout: 120_000 }, async () => {
    const t = createTestApp({ env: { LOG_LEVEL: "silent" } });
    const next = malformedDeliveries(SEED, SIGNING_KEY);
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const delivery = next();
      kinds.set(delivery.kind, (kinds.get(delivery.kind) ?? 0) + 1);
      const response = await t.app.request(WEBHOOK_ROUTE, { method: "POST", body: delivery.body, headers: delivery.headers });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status >= 500 || response.status < 400) {
        throw new Error(`case ${i} (${delivery.kind}, seed ${SEED}) answered ${response.status}: ${await response.text()}`);
      }
      const body = (await response.json()) as { error?: { code?: string } };
      expect(body.error?.code, `case ${i} (${delivery.kind})`).toMatch(/^[a-z_]+$/);
    }
    expect(t.events.messages).toHaveLength(0);
    expect(t.events.inFlight).toBe(0);
    expect([...statuses.keys()].every((status) => [400, 401, 415].includes(status))).toBe(true);
    // Every generator ran, so the mix is what the test says it is.
    expect(kinds.size).toBe(MALFORMED_KINDS);
  });
});
