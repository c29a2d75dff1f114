/**
 * The images the root Dockerfile produces and what each one runs. Image names are shared by
 * docker-compose.yml, the Kubernetes manifests and the Terraform variables (checked in CI).
 * Node flags are the apps' own lists, which the benches start them with: the Dockerfile must match.
 */
import { INGRESS_NODE_FLAGS } from "../../apps/ingress/src/server/node-flags.ts";
import { WORKER_NODE_FLAGS } from "../../apps/worker/src/node-flags.ts";

export interface ImageSpec {
  /** `docker build --target` */
  readonly target: string;
  /** Image repository name used everywhere (compose, k8s, Terraform). */
  readonly name: string;
  /** The workspace whose production dependencies the image installs. */
  readonly workspace: string;
  readonly entry: string;
  /** Node flags the app asks for at startup (the apps warn when their heap bounds are missing). */
  readonly nodeFlags: readonly string[];
  /** The variable the process reads its listening port from, and its default. */
  readonly portVariable: string;
  readonly port: number;
}

export const IMAGES = {
  ingress: {
    target: "ingress",
    name: "periskope-pipeline-ingress",
    workspace: "apps/ingress",
    entry: "apps/ingress/src/main.ts",
    nodeFlags: INGRESS_NODE_FLAGS,
    portVariable: "PORT",
    port: 8080,
  },
  worker: {
    target: "worker",
    name: "periskope-pipeline-worker",
    workspace: "apps/worker",
    entry: "apps/worker/src/main.ts",
    nodeFlags: WORKER_NODE_FLAGS,
    portVariable: "WORKER_METRICS_PORT",
    port: 9464,
  },
  simulator: {
    target: "simulator",
    name: "periskope-pipeline-simulator",
    workspace: "packages/testkit",
    entry: "packages/testkit/src/simulator/main.ts",
    nodeFlags: [],
    portVariable: "SIMULATOR_PORT",
    port: 4010,
  },
} as const satisfies Record<string, ImageSpec>;

export type ImageKey = keyof typeof IMAGES;
export const IMAGE_KEYS = Object.keys(IMAGES) as ImageKey[];

/** Whether `path` (repository-relative) lands in the image through one of its context copies. */
export function isCopied(copies: readonly { source: string }[], path: string): boolean {
  return copies.some((c) => path === c.source || path.startsWith(`${c.source}/`));
}
