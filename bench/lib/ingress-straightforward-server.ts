/**
 * The "straightforward" comparison of the ingress bench (issue 4's Benchmark section): the plain
 * way to write the webhook endpoint, all on one thread. Read the raw body, check the HMAC-SHA256
 * signature (lowercase hex, timing-safe), JSON.parse and check an event name and a data object,
 * then `await topic.publishMessage(...)` with the client library's own batching (1,000 messages /
 * 1 ms), answering 200 only once the publish resolved and 503 if it failed.
 *
 * It exists to be measured next to the ingress in the same run, not to be deployed: no metrics,
 * no logs per request, no admission contract beyond what the issue describes.
 *
 *   PORT=0 PERISKOPE_SIGNING_KEY=… PUBSUB_EMULATOR_HOST=127.0.0.1:8085 PUBSUB_PROJECT_ID=… \
 *   PUBSUB_EVENTS_TOPIC=… METADATA_SERVER_DETECTION=none node bench/lib/ingress-straightforward-server.ts
 */
import { createPubSub } from "@periskope-pipeline/pubsub";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createSignatureVerifier } from "../../apps/ingress/src/webhook/signature.ts";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

// The same HMAC check as the ingress, so the comparison is of the designs, not of this code.
const verify = createSignatureVerifier(required("PERISKOPE_SIGNING_KEY"));
// The bench always targets an emulator (createPubSub then keeps Google's auth off the metadata address).
const pubsub = createPubSub({ projectId: required("PUBSUB_PROJECT_ID"), emulatorHost: required("PUBSUB_EMULATOR_HOST") });
const topic = pubsub.topic(required("PUBSUB_EVENTS_TOPIC"), { batching: { maxMessages: 1000, maxMilliseconds: 1 } });

const app = new Hono();
app.post("/periskopewebhook", async (c) => {
  const body = Buffer.from(await c.req.arrayBuffer());
  if (verify(body, c.req.header("x-periskope-signature")) !== "valid") return c.json({ error: "invalid_signature" }, 401);
  let event: { event_type?: unknown; data?: unknown };
  try {
    event = JSON.parse(body.toString("utf8")) as typeof event;
  } catch {
    return c.json({ error: "invalid_json" }, 400);
  }
  if (typeof event?.event_type !== "string" || event.data === null || typeof event.data !== "object") return c.json({ error: "invalid_event" }, 400);
  try {
    await topic.publishMessage({ data: body, attributes: { event_type: event.event_type, received_at: new Date().toISOString() } });
  } catch {
    return c.json({ error: "publish_failed" }, 503);
  }
  return c.json({ status: "accepted" });
});

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8202), hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ event: "ServerListening", url: `http://127.0.0.1:${info.port}` })}\n`);
});
process.on("SIGTERM", () => {
  void pubsub.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
});
