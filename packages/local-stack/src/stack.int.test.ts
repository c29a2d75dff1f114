import { describe, expect, it } from "vitest";
import { ELASTICSEARCH_VERSION } from "./version.ts";

async function getJson<T>(url: string | URL): Promise<T> {
  const response = await fetch(url);
  expect(response.ok, `GET ${url} answered ${response.status}`).toBe(true);
  return (await response.json()) as T;
}

// These run inside a vitest worker: they prove the global setup's environment reached it and
// that what it points at is the real, healthy stack.
describe("local stack seen from a test worker", () => {
  const esUrl = () => process.env.ELASTICSEARCH_URL ?? "http://unset.invalid";
  const emulatorHost = () => process.env.PUBSUB_EMULATOR_HOST ?? "unset.invalid";

  it("exports the service addresses and the no-metadata-server flag to workers", () => {
    expect(process.env.ELASTICSEARCH_URL).toMatch(/^https?:\/\/[^/]+/);
    expect(process.env.PUBSUB_EMULATOR_HOST).toMatch(/^[\w.-]+:\d+$/);
    expect(process.env.PUBSUB_PROJECT_ID).toBeTruthy();
    expect(process.env.METADATA_SERVER_DETECTION).toBe("none");
  });

  it("reaches a healthy single-node Elasticsearch of the pinned version", async () => {
    const health = await getJson<{ status: string; timed_out: boolean; number_of_nodes: number }>(
      new URL("/_cluster/health?wait_for_status=yellow&timeout=10s", esUrl()),
    );
    expect(health).toMatchObject({ timed_out: false, number_of_nodes: 1 });
    expect(["green", "yellow"]).toContain(health.status);

    const nodes = await getJson<{ nodes: Record<string, { version: string }> }>(new URL("/_nodes/_local", esUrl()));
    expect(Object.values(nodes.nodes).map((node) => node.version)).toEqual([ELASTICSEARCH_VERSION]);
  });

  it("can create, read and delete its own index on that Elasticsearch", async () => {
    const index = `local-stack-probe-${crypto.randomUUID()}`;
    const put = await fetch(new URL(`/${index}/_doc/1?refresh=true`, esUrl()), {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(put.status).toBe(201);
    const doc = await getJson<{ _source: unknown }>(new URL(`/${index}/_doc/1`, esUrl()));
    expect(doc._source).toEqual({ hello: "world" });
    expect((await fetch(new URL(`/${index}`, esUrl()), { method: "DELETE" })).status).toBe(200);
  });

  it("reaches a Pub/Sub emulator that creates and lists a topic in its own project", async () => {
    const project = `local-stack-${crypto.randomUUID().slice(0, 8)}`;
    const created = await fetch(`http://${emulatorHost()}/v1/projects/${project}/topics/probe`, { method: "PUT" });
    expect(created.status).toBe(200);
    const listed = await getJson<{ topics: unknown }>(`http://${emulatorHost()}/v1/projects/${project}/topics`);
    expect(listed.topics).toEqual([{ name: `projects/${project}/topics/probe` }]);
  });
});
