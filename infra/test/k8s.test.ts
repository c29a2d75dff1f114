/**
 * The GKE manifests parse and validate against the Kubernetes and KEDA schemas, the ScaledObject
 * scales the worker Deployment on the events subscription, the Deployment sets what the worker's
 * config schema needs, and the Cloud Run worker pool (CREMA) and Terraform use the same policy.
 */
import { pubsubSettings, SECRET_VARIABLES } from "@periskope-pipeline/config";
import type { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { topologyNamesFromEnv } from "@periskope-pipeline/pubsub";
import type { Deployment } from "kubernetes-models/apps/v1";
import type { ConfigMap, ServiceAccount } from "kubernetes-models/v1";
import { readdirSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { appVariables, deploymentVariables, PLATFORM_VARIABLES } from "./app-config.ts";
import { measuredReplicaThroughput, targetBacklogPerReplica } from "./autoscaling.ts";
import { IMAGES } from "./images.ts";
import { find, K8S_DIR, loadManifests, type Manifest, type Manifests } from "./k8s.ts";
import { repoPath } from "./repo.ts";
import { evaluate, loadTerraform, renderTemplateLocal, TEST_INPUTS, type TerraformConfig } from "./terraform.ts";

const names = topologyNamesFromEnv(z.object(pubsubSettings).parse({}));
const manifests: Manifests = loadManifests();
const deployment = find<Deployment & Manifest>(manifests, "Deployment", "periskope-worker");
const scaledObject = find<ScaledObject & Manifest>(manifests, "ScaledObject");
const container = deployment.spec?.template.spec?.containers.find((c) => c.name === "worker");
const configMap = find<ConfigMap & Manifest>(manifests, "ConfigMap", "periskope-worker-config");

/** Every variable the worker container gets, and where from. */
function workerEnv(): Map<string, { value?: string; secret?: string }> {
  const env = new Map<string, { value?: string; secret?: string }>();
  for (const from of container?.envFrom ?? []) {
    expect(from.configMapRef?.name).toBe(configMap.metadata.name);
    for (const [name, value] of Object.entries(configMap.data ?? {})) env.set(name, { value });
  }
  for (const e of container?.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    env.set(e.name, ref ? { secret: `${ref.name}/${ref.key}` } : { value: e.value ?? "" });
  }
  return env;
}

describe("infra/k8s", () => {
  it("lists every manifest in the kustomization", () => {
    const onDisk = readdirSync(repoPath(K8S_DIR)).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    expect([...manifests.files].sort()).toEqual(onDisk.sort());
  });

  it("validates every manifest against its Kubernetes or KEDA schema", () => {
    for (const m of manifests.all) expect(() => m.validate(), `${m.kind} ${m.metadata.name}`).not.toThrow();
    expect(new Set(manifests.all.map((m) => m.metadata.namespace ?? m.metadata.name))).toEqual(new Set(["periskope-pipeline"]));
  });

  it("rejects a malformed manifest (the validation can fail)", () => {
    const broken = find<Deployment & Manifest>(loadManifests(), "Deployment");
    (broken.spec as unknown as { replicas: unknown }).replicas = "two";
    expect(() => broken.validate()).toThrow();
  });

  describe("ScaledObject", () => {
    it("targets the worker Deployment", () => {
      expect(scaledObject.spec.scaleTargetRef).toMatchObject({ apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name });
    });

    it("scales on the events subscription's undelivered messages and oldest unacked age, with the gcp-pubsub scaler", () => {
      const triggers = scaledObject.spec.triggers;
      expect(triggers.map((t) => t.type)).toEqual(["gcp-pubsub", "gcp-pubsub"]);
      expect(triggers.map((t) => t.metadata.mode).sort()).toEqual(["OldestUnackedMessageAge", "SubscriptionSize"]);
      for (const t of triggers) expect(t.metadata.subscriptionName).toBe(names.eventsSubscription);
      expect(workerEnv().get("PUBSUB_EVENTS_SUBSCRIPTION")?.value).toBe(names.eventsSubscription);
      expect(triggers.find((t) => t.metadata.mode === "OldestUnackedMessageAge")?.metricType).toBe("Value");
    });

    it("authenticates through a TriggerAuthentication with GCP workload identity", () => {
      const auth = find<TriggerAuthentication & Manifest>(manifests, "TriggerAuthentication");
      expect(auth.spec.podIdentity?.provider).toBe("gcp");
      for (const t of scaledObject.spec.triggers) expect(t.authenticationRef?.name).toBe(auth.metadata.name);
    });

    it("targets the backlog one replica clears in the drain time (autoscaling arithmetic)", () => {
      const size = scaledObject.spec.triggers.find((t) => t.metadata.mode === "SubscriptionSize");
      expect(Number(size?.metadata.value)).toBe(targetBacklogPerReplica(measuredReplicaThroughput()));
      expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    });
  });

  describe("worker Deployment", () => {
    it("runs the worker image as non-root, with probes and metrics on the worker's port", () => {
      expect(container?.image?.split(":")[0]?.split("/").at(-1)).toBe(IMAGES.worker.name);
      expect(container?.ports?.map((p) => p.containerPort)).toEqual([IMAGES.worker.port]);
      expect(container?.startupProbe?.httpGet?.path).toBe("/readyz");
      expect(container?.readinessProbe?.httpGet?.path).toBe("/readyz");
      expect(container?.livenessProbe?.httpGet?.path).toBe("/healthz");
      expect(deployment.spec?.template.spec?.securityContext?.runAsNonRoot).toBe(true);
      expect(container?.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(workerEnv().get(IMAGES.worker.portVariable)?.value).toBe(String(IMAGES.worker.port));
    });

    it("uses the Workload Identity service account bound in Terraform", () => {
      const ksa = find<ServiceAccount & Manifest>(manifests, "ServiceAccount");
      expect(deployment.spec?.template.spec?.serviceAccountName).toBe(ksa.metadata.name);
      expect(ksa.metadata.name).toBe("periskope-worker");
      expect((ksa.metadata as { annotations?: Record<string, string> }).annotations?.["iam.gke.io/gcp-service-account"]).toMatch(/^periskope-worker@/);
    });

    it("gives the process time to drain before SIGKILL", () => {
      expect(deployment.spec?.template.spec?.terminationGracePeriodSeconds).toBeGreaterThan(25);
    });

    it("sets every variable the worker requires plus its production settings, secrets from a Secret", async () => {
      const vars = await appVariables("worker");
      const env = workerEnv();
      expect(deploymentVariables(vars).filter((n) => !env.has(n))).toEqual([]);
      expect([...env.keys()].filter((n) => !vars.known.includes(n) && !(PLATFORM_VARIABLES as readonly string[]).includes(n))).toEqual([]);
      expect(env.has("PUBSUB_EMULATOR_HOST")).toBe(false);
      for (const [name, source] of env) {
        if ((SECRET_VARIABLES as readonly string[]).includes(name)) expect(source.secret, name).toBe(`periskope-worker-secrets/${name}`);
      }
    });

    it("uses the topology names of the design", () => {
      const env = workerEnv();
      expect(env.get("PUBSUB_EVENTS_TOPIC")?.value).toBe(names.eventsTopic);
      expect(env.get("PUBSUB_COMMANDS_SUBSCRIPTION")?.value).toBe(names.commandsSubscription);
      expect(env.get("PUBSUB_DEAD_LETTER_TOPIC")?.value).toBe(names.deadLetterTopic);
      expect(env.get("PUBSUB_DEAD_LETTER_SUBSCRIPTION")?.value).toBe(names.deadLetterSubscription);
      expect(env.get("PUBSUB_DEAD_LETTER_RECORDS_SUBSCRIPTION")?.value).toBe(names.deadLetterRecordsSubscription);
    });
  });

  describe("the same policy on Cloud Run (CREMA) and in Terraform", () => {
    let tf: TerraformConfig;
    let crema: { spec: { scaledObjects: { spec: Record<string, unknown> }[]; triggerAuthentications: { spec: unknown }[] } };
    beforeAll(async () => {
      tf = await loadTerraform();
      crema = parse(renderTemplateLocal(tf, "crema_config")) as typeof crema;
    });

    it("Terraform's autoscaling variables default to the ScaledObject's numbers", () => {
      const size = scaledObject.spec.triggers.find((t) => t.metadata.mode === "SubscriptionSize");
      const age = scaledObject.spec.triggers.find((t) => t.metadata.mode === "OldestUnackedMessageAge");
      expect(evaluate(tf, "${var.worker_min_replicas}")).toBe(scaledObject.spec.minReplicaCount);
      expect(evaluate(tf, "${var.worker_max_replicas}")).toBe(scaledObject.spec.maxReplicaCount);
      expect(String(evaluate(tf, "${var.worker_target_backlog_per_replica}"))).toBe(size?.metadata.value);
      expect(String(evaluate(tf, "${var.worker_target_oldest_unacked_seconds}"))).toBe(age?.metadata.value);
    });

    it("CREMA scales the Terraform worker pool with the ScaledObject's triggers, bounds and behaviour", () => {
      const [target] = crema.spec.scaledObjects;
      const spec = target?.spec ?? {};
      expect(spec.scaleTargetRef).toEqual({ name: `projects/${TEST_INPUTS.project_id}/locations/europe-west1/workerpools/periskope-worker` });
      expect(spec.minReplicaCount).toBe(scaledObject.spec.minReplicaCount);
      expect(spec.maxReplicaCount).toBe(scaledObject.spec.maxReplicaCount);
      expect(spec.advanced).toEqual(scaledObject.spec.advanced);
      const strip = (triggers: unknown) => JSON.parse(JSON.stringify(triggers)) as unknown;
      expect(strip(spec.triggers)).toEqual(strip(scaledObject.spec.triggers));
      expect(crema.spec.triggerAuthentications[0]?.spec).toEqual({ podIdentity: { provider: "gcp" } });
    });
  });
});
