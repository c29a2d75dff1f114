/**
 * One POST over node:http(s) with an explicit Agent. The bulk sender needs a hard bound on
 * connections (`maxSockets`) with keep-alive reuse, which global fetch cannot promise: its pool
 * opens extra connections when a freed one is not yet marked idle.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface PostResult {
  status: number;
  body: string;
  /** e.g. `retry-after` on a 503 or 429. */
  headers: IncomingHttpHeaders;
}

export class PostTimeoutError extends Error {
  override readonly name = "PostTimeoutError";
}

export type AnyAgent = HttpAgent | HttpsAgent;

export function keepAliveAgent(url: URL, maxSockets: number): AnyAgent {
  const options = { keepAlive: true, maxSockets };
  return url.protocol === "https:" ? new HttpsAgent(options) : new HttpAgent(options);
}

export function post(
  url: URL,
  body: Uint8Array,
  headers: Record<string, string>,
  options: { agent?: AnyAgent | undefined; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      url,
      { method: "POST", headers: { ...headers, "content-length": String(body.byteLength) }, agent: options.agent, signal: options.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers });
        });
        res.on("error", fail);
      },
    );
    const timer = setTimeout(() => req.destroy(new PostTimeoutError(`no response within ${options.timeoutMs} ms`)), options.timeoutMs);
    function fail(err: unknown): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on("error", fail);
    req.end(body);
  });
}
