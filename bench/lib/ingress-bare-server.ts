/**
 * The ceiling of the ingress bench: a bare Hono app on the same adapter, that reads the same body
 * and answers 200 with a small JSON, and nothing else. Run as its own process by bench/ingress.ts.
 *
 *   PORT=8201 node bench/lib/ingress-bare-server.ts
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.post("/periskopewebhook", async (c) => {
  const body = await c.req.arrayBuffer();
  return c.json({ status: "accepted", bytes: body.byteLength });
});
serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 8201), hostname: "127.0.0.1" }, (info) => {
  process.stdout.write(`${JSON.stringify({ event: "ServerListening", url: `http://127.0.0.1:${info.port}` })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
