/**
 * The e2e bench's load tool, run as its own process so its CPU is counted apart: autocannon at a
 * fixed overall rate, each request a fresh, signed, realistic `message.created` webhook (the test
 * kit's generator, round-robin over the given chats), so every accepted webhook is one new
 * document. autocannon because wrk's Lua cannot sign a body it builds per request.
 *
 * Input: one JSON argument (`LoadSpec`). Output on stdout, one JSON object a line:
 * `{"sample":"<message_id>"}` for every `sampleEvery`-th request (the bench times those to
 * searchable), then `{"done":{...}}` with autocannon's counts and latencies.
 */
import autocannon from "autocannon";
import { messageCreated, signedHeaders, toRawBody } from "@periskope-pipeline/testkit";

export interface LoadSpec {
  readonly url: string;
  readonly signingKey: string;
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
  readonly chats: ReadonlyArray<{ chatId: string; orgPhone: string }>;
  readonly seed: string;
  /** First message index: each phase uses its own range, so no phase overwrites another's documents. */
  readonly firstIndex: number;
  readonly sampleEvery: number;
}

export interface LoadDone {
  readonly sent: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly seconds: number;
  readonly latency_ms: { p50: number; p99: number; max: number };
  /** This process's own CPU seconds while sending (read here: its /proc entry is gone once it exits). */
  readonly cpu_s: number;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as LoadSpec;
let next = spec.firstIndex;
const cpuSeconds = () => (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
const cpuAtStart = cpuSeconds();

const options: autocannon.Options = {
  url: new URL("/periskopewebhook", spec.url).href,
  connections: spec.connections,
  overallRate: spec.rate,
  duration: spec.seconds,
  timeout: 30,
  requests: [
    {
      method: "POST",
      setupRequest: (request) => {
        const index = next++;
        const chat = spec.chats[index % spec.chats.length]!;
        const payload = messageCreated({ seed: spec.seed, index, chatId: chat.chatId, orgPhone: chat.orgPhone });
        const body = toRawBody(payload);
        if (index % spec.sampleEvery === 0) process.stdout.write(`${JSON.stringify({ sample: String((payload.data as { message_id: unknown }).message_id) })}\n`);
        return { ...request, body, headers: signedHeaders(body, spec.signingKey) };
      },
    },
  ],
};

autocannon(options, (error, result) => {
  if (error) throw error;
  const done: LoadDone = {
    sent: result.requests.sent,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    latency_ms: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    cpu_s: cpuSeconds() - cpuAtStart,
  };
  process.stdout.write(`${JSON.stringify({ done })}\n`);
});
