/**
 * Client-side backpressure for the streaming pull, which @google-cloud/pubsub 5.x lacks.
 *
 * The library's flow control pauses its merged `MessageStream` when its inventory is full, but
 * that stream re-emits the gRPC streams' `data` events instead of piping them, so the pause never
 * reaches gRPC: nothing stops reading. Real Pub/Sub does not need it, because the service enforces
 * the limits sent in each StreamingPullRequest (the library relies on that); the emulator ignores
 * them and pushes the whole backlog as fast as it can, so a worker draining a backlog held tens of
 * thousands of messages beyond its limit (measured: 46k held at a 4k limit, ~250 MB of heap).
 *
 * This carries the pause to the gRPC streams (and to streams opened later, on reconnects); a paused
 * stream stops reading, HTTP/2 flow control stops the sender, and the limits hold everywhere.
 * It touches library internals, so it checks their shape and reports when they are not there
 * (then the limits rest on the service's enforcement alone, as the library intends).
 *
 * The same hook lets the worker hold the pull (`hold()`, while Elasticsearch is unavailable): the
 * library would resume the stream as soon as its inventory frees up, so while held its resumes are
 * only remembered, and `release()` resumes only if the library wants it resumed. Messages already
 * pulled stay in the library's inventory, which keeps extending their leases.
 */
import type { Subscription } from "@google-cloud/pubsub";

interface GrpcStream {
  pause(): unknown;
  resume(): unknown;
}

interface MessageStreamInternals {
  pause(): unknown;
  resume(): unknown;
  _streams?: Array<{ stream?: GrpcStream }>;
  _replaceStream?: (index: number, stream: GrpcStream, reason: unknown) => unknown;
}

export interface PullGate {
  /** Stops reading from every stream until `release()`, whatever the library's flow control says. */
  hold(): void;
  release(): void;
}

/**
 * Call right after the `message` listener is attached (that opens the subscriber). Undefined when
 * the library's internals are not there.
 */
export function propagatePauseToStreams(subscription: Subscription): PullGate | undefined {
  const stream = (subscription as unknown as { _subscriber?: { _stream?: MessageStreamInternals } })._subscriber?._stream;
  if (!stream || !Array.isArray(stream._streams) || typeof stream._replaceStream !== "function") return undefined;
  const streams = stream._streams;
  const pause = stream.pause.bind(stream);
  const resume = stream.resume.bind(stream);
  const replace = stream._replaceStream.bind(stream);
  /** Paused by the library's flow control (its inventory is full). */
  let full = false;
  let held = false;
  let paused = false;
  const apply = () => {
    const next = full || held;
    if (next === paused) return;
    paused = next;
    for (const tracker of streams) if (tracker.stream) (paused ? tracker.stream.pause() : tracker.stream.resume());
    if (paused) pause();
    else resume();
  };
  stream.pause = () => {
    full = true;
    apply();
  };
  stream.resume = () => {
    full = false;
    apply();
  };
  stream._replaceStream = (index, grpcStream, reason) => {
    const result = replace(index, grpcStream, reason);
    if (paused) grpcStream.pause();
    return result;
  };
  return {
    hold() {
      held = true;
      apply();
    },
    release() {
      held = false;
      apply();
    },
  };
}

/** Messages the client library holds (handed out or still queued in it); undefined if its internals are not there. */
export function bufferedMessages(subscription: Subscription): number | undefined {
  const size = (subscription as unknown as { _subscriber?: { _inventory?: { size?: unknown } } })._subscriber?._inventory?.size;
  return typeof size === "number" ? size : undefined;
}
