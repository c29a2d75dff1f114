/**
 * `.dockerignore` rules as Docker applies them to the build context: patterns are matched against
 * context-relative paths, a pattern that matches a directory excludes everything below it, `**`
 * spans directories, `!` re-includes, and the last matching rule wins.
 *
 * @example
 * const ignored = dockerIgnoreMatcher(".git\n**\/*.test.ts\n");
 * ignored("apps/ingress/src/app.test.ts"); // true
 */
import { matchesGlob, posix } from "node:path";

interface Rule {
  readonly pattern: string;
  readonly include: boolean;
}

export function parseDockerIgnore(text: string): Rule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const include = line.startsWith("!");
      const raw = include ? line.slice(1).trim() : line;
      // Docker cleans patterns like paths: leading "/" and "./" mean the context root.
      const pattern = posix.normalize(raw.replace(/^\/+/, "")).replace(/\/$/, "");
      return { pattern, include };
    });
}

export function dockerIgnoreMatcher(text: string): (relativePath: string) => boolean {
  const rules = parseDockerIgnore(text);
  return (relativePath) => {
    const path = posix.normalize(relativePath);
    let ignored = false;
    for (const rule of rules) {
      if (matchesPathOrParent(path, rule.pattern)) ignored = !rule.include;
    }
    return ignored;
  };
}

function matchesPathOrParent(path: string, pattern: string): boolean {
  const parts = path.split("/");
  for (let i = parts.length; i > 0; i--) {
    if (matchesGlob(parts.slice(0, i).join("/"), pattern)) return true;
  }
  return false;
}
