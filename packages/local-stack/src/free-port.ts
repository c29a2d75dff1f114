import { createServer } from "node:net";

/**
 * A port that was free a moment ago on 127.0.0.1, for a child process that needs a fixed one.
 * Another process may take it before the child binds: callers that start a server on it should
 * check that the server answering is theirs (see `startPrivateEmulator`).
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
