import type { Subscription } from "@google-cloud/pubsub";
import { describe, expect, it } from "vitest";
import { propagatePauseToStreams } from "./stream-backpressure.ts";

function grpcStream() {
  const calls: string[] = [];
  return { calls, pause: () => calls.push("pause"), resume: () => calls.push("resume") };
}

/** The shape of @google-cloud/pubsub 5.x internals this relies on. */
function fakeSubscription() {
  const a = grpcStream();
  const b = grpcStream();
  const merged = {
    paused: false,
    _streams: [{ stream: a }, { stream: b }, {}] as Array<{ stream?: ReturnType<typeof grpcStream> }>,
    pause() {
      this.paused = true;
    },
    resume() {
      this.paused = false;
    },
    _replaceStream(index: number, stream: ReturnType<typeof grpcStream>) {
      this._streams[index] = { stream };
    },
  };
  return { subscription: { _subscriber: { _stream: merged } } as unknown as Subscription, merged, a, b };
}

describe("propagatePauseToStreams", () => {
  it("pauses and resumes every gRPC stream with the merged stream", () => {
    const { subscription, merged, a, b } = fakeSubscription();
    expect(propagatePauseToStreams(subscription)).toBeDefined();
    merged.pause();
    merged.resume();
    expect(a.calls).toEqual(["pause", "resume"]);
    expect(b.calls).toEqual(["pause", "resume"]);
    expect(merged.paused).toBe(false);
  });

  it("pauses a stream opened while paused (a reconnect)", () => {
    const { subscription, merged } = fakeSubscription();
    propagatePauseToStreams(subscription);
    merged.pause();
    const fresh = grpcStream();
    merged._replaceStream(2, fresh);
    expect(fresh.calls).toEqual(["pause"]);
    merged.resume();
    expect(fresh.calls).toEqual(["pause", "resume"]);
  });

  it("holds the pull until released, whatever the library's flow control resumes meanwhile", () => {
    const { subscription, merged, a } = fakeSubscription();
    const gate = propagatePauseToStreams(subscription)!;
    gate.hold();
    expect(merged.paused).toBe(true);
    merged.pause();
    merged.resume();
    expect(merged.paused).toBe(true);
    expect(a.calls).toEqual(["pause"]);
    gate.release();
    expect(merged.paused).toBe(false);
    expect(a.calls).toEqual(["pause", "resume"]);
  });

  it("keeps the library's own pause when a hold is released", () => {
    const { subscription, merged } = fakeSubscription();
    const gate = propagatePauseToStreams(subscription)!;
    merged.pause();
    gate.hold();
    gate.release();
    expect(merged.paused).toBe(true);
    merged.resume();
    expect(merged.paused).toBe(false);
  });

  it("reports when the library's internals are not there", () => {
    expect(propagatePauseToStreams({} as Subscription)).toBeUndefined();
    expect(propagatePauseToStreams({ _subscriber: { _stream: { pause() {}, resume() {} } } } as unknown as Subscription)).toBeUndefined();
  });
});
