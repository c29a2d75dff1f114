import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { findOnPath } from "./command.ts";

const EMULATOR_IN_SDK = path.join("platform", "pubsub-emulator", "bin", "cloud-pubsub-emulator");

/** Where Google Cloud CLI installs usually live (Debian/RPM packages, tarball, snap). */
const USUAL_SDK_ROOTS = [
  "/usr/lib/google-cloud-sdk",
  "/usr/share/google-cloud-sdk",
  "/opt/google-cloud-sdk",
  path.join(homedir(), "google-cloud-sdk"),
  "/snap/google-cloud-cli/current",
  "/snap/google-cloud-sdk/current",
];

export class PubsubEmulatorNotFoundError extends Error {
  override readonly name = "PubsubEmulatorNotFoundError";
}

/**
 * Finds the Cloud CLI's `cloud-pubsub-emulator` launcher: on PATH, then the usual SDK roots,
 * then wherever `gcloud info` says the SDK is (last: gcloud takes a second or two to answer).
 */
export function locatePubsubEmulator(roots: readonly string[] = USUAL_SDK_ROOTS): string {
  const onPath = findOnPath("cloud-pubsub-emulator");
  if (onPath) return onPath;
  for (const root of roots) {
    const candidate = path.join(root, EMULATOR_IN_SDK);
    if (isExecutable(candidate)) return candidate;
  }
  const sdkRoot = gcloudSdkRoot();
  if (sdkRoot && isExecutable(path.join(sdkRoot, EMULATOR_IN_SDK))) return path.join(sdkRoot, EMULATOR_IN_SDK);
  throw new PubsubEmulatorNotFoundError(
    "The Pub/Sub emulator (cloud-pubsub-emulator) was not found. Install the Google Cloud CLI component " +
      "(`gcloud components install pubsub-emulator`, or the google-cloud-cli-pubsub-emulator package), " +
      "or point PUBSUB_EMULATOR_HOST at a running emulator.",
  );
}

function gcloudSdkRoot(): string | undefined {
  const gcloud = findOnPath("gcloud");
  if (!gcloud) return undefined;
  try {
    const out = execFileSync(gcloud, ["info", "--format=value(installation.sdk_root)"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      timeout: 30_000,
    });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
