/**
 * Preloaded (`node --import`) into every app `npm start` runs, so no app outlives it, however it
 * ends: Ctrl-C, a closed terminal, `kill -9`. Node has no parent-death signal; instead the app
 * holds fd 3, the read end of a pipe whose write end only `npm start` holds. The kernel closes
 * that end when `npm start` exits for any reason, the read end sees EOF, and the app gets SIGTERM:
 * its own graceful shutdown, bounded here in case it hangs. Nothing of this is in the apps or
 * their images, where the platform supervises them.
 */
import { Socket } from "node:net";

// fd 3: the first descriptor after stdio (see `startApp`, which passes the pipe there).
const LIFELINE_FD = 3;
const SHUTDOWN_BOUND_MS = 8_000;

// Once npm start is gone, writing to the pipes it read fails with EPIPE; that must not turn the
// graceful shutdown into a crash (pino already drops such writes itself).
for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

const lifeline = new Socket({ fd: LIFELINE_FD, readable: true, writable: false });
lifeline.on("error", () => {});
lifeline.once("close", () => {
  setTimeout(() => process.kill(process.pid, "SIGKILL"), SHUTDOWN_BOUND_MS).unref();
  process.kill(process.pid, "SIGTERM");
});
// Never written to: it only has to be read for EOF, and must not keep the app alive by itself.
lifeline.resume();
lifeline.unref();
