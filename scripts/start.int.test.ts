/**
 * `npm start` as the README's Quick start runs it (scripts/start.ts): everything comes up, the
 * signed curl it prints is accepted, its message is indexed with the chat's name, and Ctrl-C stops
 * every process it started. It runs against the shared services the test setup provides (given
 * through ELASTICSEARCH_URL / PUBSUB_EMULATOR_HOST, which `npm start` uses and never stops), with
 * its own ports, project, indices and state folder.
 */
import { elasticsearchIsHealthy } from "@periskope-pipeline/local-stack";
import { describe, expect, it } from "vitest";
import { sendPrintedSample, stackForFile } from "./npm-start-harness.ts";

const started = stackForFile("start", {}, "node scripts/start.ts");

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}

describe("npm start", () => {
  it("accepts the signed curl it prints and indexes that message with its chat's name", async () => {
    const stack = started();
    const document = await sendPrintedSample(stack, 60_000);
    expect(document.chat_name).toEqual(expect.any(String));
    expect(document.chat_name_status).not.toBe("unresolved");
  });

  it("stops everything it started on Ctrl-C and leaves the given services running", async () => {
    const stack = started();
    const urls = [
      `http://127.0.0.1:${stack.ports.PORT}/healthz`,
      `http://127.0.0.1:${stack.ports.WORKER_METRICS_PORT}/metrics`,
      `http://127.0.0.1:${stack.ports.SIMULATOR_PORT}/`,
    ];
    for (const url of urls) expect(await answers(url), url).toBe(true);
    // A terminal's Ctrl-C: SIGINT to the foreground process group (the apps have groups of their own).
    process.kill(-(stack.npm.pid as number), "SIGINT");
    expect(await stack.exited).toBe(0);
    expect(stack.output()).toContain("[start] stopped");
    for (const url of urls) expect(await answers(url), `${url} after stop`).toBe(false);
    expect(await elasticsearchIsHealthy(process.env.ELASTICSEARCH_URL ?? "")).toBe(true);
  });
});
