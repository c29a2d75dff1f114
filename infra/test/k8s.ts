/**
 * The Kubernetes manifests in infra/k8s, loaded through their kustomization and turned into typed
 * models (kubernetes-models, @kubernetes-models/keda) that validate against the API schemas.
 */
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { Deployment } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, ServiceAccount } from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";
import { readRepoFile } from "./repo.ts";

export const K8S_DIR = "infra/k8s";

const MODELS = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "apps/v1/Deployment": Deployment,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
} as const;

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; validate(): void };

export interface Manifests {
  readonly files: readonly string[];
  readonly all: readonly Manifest[];
}

export function kustomizationResources(): string[] {
  const doc = parseAllDocuments(readRepoFile(`${K8S_DIR}/kustomization.yaml`))[0]?.toJS() as { resources?: string[] };
  return doc.resources ?? [];
}

/** Every document of every file the kustomization lists, as a typed model. Throws on unknown kinds. */
export function loadManifests(): Manifests {
  const files = kustomizationResources();
  const all: Manifest[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(readRepoFile(`${K8S_DIR}/${file}`))) {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
      const raw = doc.toJS() as { apiVersion?: string; kind?: string };
      const Model = MODELS[`${raw.apiVersion}/${raw.kind}` as keyof typeof MODELS];
      if (!Model) throw new Error(`${file}: no model for ${raw.apiVersion} ${raw.kind}`);
      all.push(new (Model as new (data: unknown) => Manifest)(raw));
    }
  }
  return { files, all };
}

export function find<T extends Manifest>(manifests: Manifests, kind: string, name?: string): T {
  const found = manifests.all.filter((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
  return found[0] as T;
}
