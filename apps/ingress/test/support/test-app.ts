/**
 * The ingress app wired with in-memory collaborators, for tests through `app.request()`: the events
 * and commands topics are `MemoryPublisher`s, run records a `MemoryRunReader`, logs go to an
 * array so tests can check what was (not) logged. The webhook route is the production one.
 */
import { Writable } from "node:stream";
import { MemoryRunReader } from "@periskope-pipeline/commands";
import { createLogger, createMetricsRegistry } from "@periskope-pipeline/observability";
import { signedHeaders } from "@periskope-pipeline/testkit";
import { createApp } from "../../src/app.ts";
import { loadIngressConfig } from "../../src/config.ts";
import { createIngressMetrics } from "../../src/metrics.ts";
import { MemoryPublisher } from "./memory-publisher.ts";
import { WEBHOOK_ROUTE } from "../../src/routes.ts";
import { Lifecycle } from "../../src/server/lifecycle.ts";
import { createSignatureVerifier } from "../../src/webhook/signature.ts";

export const SIGNING_KEY = "peri_test_signing_key_0123456789";
export const ADMIN_TOKEN = "admin-token-for-tests-9f8e7d6c5b4a39281706";

export interface TestAppOptions {
  /** Environment overrides on top of the signing key and admin token. */
  readonly env?: Record<string, string | undefined>;
}

export function createTestApp({ env = {} }: TestAppOptions = {}) {
  const config = loadIngressConfig({ PERISKOPE_SIGNING_KEY: SIGNING_KEY, ADMIN_TOKEN, LOG_LEVEL: "debug", ...env });
  const events = new MemoryPublisher();
  const commands = new MemoryPublisher();
  const runs = new MemoryRunReader();
  const registry = createMetricsRegistry("ingress", { defaultMetrics: false });
  const metrics = createIngressMetrics(registry);
  const verify = config.WEBHOOK_SIGNATURE_VERIFICATION ? createSignatureVerifier(config.PERISKOPE_SIGNING_KEY) : null;
  metrics.signatureVerification(verify !== null);
  metrics.watchInFlight(() => events.inFlight);
  const lifecycle = new Lifecycle();
  const logLines: string[] = [];
  const log = createLogger({
    service: "ingress",
    level: config.LOG_LEVEL,
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  });
  const app = createApp({ events, verify, commands, runs, lifecycle, registry, metrics, log, settings: config });

  /** POSTs a webhook; signed with the test key unless `headers` say otherwise. */
  const postWebhook = (body: string | Uint8Array, headers: Record<string, string | undefined> = {}) => {
    const merged: Record<string, string> = {};
    for (const [name, value] of Object.entries({ ...signedHeaders(body, SIGNING_KEY), ...headers })) if (value !== undefined) merged[name] = value;
    return app.request(WEBHOOK_ROUTE, { method: "POST", body, headers: merged });
  };

  const admin = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string>) } });

  return { app, config, events, commands, runs, registry, metrics, lifecycle, logLines, postWebhook, admin };
}

export type TestApp = ReturnType<typeof createTestApp>;
