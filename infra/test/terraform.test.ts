/**
 * Structural checks over infra/terraform, offline: it parses, the Pub/Sub topology is the one the
 * code creates (topologySpec), each deployment sets every variable its app's config schema needs,
 * secrets only come from Secret Manager, and IAM grants are exactly the minimal list below.
 */
import { pubsubSettings, SECRET_VARIABLES } from "@periskope-pipeline/config";
import { parseCommandRequest } from "@periskope-pipeline/commands";
import { SUBSCRIPTION_POLICY, topologyNamesFromEnv, topologySpec } from "@periskope-pipeline/pubsub";
import { readdirSync } from "node:fs";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { appVariables, deploymentVariables, PLATFORM_VARIABLES, type AppName } from "./app-config.ts";
import { IMAGES } from "./images.ts";
import { repoPath } from "./repo.ts";
import {
  block,
  blocks,
  containerEnv,
  evaluate,
  evaluateString,
  grants,
  loadTerraform,
  resource,
  resourcesOfType,
  TEST_INPUTS,
  TEST_PROJECT_NUMBER,
  TERRAFORM_DIR,
  type TerraformConfig,
} from "./terraform.ts";

const PROJECT = TEST_INPUTS.project_id;
const names = topologyNamesFromEnv(z.object(pubsubSettings).parse({}));
const spec = topologySpec(names);

let tf: TerraformConfig;
beforeAll(async () => {
  tf = await loadTerraform();
});

const sa = (id: string) => `serviceAccount:${id}@${PROJECT}.iam.gserviceaccount.com`;
const topic = (name: string) => `pubsub_topic:projects/${PROJECT}/topics/${name}`;
const subscription = (name: string) => `pubsub_subscription:projects/${PROJECT}/subscriptions/${name}`;
const secret = (id: string) => `secret_manager_secret:projects/${PROJECT}/secrets/${id}`;
const PUBSUB_AGENT = `serviceAccount:service-${TEST_PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`;
const SCHEDULER_AGENT = `serviceAccount:service-${TEST_PROJECT_NUMBER}@gcp-sa-cloudscheduler.iam.gserviceaccount.com`;

function topicByName(name: string): [string, Record<string, unknown>] | undefined {
  return resourcesOfType(tf, "google_pubsub_topic").find(([, body]) => evaluate(tf, body.name) === name);
}

function deployment(app: AppName) {
  const address = app === "ingress" ? "google_cloud_run_v2_service.ingress" : "google_cloud_run_v2_worker_pool.worker";
  const body = resource(tf, address);
  const container = block(block(body, "template"), "containers");
  return { body, container, env: containerEnv(tf, container) };
}

describe("infra/terraform", () => {
  it("parses every .tf file", () => {
    const onDisk = readdirSync(repoPath(TERRAFORM_DIR)).filter((f) => f.endsWith(".tf"));
    expect(tf.files).toEqual(onDisk.sort());
    expect(tf.files.length).toBeGreaterThan(5);
  });

  it("declares the variables an operator sets: project, region, image tags, Elasticsearch endpoint", () => {
    for (const name of ["project_id", "region", "ingress_image_tag", "worker_image_tag", "elasticsearch_url", "periskope_phones"]) {
      expect(tf.variables[name], name).toBeDefined();
    }
  });

  it("outputs the webhook URL to paste into Periskope", () => {
    expect(evaluate(tf, tf.outputs.webhook_url?.value)).toBe("https://periskope-ingress-test.a.run.app/periskopewebhook");
  });

  describe("Pub/Sub topology", () => {
    it("has exactly the topics of the design", () => {
      const topics = resourcesOfType(tf, "google_pubsub_topic").map(([, b]) => evaluate(tf, b.name));
      expect(topics.sort()).toEqual([...spec.topics].sort());
    });

    it.each(spec.subscriptions.map((s) => [s.name, s] as const))("subscription %s has the code's ack deadline, retention, retry and dead-letter policy", (name, want) => {
      const found = resourcesOfType(tf, "google_pubsub_subscription").filter(([, b]) => evaluate(tf, b.name) === name);
      expect(found).toHaveLength(1);
      const [, sub] = found[0] ?? ["", {}];
      expect(evaluate(tf, sub.topic)).toBe(`projects/${PROJECT}/topics/${want.topic}`);
      expect(sub.ack_deadline_seconds).toBe(want.ackDeadlineSeconds);
      expect(sub.message_retention_duration).toBe(`${want.messageRetentionSeconds}s`);
      if (want.retryPolicy) {
        expect(block(sub, "retry_policy")).toEqual({
          minimum_backoff: `${want.retryPolicy.minimumBackoffSeconds}s`,
          maximum_backoff: `${want.retryPolicy.maximumBackoffSeconds}s`,
        });
      } else {
        expect(blocks(sub, "retry_policy")).toHaveLength(0);
      }
      expect(block(sub, "expiration_policy").ttl, "never expires").toBe("");
      const deadLetter = blocks(sub, "dead_letter_policy");
      if (want.deadLetter) {
        expect(deadLetter).toHaveLength(1);
        expect(evaluate(tf, deadLetter[0]?.dead_letter_topic)).toBe(`projects/${PROJECT}/topics/${want.deadLetter.topic}`);
        expect(deadLetter[0]?.max_delivery_attempts).toBe(want.deadLetter.maxDeliveryAttempts);
      } else {
        expect(deadLetter).toHaveLength(0);
      }
    });

    it("mirrors SUBSCRIPTION_POLICY (the numbers topologySpec is built from)", () => {
      expect(SUBSCRIPTION_POLICY.maxDeliveryAttempts).toBe(spec.subscriptions.find((s) => s.deadLetter)?.deadLetter?.maxDeliveryAttempts);
      expect(topicByName(names.deadLetterTopic)).toBeDefined();
    });
  });

  describe.each(["ingress", "worker"] as const)("%s deployment", (app) => {
    it("sets every variable the app's config schema requires, plus its production settings", async () => {
      const vars = await appVariables(app);
      const set = deployment(app).env.map((e) => e.name);
      // Cloud Run provides PORT itself and rejects it as a user variable.
      const needed = deploymentVariables(vars).filter((n) => n !== "PORT");
      expect(needed.filter((n) => !set.includes(n))).toEqual([]);
      expect(set).not.toContain("PORT");
    });

    it("sets only variables the app reads, never the emulator host", async () => {
      const { known } = await appVariables(app);
      const env = deployment(app).env;
      expect(env.map((e) => e.name).filter((n) => !known.includes(n) && !(PLATFORM_VARIABLES as readonly string[]).includes(n))).toEqual([]);
      expect(env.map((e) => e.name)).not.toContain("PUBSUB_EMULATOR_HOST");
      expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
    });

    it("points the app at the topology and project Terraform creates", () => {
      const env = Object.fromEntries(deployment(app).env.map((e) => [e.name, e.value]));
      expect(env.PUBSUB_PROJECT_ID).toBe(PROJECT);
      expect(env.PUBSUB_EVENTS_TOPIC).toBe(names.eventsTopic);
      expect(env.PUBSUB_COMMANDS_TOPIC).toBe(names.commandsTopic);
      if (app === "worker") {
        expect(env.PUBSUB_EVENTS_SUBSCRIPTION).toBe(names.eventsSubscription);
        expect(env.PUBSUB_DEAD_LETTER_TOPIC).toBe(names.deadLetterTopic);
        expect(env.PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION).toBe(names.deadLetterRecordsSubscription);
      }
      expect(env.ELASTICSEARCH_URL).toBe(TEST_INPUTS.elasticsearch_url);
    });

    it("takes every secret from Secret Manager, never as a plain value", () => {
      for (const entry of deployment(app).env) {
        if ((SECRET_VARIABLES as readonly string[]).includes(entry.name)) {
          expect(entry.secret, entry.name).toMatch(/^[a-z][a-z0-9-]+$/);
          expect(entry.value, entry.name).toBeUndefined();
        }
      }
    });

    it("runs the image built from the Dockerfile target", () => {
      const image = evaluateString(tf, deployment(app).container.image);
      expect(image).toBe(`europe-west1-docker.pkg.dev/${PROJECT}/periskope-pipeline/${IMAGES[app].name}:test-tag`);
    });
  });

  describe("ingress on Cloud Run", () => {
    it("is public for Periskope, with concurrency, CPU, bounded instances and probes on the health routes", () => {
      const { body, container } = deployment("ingress");
      const template = block(body, "template");
      expect(body.ingress).toBe("INGRESS_TRAFFIC_ALL");
      expect(evaluate(tf, template.max_instance_request_concurrency)).toBeGreaterThan(1);
      expect(evaluate(tf, block(template, "scaling").min_instance_count)).toBeGreaterThanOrEqual(1);
      expect(evaluate(tf, block(template, "scaling").max_instance_count)).toBeGreaterThan(1);
      expect(block(container, "resources").limits).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(block(container, "ports").container_port).toBe(IMAGES.ingress.port);
      expect(block(block(container, "startup_probe"), "http_get").path).toBe("/readyz");
      expect(block(block(container, "liveness_probe"), "http_get").path).toBe("/healthz");
      const invokers = grants(tf).filter((g) => g.role === "roles/run.invoker");
      expect(invokers).toEqual([expect.objectContaining({ member: "allUsers", target: "cloud_run_v2_service:periskope-ingress" })]);
    });
  });

  describe("worker on a Cloud Run worker pool", () => {
    it("probes the worker's health port and leaves the instance count to the autoscaler", () => {
      const { body, container } = deployment("worker");
      expect(block(block(container, "startup_probe"), "http_get")).toEqual({ path: "/readyz", port: IMAGES.worker.port });
      expect(block(block(container, "liveness_probe"), "http_get")).toEqual({ path: "/healthz", port: IMAGES.worker.port });
      expect(block(body, "scaling").scaling_mode).toBe("MANUAL");
      expect(block(body, "lifecycle").ignore_changes).toEqual(["${scaling[0].manual_instance_count}"]);
      const autoscaler = block(block(resource(tf, "google_cloud_run_v2_service.autoscaler"), "template"), "containers");
      const config = containerEnv(tf, autoscaler).find((e) => e.name === "CREMA_CONFIG");
      expect(config?.value).toBe("<google_parameter_manager_parameter_version.autoscaler.name>");
    });

    it("bounds graceful shutdown within Cloud Run's 10 s between SIGTERM and SIGKILL, with time left to close clients", () => {
      const env = Object.fromEntries(deployment("worker").env.map((e) => [e.name, e.value]));
      const bound = Number(env.WORKER_SHUTDOWN_TIMEOUT_MS);
      expect(bound).toBeGreaterThanOrEqual(5_000);
      expect(bound).toBeLessThanOrEqual(9_000);
    });
  });

  describe("secrets", () => {
    it("never puts a secret value in the configuration or its state", () => {
      expect(resourcesOfType(tf, "google_secret_manager_secret_version")).toEqual([]);
      for (const [name, variable] of Object.entries(tf.variables)) {
        if (/key|token|password|secret/i.test(name)) expect(variable.default, name).toBeUndefined();
      }
    });

    it("contains no literal that looks like a credential", () => {
      const literals = JSON.stringify([...tf.resources.values(), tf.locals, tf.variables]);
      for (const pattern of [/-----BEGIN [A-Z ]*PRIVATE KEY/, /AIza[0-9A-Za-z_-]{30,}/, /"[A-Za-z0-9+/_-]{40,}={0,2}"/, /ApiKey [A-Za-z0-9+/=]{10,}/]) {
        expect(literals).not.toMatch(pattern);
      }
    });

    it("lets each service account read exactly the secrets its deployment mounts", () => {
      const accounts = { ingress: sa("periskope-ingress"), worker: sa("periskope-worker") };
      for (const app of ["ingress", "worker"] as const) {
        const mounted = deployment(app).env.filter((e) => e.secret).map((e) => secret(e.secret ?? ""));
        const readable = grants(tf).filter((g) => g.role === "roles/secretmanager.secretAccessor" && g.member === accounts[app]).map((g) => g.target);
        expect(readable.sort(), app).toEqual([...new Set(mounted)].sort());
      }
    });
  });

  describe("Elasticsearch API keys (least privilege)", () => {
    type KeyDefinition = { name: string; role_descriptors: Record<string, { cluster: string[]; indices: { names: string[]; privileges: string[] }[] }> };
    const keys = () => evaluate(tf, tf.locals.elasticsearch_api_keys) as Record<"ingress" | "worker", KeyDefinition>;
    const mountedKey = (app: AppName) => deployment(app).env.find((e) => e.name === "ELASTICSEARCH_API_KEY")?.secret;

    it("gives the ingress its own key, in its own secret, limited to reading pipeline_commands", () => {
      const descriptors = Object.values(keys().ingress.role_descriptors);
      expect(descriptors).toEqual([{ cluster: [], indices: [{ names: ["pipeline_commands", "pipeline_commands-*"], privileges: ["read"] }] }]);
      expect(mountedKey("ingress")).toBe("elasticsearch-ingress-api-key");
      expect(mountedKey("ingress")).not.toBe(mountedKey("worker"));
      const workerReaders = grants(tf).filter((g) => g.role === "roles/secretmanager.secretAccessor" && g.target === secret(mountedKey("worker") ?? ""));
      expect(workerReaders.map((g) => g.member)).toEqual([sa("periskope-worker")]);
    });

    it("bounds the worker's key to the pipeline's indices and template management", () => {
      const [descriptor, ...more] = Object.values(keys().worker.role_descriptors);
      expect(more).toEqual([]);
      expect(descriptor?.cluster).toEqual(["manage_index_templates"]);
      expect(descriptor?.indices.flatMap((i) => i.names).sort()).toEqual(["pipeline_commands*", "whatsapp_*"]);
    });

    it("tells the operator how to create each key", () => {
      expect(tf.outputs.elasticsearch_api_key_requests?.value).toBeDefined();
    });
  });

  describe("IAM", () => {
    it("grants exactly the minimal roles, each on the single resource that needs it", () => {
      const ingress = sa("periskope-ingress");
      const worker = sa("periskope-worker");
      const autoscaler = sa("periskope-worker-autoscaler");
      const keda = sa("periskope-keda");
      const expected = [
        // ingress: publish webhooks and ops commands
        ["roles/pubsub.publisher", ingress, topic(names.eventsTopic)],
        ["roles/pubsub.publisher", ingress, topic(names.commandsTopic)],
        // ingress readiness: GetTopic on the events topic
        ["roles/pubsub.viewer", ingress, topic(names.eventsTopic)],
        // worker: consume its four subscriptions; publish poison (dead letters), replays (events), warm-up (commands)
        ["roles/pubsub.subscriber", worker, subscription(names.eventsSubscription)],
        ["roles/pubsub.subscriber", worker, subscription(names.commandsSubscription)],
        ["roles/pubsub.subscriber", worker, subscription(names.deadLetterSubscription)],
        ["roles/pubsub.subscriber", worker, subscription(names.deadLetterRecordsSubscription)],
        ["roles/pubsub.publisher", worker, topic(names.deadLetterTopic)],
        ["roles/pubsub.publisher", worker, topic(names.eventsTopic)],
        ["roles/pubsub.publisher", worker, topic(names.commandsTopic)],
        // Pub/Sub's own dead-lettering
        ["roles/pubsub.publisher", PUBSUB_AGENT, topic(names.deadLetterTopic)],
        ["roles/pubsub.subscriber", PUBSUB_AGENT, subscription(names.eventsSubscription)],
        // Cloud Scheduler's weekly refresh-cache
        ["roles/pubsub.publisher", SCHEDULER_AGENT, topic(names.commandsTopic)],
        // the public webhook
        ["roles/run.invoker", "allUsers", "cloud_run_v2_service:periskope-ingress"],
        // CREMA (Cloud Run worker pool autoscaler)
        ["roles/monitoring.viewer", autoscaler, `project:${PROJECT}`],
        ["roles/parametermanager.parameterViewer", autoscaler, `project:${PROJECT}`],
        ["roles/run.developer", autoscaler, "cloud_run_v2_worker_pool:periskope-worker"],
        ["roles/iam.serviceAccountUser", autoscaler, `service_account:projects/${PROJECT}/serviceAccounts/periskope-worker@${PROJECT}.iam.gserviceaccount.com`],
        // GKE: Workload Identity for the worker and KEDA
        ["roles/iam.workloadIdentityUser", `serviceAccount:${PROJECT}.svc.id.goog[periskope-pipeline/periskope-worker]`, `service_account:projects/${PROJECT}/serviceAccounts/periskope-worker@${PROJECT}.iam.gserviceaccount.com`],
        ["roles/monitoring.viewer", keda, `project:${PROJECT}`],
        ["roles/iam.workloadIdentityUser", `serviceAccount:${PROJECT}.svc.id.goog[keda/keda-operator]`, `service_account:projects/${PROJECT}/serviceAccounts/periskope-keda@${PROJECT}.iam.gserviceaccount.com`],
      ].map(([role, member, target]) => `${role} ${member} ${target}`);
      const actual = grants(tf)
        .filter((g) => g.role !== "roles/secretmanager.secretAccessor")
        .map((g) => `${g.role} ${g.member} ${g.target}`);
      expect(actual.sort()).toEqual(expected.sort());
    });

    it("uses no authoritative bindings and no basic roles", () => {
      const authoritative = [...tf.resources.keys()].filter((k) => /_iam_(binding|policy)\./.test(k));
      expect(authoritative).toEqual([]);
      for (const g of grants(tf)) expect(["roles/owner", "roles/editor", "roles/viewer"]).not.toContain(g.role);
    });
  });

  describe("weekly refresh-cache", () => {
    it("publishes the refresh-cache command to the commands topic on Monday 02:00", () => {
      const job = resource(tf, "google_cloud_scheduler_job.refresh_cache");
      expect(evaluate(tf, job.schedule)).toBe("0 2 * * 1");
      const target = block(job, "pubsub_target");
      expect(evaluate(tf, target.topic_name)).toBe(`projects/${PROJECT}/topics/${names.commandsTopic}`);
      expect(target.data).toBe("${base64encode(jsonencode(local.refresh_cache_command))}");
      const command = evaluate(tf, "${local.refresh_cache_command}");
      const parsed = parseCommandRequest(command);
      expect(parsed.success).toBe(true);
      expect(parsed.data?.type).toBe("refresh-cache");
      expect((target.attributes as Record<string, string>).command_type).toBe("refresh-cache");
    });
  });
});
