/**
 * docker-compose.yml cannot run here (no Docker engine), so CI checks what it can offline: every
 * service and every variable the apps need is there, versions and defaults match the code, and
 * compose agrees with the Dockerfile on image names, ports and variables.
 */
import { ELASTICSEARCH_VERSION } from "@periskope-pipeline/local-stack";
import type { z } from "zod";
import { describe, expect, it } from "vitest";
import { APPS, appVariables, PLATFORM_VARIABLES } from "./app-config.ts";
import { healthcheckText, interpolationDefault, publishedPorts, readCompose, serviceEnv, type ComposeService } from "./compose.ts";
import { imagePlan } from "./dockerfile-plan.ts";
import { IMAGES, IMAGE_KEYS } from "./images.ts";
import { readRepoFile, repoPath } from "./repo.ts";

const compose = readCompose();
const services = compose.services;
const DOCKERFILE = readRepoFile("Dockerfile");

function service(name: string): ComposeService {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

async function schemaDefault(app: (typeof APPS)[number], name: string): Promise<string | undefined> {
  const { configSchema } = (await import(repoPath(`apps/${app}/src/config.ts`))) as { configSchema: z.ZodObject };
  const field = configSchema.shape[name] as z.ZodType | undefined;
  const parsed = field?.safeParse(undefined);
  if (!parsed?.success || parsed.data === undefined) return undefined;
  return Array.isArray(parsed.data) ? parsed.data.join(",") : String(parsed.data);
}

describe("docker-compose.yml", () => {
  it("runs the whole stack: Elasticsearch, Kibana, the emulator, the simulator, provisioning, ingress and worker", () => {
    expect(Object.keys(services).sort()).toEqual(["elasticsearch", "ingress", "kibana", "provision", "pubsub-emulator", "simulator", "worker"]);
  });

  it("uses the official Elasticsearch and Kibana images at the pinned local version", () => {
    expect(service("elasticsearch").image).toBe(`docker.elastic.co/elasticsearch/elasticsearch:${ELASTICSEARCH_VERSION}`);
    expect(service("kibana").image).toBe(`docker.elastic.co/kibana/kibana:${ELASTICSEARCH_VERSION}`);
    const es = serviceEnv(service("elasticsearch"));
    expect(es["discovery.type"]).toBe("single-node");
    expect(es["xpack.security.enabled"]).toBe("false");
  });

  it("uses the official Google Cloud CLI emulators image for Pub/Sub", () => {
    const emulator = service("pubsub-emulator");
    expect(emulator.image).toMatch(/^gcr\.io\/google\.com\/cloudsdktool\/google-cloud-cli:(.+-)?emulators$/);
    expect(emulator.command).toEqual(expect.arrayContaining(["pubsub", "start", "--host-port=0.0.0.0:8085"]));
  });

  it("health-checks every long-running service", () => {
    for (const [name, s] of Object.entries(services)) {
      if (name === "provision") continue;
      expect(healthcheckText(s), name).not.toBe("");
    }
  });

  it("publishes ports on the loopback interface only", () => {
    for (const [name, s] of Object.entries(services)) {
      for (const port of publishedPorts(s)) expect(port.hostIp, `${name} ${port.container}`).toBe("127.0.0.1");
    }
  });

  it("provisions topology and templates once the services are healthy, before the apps start", () => {
    const provision = service("provision");
    const script = (Array.isArray(provision.command) ? provision.command : []).join("\n");
    expect(script).toContain("ensureTopology");
    expect(script).toContain("installTemplates");
    expect(provision.depends_on).toEqual({
      elasticsearch: { condition: "service_healthy" },
      "pubsub-emulator": { condition: "service_healthy" },
    });
    for (const app of APPS) expect(service(app).depends_on?.provision).toEqual({ condition: "service_completed_successfully" });
    expect(service("worker").depends_on?.simulator).toEqual({ condition: "service_healthy" });
  });

  describe.each(IMAGE_KEYS)("%s image", (key) => {
    const spec = IMAGES[key];
    const plan = imagePlan(DOCKERFILE, spec.target);
    const built = Object.entries(services).filter(([, s]) => s.build?.target === spec.target);

    it("is built from the root Dockerfile's target under the shared image name", () => {
      expect(built.length).toBeGreaterThan(0);
      for (const [name, s] of built) {
        expect(s.build?.context, name).toBe(".");
        expect(s.build?.dockerfile ?? "Dockerfile", name).toBe("Dockerfile");
        expect(s.image?.split(":")[0], name).toBe(spec.name);
      }
    });

    it("listens, publishes and is health-checked on the port the Dockerfile exposes", () => {
      const [name, s] = built.find(([n]) => n !== "provision") ?? [];
      expect(name).toBeDefined();
      const env = serviceEnv(s ?? {});
      expect(interpolationDefault(env[spec.portVariable] ?? "")).toBe(plan.env[spec.portVariable]);
      expect(publishedPorts(s ?? {}).map((p) => p.container)).toEqual(plan.expose);
      expect(healthcheckText(s ?? {})).toContain(`127.0.0.1:${spec.port}/`);
    });
  });

  describe.each(APPS)("%s service", (app) => {
    const env = serviceEnv(service(app));

    it("sets every variable the app requires, and points it at the stack's services", async () => {
      const { required } = await appVariables(app);
      for (const name of [...required, "ELASTICSEARCH_URL", "PUBSUB_PROJECT_ID", "PUBSUB_EMULATOR_HOST"]) {
        expect(env[name], name).toBeTruthy();
      }
      expect(env.ELASTICSEARCH_URL).toBe("http://elasticsearch:9200");
      expect(env.PUBSUB_EMULATOR_HOST).toBe("pubsub-emulator:8085");
      expect(env.METADATA_SERVER_DETECTION).toBe("none");
    });

    it("sets only variables its config schema reads", async () => {
      const { known } = await appVariables(app);
      const unknown = Object.keys(env).filter((n) => !known.includes(n) && !(PLATFORM_VARIABLES as readonly string[]).includes(n));
      expect(unknown).toEqual([]);
    });

    it("falls back to the app's own defaults when .env leaves a setting unset", async () => {
      for (const [name, value] of Object.entries(env)) {
        if (!value.includes("${")) continue;
        const appDefault = await schemaDefault(app, name);
        // Secrets, and settings whose default is empty (no phones): local values, checked elsewhere.
        if (appDefault === undefined || appDefault === "") continue;
        if (name === "PERISKOPE_API_URL") continue; // deliberately the simulator, checked below
        expect(interpolationDefault(value), name).toBe(appDefault);
      }
    });
  });

  it("points the worker at the simulator with credentials the simulator accepts", () => {
    const worker = serviceEnv(service("worker"));
    const simulator = serviceEnv(service("simulator"));
    expect(interpolationDefault(worker.PERISKOPE_API_URL ?? "")).toBe(`http://simulator:${simulator.SIMULATOR_PORT}/v1`);
    expect(interpolationDefault(worker.PERISKOPE_API_KEY ?? "")).toBe(interpolationDefault(simulator.SIMULATOR_API_KEY ?? ""));
    expect(interpolationDefault(worker.PERISKOPE_PHONES ?? "")).toBe(simulator.SIMULATOR_PHONES);
  });
});
