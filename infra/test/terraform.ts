/**
 * The Terraform configuration in infra/terraform as data, without a Terraform binary: every `.tf`
 * file parsed with @cdktf/hcl2json, plus a small evaluator for the expressions this configuration
 * uses (variables with test values, locals, `merge` of locals, resource attributes, `join`,
 * `tostring`). Anything it does not understand stays as the literal `${...}` text, so a check
 * comparing values fails loudly instead of passing on a guess.
 */
import { parse } from "@cdktf/hcl2json";
import { readdirSync, readFileSync } from "node:fs";
import { repoPath } from "./repo.ts";

type Json = unknown;
type Body = Record<string, Json>;

export interface TerraformConfig {
  readonly files: readonly string[];
  /** `type.name` → body */
  readonly resources: ReadonlyMap<string, Body>;
  readonly locals: Readonly<Record<string, Json>>;
  readonly variables: Readonly<Record<string, Body>>;
  readonly outputs: Readonly<Record<string, Body>>;
  /** Values used for variables without a default (and overrides). */
  readonly inputs: Readonly<Record<string, Json>>;
}

export const TERRAFORM_DIR = "infra/terraform";

/** Stand-ins for the values an operator supplies (terraform.tfvars). */
export const TEST_INPUTS = {
  project_id: "test-project",
  ingress_image_tag: "test-tag",
  worker_image_tag: "test-tag",
  elasticsearch_url: "https://es.example.test",
  periskope_phones: ["919876543210"],
} as const;

export const TEST_PROJECT_NUMBER = "123456789012";

export async function loadTerraform(inputs: Record<string, Json> = TEST_INPUTS, dir = TERRAFORM_DIR): Promise<TerraformConfig> {
  const files = readdirSync(repoPath(dir)).filter((f) => f.endsWith(".tf")).sort();
  const resources = new Map<string, Body>();
  const locals: Record<string, Json> = {};
  const variables: Record<string, Body> = {};
  const outputs: Record<string, Body> = {};
  for (const file of files) {
    const json = (await parse(file, readFileSync(repoPath(`${dir}/${file}`), "utf8"))) as Record<string, Json>;
    for (const [type, byName] of Object.entries((json.resource ?? {}) as Record<string, Record<string, Body[]>>)) {
      for (const [name, [body]] of Object.entries(byName)) {
        const key = `${type}.${name}`;
        if (resources.has(key)) throw new Error(`${key} is declared twice`);
        resources.set(key, body ?? {});
      }
    }
    for (const block of (json.locals ?? []) as Body[]) Object.assign(locals, block);
    for (const [name, [body]] of Object.entries((json.variable ?? {}) as Record<string, Body[]>)) variables[name] = body ?? {};
    for (const [name, [body]] of Object.entries((json.output ?? {}) as Record<string, Body[]>)) outputs[name] = body ?? {};
  }
  return { files, resources, locals, variables, outputs, inputs };
}

export function resource(config: TerraformConfig, address: string): Body {
  const body = config.resources.get(address);
  if (!body) throw new Error(`no resource ${address}`);
  return body;
}

export function resourcesOfType(config: TerraformConfig, type: string): [string, Body][] {
  return [...config.resources].filter(([key]) => key.startsWith(`${type}.`)).map(([key, body]) => [key.slice(type.length + 1), body]);
}

/** The first element of a nested block (hcl2json renders every block as a list). */
export function block(body: Json, name: string): Body {
  const value = (body as Body | undefined)?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined || first === null || typeof first !== "object") throw new Error(`no block ${name}`);
  return first as Body;
}

export function blocks(body: Json, name: string): Body[] {
  const value = (body as Body | undefined)?.[name];
  return Array.isArray(value) ? (value as Body[]) : value === undefined ? [] : [value as Body];
}

/** Evaluates every `${...}` in a value (deeply) that this evaluator understands. */
export function evaluate(config: TerraformConfig, value: Json, scope: Record<string, Json> = {}): Json {
  if (typeof value === "string") {
    const whole = /^\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}$/.exec(value);
    if (whole) {
      const result = expression(config, (whole[1] ?? "").trim(), scope);
      return result === undefined ? value : result;
    }
    return value.replace(/\$\{([^{}]+)\}/g, (text, expr: string) => {
      const result = expression(config, expr.trim(), scope);
      return result === undefined || typeof result === "object" ? text : String(result);
    });
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(config, v, scope));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(config, v, scope)]));
  }
  return value;
}

export function evaluateString(config: TerraformConfig, value: Json, scope: Record<string, Json> = {}): string {
  const result = evaluate(config, value, scope);
  return typeof result === "string" ? result : JSON.stringify(result);
}

function expression(config: TerraformConfig, expr: string, scope: Record<string, Json>): Json | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^merge\((.*)\)$/.exec(expr))) {
    const parts = (m[1] ?? "").split(",").map((p) => expression(config, p.trim(), scope));
    if (parts.some((p) => p === undefined || typeof p !== "object")) return undefined;
    return Object.assign({}, ...(parts as object[]));
  }
  if ((m = /^join\("([^"]*)",\s*(.+)\)$/.exec(expr))) {
    const list = expression(config, (m[2] ?? "").trim(), scope);
    return Array.isArray(list) ? list.join(m[1]) : undefined;
  }
  if ((m = /^tostring\((.+)\)$/.exec(expr))) {
    const inner = expression(config, (m[1] ?? "").trim(), scope);
    return inner === undefined ? undefined : String(inner);
  }
  const path = splitPath(expr);
  if (!path) return undefined;
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  if (head.name in scope) return walk(scope[head.name], rest);
  if (head.name === "var" && rest[0]) {
    const name = rest[0].name;
    const value = name in config.inputs ? config.inputs[name] : config.variables[name]?.default;
    return value === undefined ? undefined : walk(value, rest.slice(1));
  }
  if (head.name === "local" && rest[0]) {
    const local = config.locals[rest[0].name];
    return local === undefined ? undefined : walk(evaluate(config, local, scope), rest.slice(1));
  }
  if (head.name === "data" && expr === "data.google_project.this.number") return TEST_PROJECT_NUMBER;
  const [name, attribute] = rest;
  if (name && attribute) {
    const key = name.index === undefined ? undefined : expression(config, name.index, scope);
    return attributeOf(config, `${head.name}.${name.name}`, attribute.name, key);
  }
  return undefined;
}

interface Segment {
  name: string;
  index?: string;
}

/** `a.b[expr].c` → segments; `undefined` for anything else (calls, operators, literals). */
function splitPath(expr: string): Segment[] | undefined {
  const segments: Segment[] = [];
  const re = /([A-Za-z_][\w-]*)(?:\[([^\]]+)\])?(?:\.|$)/y;
  let m: RegExpExecArray | null;
  while (re.lastIndex < expr.length && (m = re.exec(expr))) {
    segments.push(m[2] === undefined ? { name: m[1] ?? "" } : { name: m[1] ?? "", index: m[2] });
  }
  return re.lastIndex === expr.length && segments.length > 0 ? segments : undefined;
}

function walk(value: Json, rest: Segment[]): Json | undefined {
  let current = value;
  for (const segment of rest) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Body)[segment.name];
  }
  return current;
}

/** Attributes known after apply, computed the way the provider names them. */
function attributeOf(config: TerraformConfig, address: string, attribute: string, key: Json | undefined): Json | undefined {
  const body = config.resources.get(address);
  if (!body) return undefined;
  const scope = key === undefined ? {} : { each: { key, value: key } };
  const own = (name: string) => evaluate(config, body[name], scope);
  const project = evaluate(config, "${var.project_id}");
  const type = address.split(".")[0];
  if (attribute in body) return own(attribute);
  switch (`${type}.${attribute}`) {
    case "google_pubsub_topic.id":
      return `projects/${project}/topics/${own("name")}`;
    case "google_pubsub_subscription.id":
      return `projects/${project}/subscriptions/${own("name")}`;
    case "google_service_account.email":
      return `${own("account_id")}@${project}.iam.gserviceaccount.com`;
    case "google_service_account.name":
      return `projects/${project}/serviceAccounts/${own("account_id")}@${project}.iam.gserviceaccount.com`;
    case "google_secret_manager_secret.id":
      return `projects/${project}/secrets/${own("secret_id")}`;
    case "google_cloud_run_v2_service.uri":
      return `https://${own("name")}-test.a.run.app`;
    default:
      return `<${address}.${attribute}>`;
  }
}

/**
 * The environment a container gets: literal `env` blocks and `dynamic "env"` blocks over locals,
 * each variable with its value or the Secret Manager secret it comes from.
 */
export interface ContainerEnv {
  readonly name: string;
  readonly value?: string;
  readonly secret?: string;
}

export function containerEnv(config: TerraformConfig, container: Body): ContainerEnv[] {
  const env: ContainerEnv[] = [];
  const add = (entry: Body, scope: Record<string, Json>) => {
    const name = evaluateString(config, entry.name, scope);
    const source = blocks(entry, "value_source")[0];
    if (source) {
      const ref = block(source, "secret_key_ref");
      env.push({ name, secret: evaluateString(config, ref.secret, scope) });
    } else {
      env.push({ name, value: evaluateString(config, entry.value ?? "", scope) });
    }
  };
  for (const entry of blocks(container, "env")) add(entry, {});
  for (const dynamic of blocks(container, "dynamic")) {
    for (const spec of blocks(dynamic, "env")) {
      const items = evaluate(config, spec.for_each);
      if (items === null || typeof items !== "object" || Array.isArray(items)) {
        throw new Error(`dynamic env for_each must be a map this check can read: ${JSON.stringify(spec.for_each)}`);
      }
      for (const [key, value] of Object.entries(items)) add(block(spec, "content"), { env: { key, value } });
    }
  }
  return env;
}

/** One IAM grant from a `google_*_iam_member` resource. */
export interface Grant {
  readonly address: string;
  readonly role: string;
  readonly member: string;
  /** What the role is granted on: a topic, subscription, secret, service, project, ... */
  readonly target: string;
}

export function grants(config: TerraformConfig): Grant[] {
  const result: Grant[] = [];
  for (const [address, body] of config.resources) {
    if (!/_iam_member$/.test(address.split(".")[0] ?? "")) continue;
    const type = address.split(".")[0] ?? "";
    const targetField = ["topic", "subscription", "secret_id", "service_account_id", "project", "name"].find((f) => f in body) ?? "";
    const instances = forEachKeys(config, body);
    for (const key of instances) {
      const scope = key === undefined ? {} : { each: { key, value: key } };
      result.push({
        address,
        role: evaluateString(config, body.role, scope),
        member: evaluateString(config, body.member, scope),
        target: `${type.replace(/^google_|_iam_member$/g, "")}:${evaluateString(config, body[targetField], scope)}`,
      });
    }
  }
  return result;
}

/** Instance keys of a `for_each` resource (`undefined` for a single instance). */
export function forEachKeys(config: TerraformConfig, body: Body): (string | undefined)[] {
  if (!("for_each" in body)) return [undefined];
  const expr = String(body.for_each);
  const m = /^\$\{toset\(values\((local\.[\w.]+)\)\)\}$/.exec(expr) ?? /^\$\{toset\((local\.[\w.]+)\)\}$/.exec(expr);
  const value = m ? evaluate(config, `\${${m[1]}}`) : evaluate(config, body.for_each);
  if (Array.isArray(value)) return value.map(String);
  if (value !== null && typeof value === "object") return (m && expr.includes("values(") ? Object.values(value) : Object.keys(value)).map(String);
  throw new Error(`cannot read for_each ${expr}`);
}

/**
 * A local defined as `templatefile("${path.module}/<file>", { key = expr, ... })`, rendered the way
 * Terraform would for the plain `${key}` placeholders this repository's templates use.
 */
export function renderTemplateLocal(config: TerraformConfig, localName: string, dir = TERRAFORM_DIR): string {
  const text = String(config.locals[localName] ?? "");
  const m = /^\$\{templatefile\("\$\{path\.module\}\/([^"]+)",\s*\{([\s\S]*)\}\)\}$/.exec(text);
  if (!m) throw new Error(`local.${localName} is not a templatefile() call this check can read`);
  const args: Record<string, string> = {};
  for (const line of (m[2] ?? "").split("\n")) {
    const arg = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(line);
    if (!arg) continue;
    const rhs = arg[2] ?? "";
    const quoted = /^"(.*)"$/.exec(rhs);
    args[arg[1] ?? ""] = evaluateString(config, quoted ? quoted[1] : `\${${rhs}}`);
  }
  const template = readFileSync(repoPath(`${dir}/${m[1]}`), "utf8");
  return template.replace(/\$\{(\w+)\}/g, (text, key: string) => {
    if (!(key in args)) throw new Error(`template ${m[1]} uses \${${key}}, which the templatefile() call does not pass`);
    return args[key] ?? text;
  });
}
