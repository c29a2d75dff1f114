/**
 * Reads a multi-stage Dockerfile into the plan of one target image: which build-context paths land
 * where, how dependencies are installed, and how the final image runs. The image test assembles
 * exactly this file set (so the Dockerfile is the only list of what an image contains), and the
 * unit checks assert its shape.
 *
 * Supported on purpose, and nothing else (anything else throws, so a Dockerfile change that this
 * model cannot follow fails CI instead of being silently ignored): `FROM <image|stage> [AS name]`,
 * `WORKDIR` (absolute), `ENV`, `LABEL`, `ARG`-free stages, `COPY <src>... <dest>` from the
 * context without wildcards, `COPY --from=<stage> <stage workdir> ./` (a whole dependency stage),
 * `RUN npm ci ...`, `USER`, `EXPOSE`, exec-form `CMD`, `HEALTHCHECK`.
 *
 * @example
 * const plan = imagePlan(readFileSync("Dockerfile", "utf8"), "ingress");
 * plan.contextCopies; // [{ source: "package.json", destination: "/app/package.json", ... }, ...]
 */
import { DockerfileParser, type Copy, type Instruction, type JSONInstruction, type PropertyInstruction } from "dockerfile-ast";
import { posix } from "node:path";

export interface ContextCopy {
  /** Path in the build context (repository root), without trailing slash. */
  readonly source: string;
  /** Absolute path in the image; a directory when the source is one or `intoDirectory` is set. */
  readonly destination: string;
  /** True when the destination names a directory the source goes into (`COPY a b dir/`). */
  readonly intoDirectory: boolean;
  readonly stage: string;
  readonly line: number;
}

export interface Stage {
  readonly name: string;
  readonly line: number;
  /** An image reference, or the name of an earlier stage. */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface ImagePlan {
  readonly target: string;
  /** The external image the target ultimately builds on, e.g. `node:24-slim`. */
  readonly baseImage: string;
  readonly workdir: string;
  /** Context files in build order; later copies land on top of earlier ones. */
  readonly contextCopies: readonly ContextCopy[];
  /** `RUN` commands of the target and its dependency stages, each as its argument list. */
  readonly runs: readonly (readonly string[])[];
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly expose: readonly number[];
  /** Exec-form CMD; `undefined` when absent or in shell form (the checks reject both). */
  readonly cmd: readonly string[] | undefined;
  readonly stages: readonly string[];
}

export class DockerfilePlanError extends Error {
  override name = "DockerfilePlanError";
}

export function parseStages(text: string): Stage[] {
  const stages: { name: string; line: number; from: string; instructions: Instruction[] }[] = [];
  for (const instruction of DockerfileParser.parse(text).getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    if (keyword === "FROM") {
      const args = instruction.getArguments().map((a) => a.getValue());
      if (args.some((a) => a.startsWith("--"))) throw new DockerfilePlanError(`line ${line}: FROM flags are not supported`);
      if (!(args.length === 1 || (args.length === 3 && args[1]?.toUpperCase() === "AS"))) {
        throw new DockerfilePlanError(`line ${line}: expected FROM <image> [AS <name>]`);
      }
      stages.push({ name: args[2] ?? `stage-${stages.length}`, line, from: args[0] ?? "", instructions: [] });
      continue;
    }
    const current = stages.at(-1);
    if (!current) throw new DockerfilePlanError(`line ${line}: ${keyword} before the first FROM`);
    current.instructions.push(instruction);
  }
  return stages;
}

/** The plan of `target`: its stage, the stages it builds on, and the stages it copies from. */
export function imagePlan(text: string, target: string): ImagePlan {
  const stages = parseStages(text);
  const byName = new Map(stages.map((s) => [s.name, s]));
  if (!byName.has(target)) throw new DockerfilePlanError(`no stage named ${target}`);

  const contextCopies: ContextCopy[] = [];
  const runs: string[][] = [];
  const visited: string[] = [];
  const built = new Map<string, StageState>();

  // Each stage starts from its parent's state (workdir, env, user, ...); a stage is followed once,
  // so a base shared by several stages contributes its files once.
  const build = (name: string): StageState => {
    const done = built.get(name);
    if (done) return done;
    const stage = byName.get(name);
    if (!stage) throw new DockerfilePlanError(`unknown stage ${name}`);
    const parent = byName.has(stage.from) ? build(stage.from) : undefined;
    const state: StageState = parent
      ? { ...parent, env: { ...parent.env }, labels: { ...parent.labels }, expose: [...parent.expose] }
      : { baseImage: stage.from, workdir: "/", env: {}, labels: {}, user: undefined, expose: [], cmd: undefined };
    for (const instruction of stage.instructions) apply(stage, instruction, state);
    built.set(name, state);
    visited.push(name);
    return state;
  };

  const apply = (stage: Stage, instruction: Instruction, state: StageState): void => {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    const args = instruction.getArguments().map((a) => a.getValue());
    switch (keyword) {
      case "WORKDIR": {
        const dir = args[0] ?? "";
        if (!dir.startsWith("/")) throw new DockerfilePlanError(`line ${line}: WORKDIR must be absolute`);
        state.workdir = posix.normalize(dir);
        return;
      }
      case "ENV":
        for (const p of (instruction as PropertyInstruction).getProperties()) state.env[p.getName()] = p.getValue() ?? "";
        return;
      case "LABEL":
        for (const p of (instruction as PropertyInstruction).getProperties()) state.labels[p.getName()] = p.getValue() ?? "";
        return;
      case "USER":
        state.user = args[0];
        return;
      case "EXPOSE":
        state.expose.push(...args.map((a) => Number.parseInt(a, 10)));
        return;
      case "CMD": {
        const json = (instruction as JSONInstruction).getJSONStrings();
        state.cmd = json.length > 0 ? json.map((s) => s.getJSONValue()) : undefined;
        return;
      }
      case "RUN":
        runs.push(args);
        return;
      case "HEALTHCHECK":
        return;
      case "COPY":
        copy(stage, instruction as Copy, args, line, state);
        return;
      default:
        throw new DockerfilePlanError(`line ${line}: ${keyword} is not supported by the image plan`);
    }
  };

  const copy = (stage: Stage, instruction: Copy, args: string[], line: number, state: StageState): void => {
    const fromStage = instruction.getFromFlag()?.getValue() ?? undefined;
    const paths = args.filter((a) => !a.startsWith("--"));
    const flags = args.filter((a) => a.startsWith("--") && !a.startsWith("--from="));
    if (flags.length > 0) throw new DockerfilePlanError(`line ${line}: COPY flags ${flags.join(" ")} are not supported`);
    if (paths.length < 2) throw new DockerfilePlanError(`line ${line}: COPY needs a source and a destination`);
    const destinationArg = paths.at(-1) ?? "";
    const destination = posix.resolve(state.workdir, destinationArg);
    const sources = paths.slice(0, -1);

    if (fromStage !== undefined) {
      // A whole dependency stage copied into the same folder: its context copies and the results of
      // its RUN steps land where they were made, so following that stage is the same as copying it.
      if (!byName.has(fromStage)) throw new DockerfilePlanError(`line ${line}: COPY --from=${fromStage} names no stage`);
      const { workdir } = build(fromStage);
      if (sources.length !== 1 || posix.normalize(sources[0] ?? "") !== workdir || destination !== state.workdir) {
        throw new DockerfilePlanError(`line ${line}: COPY --from must copy the stage's WORKDIR (${workdir}) to this WORKDIR`);
      }
      return;
    }
    for (const source of sources) {
      if (/[*?[]/.test(source)) throw new DockerfilePlanError(`line ${line}: wildcards are not supported (${source})`);
      if (source.startsWith("/") || posix.normalize(source).startsWith("..")) {
        throw new DockerfilePlanError(`line ${line}: ${source} is outside the build context`);
      }
      contextCopies.push({
        source: posix.normalize(source).replace(/\/$/, ""),
        destination,
        intoDirectory: destinationArg.endsWith("/") || sources.length > 1,
        stage: stage.name,
        line,
      });
    }
  };

  const final = build(target);
  return { target, contextCopies, runs, stages: visited, ...final };
}

interface StageState {
  baseImage: string;
  workdir: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  user: string | undefined;
  expose: number[];
  cmd: string[] | undefined;
}

/** Names of the stages no other stage builds on or copies from: the images this file produces. */
export function finalTargets(text: string): string[] {
  const stages = parseStages(text);
  const used = new Set<string>();
  for (const stage of stages) {
    used.add(stage.from);
    for (const i of stage.instructions) {
      if (i.getKeyword() === "COPY") {
        const from = (i as Copy).getFromFlag()?.getValue();
        if (from) used.add(from);
      }
    }
  }
  return stages.map((s) => s.name).filter((n) => !used.has(n));
}
