/**
 * The Node HTTP server around the Hono app, with the request bounds a public endpoint needs.
 *
 * `requestTimeout` bounds a whole request (a slow sender cannot hold a socket forever);
 * `headersTimeout` bounds the header phase; `keepAliveTimeout` is above the 60 s idle timeout of
 * Google's load balancers, so the balancer, not us, closes idle connections (no reset races).
 */
import { createAdaptorServer } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";

export interface HttpServerOptions {
  readonly port: number;
  readonly hostname: string;
  readonly requestTimeoutMs: number;
}

export interface RunningServer {
  readonly server: Server;
  readonly url: string;
}

const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function startHttpServer(fetch: (request: Request, env: unknown) => Response | Promise<Response>, options: HttpServerOptions): Promise<RunningServer> {
  const server = createAdaptorServer({
    fetch,
    serverOptions: {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: Math.min(options.requestTimeoutMs, 20_000),
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      // Node enforces the two timeouts above on this sweep (default every 30 s).
      connectionsCheckingInterval: Math.min(1_000, options.requestTimeoutMs),
    },
  }) as Server;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const host = options.hostname === "0.0.0.0" ? "127.0.0.1" : options.hostname;
      resolve({ server, url: `http://${host}:${port}` });
    });
  });
}
