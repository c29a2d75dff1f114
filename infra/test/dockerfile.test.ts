/**
 * Lints the root Dockerfile and checks each image's shape: Node major, production-only install,
 * non-root user, exec-form entry point, every workspace package the app needs, no secrets.
 */
import { validate } from "dockerfile-utils";
import { SECRET_VARIABLES } from "@periskope-pipeline/config";
import { describe, expect, it } from "vitest";
import { APPS, appVariables, PLATFORM_VARIABLES } from "./app-config.ts";
import { finalTargets, imagePlan } from "./dockerfile-plan.ts";
import { IMAGES, IMAGE_KEYS, isCopied } from "./images.ts";
import { readRepoFile } from "./repo.ts";
import { rootManifest, runtimeWorkspaceClosure } from "./workspaces.ts";

const DOCKERFILE = readRepoFile("Dockerfile");

function nodeMajor(): number {
  const nvmrc = Number.parseInt(readRepoFile(".nvmrc").trim(), 10);
  const pinned = Number.parseInt((rootManifest().devDependencies?.node ?? "").replace(/^\D+/, ""), 10);
  expect(pinned, ".nvmrc and the node devDependency name the same major").toBe(nvmrc);
  return nvmrc;
}

describe("Dockerfile", () => {
  it("passes dockerfile-utils validation without errors or warnings", () => {
    const problems = validate(DOCKERFILE).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it("produces exactly the ingress, worker and simulator images", () => {
    expect(finalTargets(DOCKERFILE).sort()).toEqual(IMAGE_KEYS.map((k) => IMAGES[k].target).sort());
  });

  describe.each(IMAGE_KEYS)("%s image", (key) => {
    const spec = IMAGES[key];
    const plan = imagePlan(DOCKERFILE, spec.target);

    it("runs on the pinned Node major from an official slim image, never a floating tag", () => {
      expect(plan.baseImage).toMatch(new RegExp(`^node:${nodeMajor()}(\\.\\d+)*-(\\w+-)?slim$`));
    });

    it("installs production dependencies only, from the lockfile, with no install scripts", () => {
      expect(plan.runs).toHaveLength(1);
      const [run] = plan.runs;
      expect(run?.slice(0, 2)).toEqual(["npm", "ci"]);
      expect(run).toContain("--omit=dev");
      expect(run).toContain("--ignore-scripts");
      expect(isCopied(plan.contextCopies, "package.json")).toBe(true);
      expect(isCopied(plan.contextCopies, "package-lock.json")).toBe(true);
    });

    it("copies every workspace package the app depends on at run time, and no other", () => {
      const needed = runtimeWorkspaceClosure(spec.workspace);
      const copiedWorkspaces = new Set(
        plan.contextCopies
          .map((c) => /^((?:apps|packages)\/[^/]+)\//.exec(c.source)?.[1])
          .filter((dir): dir is string => dir !== undefined),
      );
      expect([...copiedWorkspaces].sort()).toEqual(needed);
      for (const dir of needed) {
        expect(isCopied(plan.contextCopies, `${dir}/package.json`), `${dir}/package.json`).toBe(true);
        expect(isCopied(plan.contextCopies, `${dir}/src/index.ts`) || dir.startsWith("apps/"), `${dir}/src`).toBe(true);
      }
    });

    it("starts its entry point with node as PID 1 (exec form), as the unprivileged node user", () => {
      expect(plan.cmd).toEqual(["node", ...spec.nodeFlags, spec.entry]);
      expect(isCopied(plan.contextCopies, spec.entry)).toBe(true);
      expect(plan.user).toBeDefined();
      expect(["root", "0"]).not.toContain(plan.user?.split(":")[0]);
    });

    it("is a production image listening where its settings say", () => {
      expect(plan.env.NODE_ENV).toBe("production");
      expect(plan.env[spec.portVariable]).toBe(String(spec.port));
      expect(plan.expose).toEqual([spec.port]);
      expect(plan.labels["org.opencontainers.image.title"]).toBe(spec.name);
    });

    it("bakes in no secret and no .env file", () => {
      for (const name of Object.keys(plan.env)) expect(SECRET_VARIABLES as readonly string[]).not.toContain(name);
      for (const copy of plan.contextCopies) expect(copy.source).not.toMatch(/(^|\/)\.env/);
      expect(isCopied(plan.contextCopies, ".env")).toBe(false);
    });
  });

  it("gives the worker image the index templates and the ops CLI", () => {
    const plan = imagePlan(DOCKERFILE, IMAGES.worker.target);
    expect(isCopied(plan.contextCopies, "packages/elasticsearch/templates/messages.template.json")).toBe(true);
    const ops = /node (\S+)/.exec(rootManifest().scripts?.ops ?? "")?.[1];
    expect(ops).toBe("apps/worker/src/ops/main.ts");
    expect(isCopied(plan.contextCopies, ops ?? "")).toBe(true);
  });

  it.each(APPS)("sets only variables the %s config schema reads", async (app) => {
    const { known } = await appVariables(app);
    const plan = imagePlan(DOCKERFILE, IMAGES[app].target);
    const unknown = Object.keys(plan.env).filter(
      (name) => !known.includes(name) && !(PLATFORM_VARIABLES as readonly string[]).includes(name) && !name.startsWith("NPM_CONFIG_"),
    );
    expect(unknown).toEqual([]);
  });
});
