/**
 * The worker's only HTTP surface (design §3, issue 5): Prometheus text on `/metrics`, liveness on
 * `/healthz`, readiness on `/readyz` (pulling and not draining). Plain node:http: three fixed
 * routes do not need a framework.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "@periskope-pipeline/observability";

export interface MetricsServerOptions {
  readonly registry: Registry;
  readonly ready: () => boolean;
  readonly port: number;
  /** Listen address: WORKER_METRICS_HOST (all interfaces when deployed, loopback under `npm start`). */
  readonly host: string;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { "content-type": "application/json", allow: "GET" }).end(JSON.stringify({ error: "method_not_allowed" }));
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
    } else if (path === "/readyz") {
      const ready = options.ready();
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ready ? "ready" : "not_ready" }));
    } else if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        () => res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "metrics_failed" })),
      );
    } else {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not_found" }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
