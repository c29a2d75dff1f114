/**
 * Serve a simulator over HTTP, in-process (tests bind port 0) or from `main.ts`.
 *
 * @example
 * ```ts
 * const sim = await startSimulator({ chats: 5000, apiKey: "test-key" });
 * const client = createPeriskopeClient({ baseUrl: sim.url, apiKey: "test-key", phone: sim.phones[0] });
 * sim.failNext({ route: "getChat", count: 2, action: { type: "status", status: 503 } });
 * // ...
 * expect(sim.stats().getChatMaxPerChat).toBeLessThanOrEqual(1);
 * await sim.close();
 * ```
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createSimulatorApp } from "./app.ts";
import { SimulatorController, type SimulatorOptions } from "./controller.ts";
import type { Faults, FaultsInput, OneShotFaultInput } from "./faults.ts";
import type { SimulatedChat } from "./simulated-chat.ts";
import type { SimulatorStats } from "./stats.ts";

export interface StartSimulatorOptions extends SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number | undefined;
  host?: string | undefined;
}

export interface SimulatorHandle {
  /** API base including `/v1`, e.g. `http://127.0.0.1:4010/v1`. */
  readonly url: string;
  /** Server origin without `/v1`; the control API is at `${origin}/__control`. */
  readonly origin: string;
  readonly port: number;
  readonly phones: readonly string[];
  readonly orgId: string;
  /** The controller behind the server, for anything the shortcuts below do not cover. */
  readonly controller: SimulatorController;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Resolves when no API request is in flight (see `SimulatorController.idle`). */
  idle(timeoutMs?: number): Promise<void>;
  faults(): Faults;
  setFaults(faults: FaultsInput): Faults;
  failNext(...faults: OneShotFaultInput[]): Faults;
  upsertChat(phone: string, chat: Partial<SimulatedChat> & { chat_id: string }): SimulatedChat;
  renameChat(chatId: string, name: string | null): SimulatedChat | undefined;
  removeChat(chatId: string): boolean;
  /** The chat as the API would serve it (no faults, not counted). */
  getChat(chatId: string): SimulatedChat | undefined;
  chatIds(options?: { phone?: string | undefined; limit?: number | undefined }): string[];
  /**
   * Stops listening, ends idle keep-alive connections at once and requests still in flight after
   * `graceMs` (default 1000).
   */
  close(options?: { graceMs?: number | undefined }): Promise<void>;
}

export async function startSimulator(options: StartSimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = new SimulatorController(options);
  const app = createSimulatorApp(sim);
  const host = options.host ?? "127.0.0.1";
  const { server, port } = await new Promise<{ server: Server; port: number }>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: host }, (info: AddressInfo) =>
      resolve({ server: s as Server, port: info.port }),
    ) as Server;
    s.once("error", reject);
  });
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    port,
    phones: sim.phones,
    orgId: sim.orgId,
    controller: sim,
    stats: () => sim.stats(),
    resetStats: () => sim.resetStats(),
    idle: (timeoutMs) => sim.idle(timeoutMs),
    faults: () => sim.faults(),
    setFaults: (faults) => sim.setFaults(faults),
    failNext: (...faults) => sim.failNext(...faults),
    upsertChat: (phone, chat) => sim.upsertChat(phone, chat),
    renameChat: (chatId, name) => sim.renameChat(chatId, name),
    removeChat: (chatId) => sim.removeChat(chatId),
    getChat: (chatId) => sim.store.get(chatId),
    chatIds: (opts) => sim.chatIds(opts),
    close: (opts) => closeServer(server, opts?.graceMs ?? 1000),
  };
}

function closeServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((err) => {
      clearTimeout(force);
      if (err) reject(err);
      else resolve();
    });
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}
