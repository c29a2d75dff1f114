import { describe, expect, it } from "vitest";
import { breakdownPerRequest } from "./ingress-profile.ts";

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url }, children });

/** root → idle, GC, program, an http frame calling a native write, the pubsub library, our route. */
const profile = {
  nodes: [
    frame(1, "(root)", "", [2, 3, 4, 5, 7, 8]),
    frame(2, "(idle)", ""),
    frame(3, "(garbage collector)", ""),
    frame(4, "(program)", ""),
    frame(5, "writeGeneric", "node:internal/stream_base_commons", [6]),
    frame(6, "writeUtf8String", ""),
    frame(7, "replaceProjectIdToken", "file:///app/node_modules/@google-cloud/projectify/build/src/index.js"),
    frame(8, "handler", "file:///app/apps/ingress/src/webhook/webhook-route.ts"),
  ],
  startTime: 1_000,
  // One sample per node id 2..8 at 10 µs apart, then one more http sample outside the window.
  samples: [2, 3, 4, 6, 7, 8, 8, 6],
  timeDeltas: [10, 10, 10, 10, 10, 10, 10, 10_000],
};

describe("breakdownPerRequest", () => {
  it("splits the measured CPU per request by the shares of busy samples in the window, natives counted for their caller", () => {
    const breakdown = breakdownPerRequest(profile, { fromUs: 1_000, toUs: 1_100 }, 120);
    // Six busy samples of 10 µs (idle and the sample after the window excluded): 120 µs ÷ 6 each.
    expect(breakdown).toMatchObject({ gc: 20, unattributed: 20, http: 20, pubsub_library: 20, ours: 40, total: 120 });
    expect(breakdown.hono + breakdown.crypto + breakdown.grpc_protobuf + breakdown.node_other).toBe(0);
  });
});
