/**
 * The ingress's Prometheus metrics, declared on a given registry (so a dashboard check can list
 * them without starting a server). Label sets are fixed and small: routes are patterns, reasons and
 * event types come from closed lists. Counters on the webhook path are pre-bound per label value so
 * a request costs an array lookup and an increment, not a label hash.
 *
 * @example
 * const registry = createMetricsRegistry("ingress");
 * const metrics = createIngressMetrics(registry);
 * metrics.watchInFlight(() => events.inFlight);
 */
import { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from "@periskope-pipeline/observability";
import type { PublishError } from "./publishing/event-publisher.ts";
import { WEBHOOK_ROUTE } from "./routes.ts";
import { EVENT_TYPE_LABELS } from "./webhook/event-type-label.ts";
import { OUTCOME_CODES, OUTCOMES, type Outcome } from "./webhook/outcomes.ts";

export type IngressMetrics = ReturnType<typeof createIngressMetrics>;

export function createIngressMetrics(registry: Registry) {
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Counter({ name, help, labelNames, registers: [registry] });
  const requests = counter("ingress_http_requests_total", "HTTP requests answered, by route pattern and status code", ["route", "status"]);
  const rejected = counter("ingress_webhooks_rejected_total", "Webhooks not accepted, by reason (4xx: the request; 503: the queue)", ["reason"]);
  const events = counter("ingress_events_received_total", "Webhooks that passed every check, by event type (undocumented types count as other)", ["event_type"]);
  const publishDuration = new Histogram({
    name: "ingress_publish_duration_seconds",
    help: "From publish to Pub/Sub's acknowledgement per webhook, batching and retries included",
    buckets: LATENCY_BUCKETS_SECONDS,
    registers: [registry],
  });
  const publishFailures = counter("ingress_publish_failures_total", "Messages whose publish failed, by error code", ["code"]);
  const commands = counter("ingress_commands_published_total", "Ops commands published, by type", ["type"]);
  const adminAuthFailures = counter("ingress_admin_auth_failures_total", "Ops route calls refused for a missing or wrong admin token", ["reason"]);
  const verification = new Gauge({
    name: "ingress_signature_verification_enabled",
    help: "1 while webhook signatures are verified; 0 means unsigned webhooks are accepted (emulator only)",
    registers: [registry],
  });
  let readInFlight: () => number = () => 0;
  new Gauge({
    name: "ingress_publishes_in_flight",
    help: "Webhooks accepted for publishing and not yet acknowledged by Pub/Sub",
    registers: [registry],
    collect() {
      this.set(readInFlight());
    },
  });

  const webhookRequests = new Map(OUTCOME_CODES.map((code) => [code, requests.labels(WEBHOOK_ROUTE, String(OUTCOMES[code].status))]));
  const rejectedBy = new Map(OUTCOME_CODES.map((code) => [code, rejected.labels(code)]));
  const eventsBy = EVENT_TYPE_LABELS.map((label) => events.labels(label));

  return {
    /** A webhook answered: counts the request and, unless accepted, the rejection reason. */
    webhookAnswered(outcome: Outcome): void {
      webhookRequests.get(outcome.code)?.inc();
      if (outcome.code !== "accepted") rejectedBy.get(outcome.code)?.inc();
    },
    /** Any other route answered. */
    requestAnswered(route: string, status: number): void {
      requests.labels(route, String(status)).inc();
    },
    eventAdmitted(label: number): void {
      eventsBy[label]?.inc();
    },
    /** One webhook's publish settled. */
    publishSettled(seconds: number, error: PublishError | null): void {
      publishDuration.observe(seconds);
      if (error) publishFailures.labels(error.code).inc();
    },
    commandPublished(type: string): void {
      commands.labels(type).inc();
    },
    /** A call to an ops route with a missing or wrong token. */
    adminAuthFailed(reason: "missing" | "invalid"): void {
      adminAuthFailures.labels(reason).inc();
    },
    /** 1 while webhook signatures are checked, 0 while verification is off. */
    signatureVerification(on: boolean): void {
      verification.set(on ? 1 : 0);
    },
    /** Where the in-flight gauge reads its value at scrape time. */
    watchInFlight(read: () => number): void {
      readInFlight = read;
    },
  };
}
