/**
 * Fault settings: what can go wrong, how often, and which one-shot failures are queued.
 *
 * One zod schema serves `startSimulator({ faults })`, `setFaults()` and `POST /__control/faults`,
 * so a typo in a benchmark's JSON is a 400 naming the field instead of a silently healthy run.
 * Every rate is a probability per API request, drawn from the simulator's seeded generator.
 */
import { z } from "zod";

const rate = z.number().min(0).max(1);

/** What a faulty request gets instead of its normal answer. */
export const faultActionSchema = z.discriminatedUnion("type", [
  /** A plain status with an optional body and headers, e.g. 503, or 401 with a custom message. */
  z.strictObject({
    type: z.literal("status"),
    status: z.number().int().min(200).max(599),
    body: z.unknown().optional(),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  /** 429. `retryAfter: "seconds" | "http-date"` sends Retry-After; `"none"` sends only X-RateLimit-Reset. */
  z.strictObject({
    type: z.literal("rate-limit"),
    seconds: z.number().min(0).default(1),
    retryAfter: z.enum(["seconds", "http-date", "none"]).default("seconds"),
    /** Unit of X-RateLimit-Reset: epoch seconds, or seconds from now. */
    reset: z.enum(["epoch", "delta"]).default("epoch"),
  }),
  /** Destroy the socket: before any response bytes, or after the headers and half the body. */
  z.strictObject({ type: z.literal("drop"), phase: z.enum(["before-response", "mid-body"]).default("before-response") }),
  /** Answer normally, but only after `ms` (to trip client timeouts). */
  z.strictObject({ type: z.literal("delay"), ms: z.number().min(0) }),
  /** A 200 whose body is `raw` verbatim (not JSON, or the wrong shape). */
  z.strictObject({ type: z.literal("malformed"), raw: z.string().default("<html>upstream error</html>") }),
  /** Answer as for a chat the API does not know (see `unknownChatResponse`). */
  z.strictObject({ type: z.literal("unknown-chat") }),
]);

export const oneShotFaultSchema = z.strictObject({
  /** Which route the fault waits for; `any` matches every API request. */
  route: z.enum(["getChat", "listChats", "any"]).default("any"),
  /** Only `GET /chats/{chatId}` for this id. */
  chatId: z.string().optional(),
  /** Only requests with this `x-phone`. */
  phone: z.string().optional(),
  /** How many matching requests fail before the fault is used up. */
  count: z.number().int().min(1).default(1),
  action: faultActionSchema,
});

export const faultsSchema = z.strictObject({
  /** Added to every API response. */
  latencyMs: z.number().min(0).default(0),
  /** Uniform extra latency in [0, latencyJitterMs]. */
  latencyJitterMs: z.number().min(0).default(0),
  /** Share of requests answered with `errorStatus`. */
  errorRate: rate.default(0),
  errorStatus: z.number().int().min(500).max(599).default(503),
  /** Share of requests answered 429 with Retry-After. */
  rateLimitRate: rate.default(0),
  /** Share of requests answered 429 with only X-RateLimit-Reset (no Retry-After). */
  rateLimitResetOnlyRate: rate.default(0),
  /** Wait the 429s above advertise. */
  rateLimitSeconds: z.number().min(0).default(1),
  /** Share of requests whose connection is destroyed before any response. */
  dropRate: rate.default(0),
  /** A real token bucket per API key; requests beyond it get 429. Null = unlimited. */
  tokenBucket: z
    .strictObject({
      capacity: z.number().int().min(1),
      refillPerSecond: z.number().positive(),
      /** Whether the bucket's 429s carry Retry-After (else only X-RateLimit-Reset). */
      retryAfter: z.boolean().default(true),
    })
    .nullable()
    .default(null),
  /** Chats that exist but that `GET /chats/{id}` claims not to know. */
  unknownChatIds: z.array(z.string()).default([]),
  /** Share of existing chats (chosen deterministically per id) the API claims not to know. */
  unknownChatRate: rate.default(0),
  /** How an unknown chat is answered; the real behaviour is undocumented (reference §8.4). */
  unknownChatResponse: z.enum(["404", "200-empty", "200-null", "200-without-id"]).default("404"),
  /** Every call gets the 401 a lapsed plan gets (reference §1). */
  planInactive: z.boolean().default(false),
  /** Deterministic one-shot faults, consumed in order by matching requests. */
  failNext: z.array(oneShotFaultSchema).default([]),
});

export type FaultAction = z.output<typeof faultActionSchema>;
export type FaultActionInput = z.input<typeof faultActionSchema>;
export type OneShotFault = z.output<typeof oneShotFaultSchema>;
export type OneShotFaultInput = z.input<typeof oneShotFaultSchema>;
export type Faults = z.output<typeof faultsSchema>;
export type FaultsInput = z.input<typeof faultsSchema>;
