/**
 * @periskope-pipeline/testkit — a Periskope API simulator and realistic signed webhooks, for
 * tests and benchmarks. (The vitest global setup lives in `stack-setup.ts`, loaded by path.)
 */

// Periskope API simulator
export { startSimulator, type SimulatorHandle, type StartSimulatorOptions } from "./simulator/start.ts";
export { createSimulatorApp } from "./simulator/app.ts";
export { DEFAULT_SIMULATOR_CHATS, DEFAULT_SIMULATOR_PHONES, SimulatorController, type SimulatorOptions } from "./simulator/controller.ts";
export {
  faultsSchema,
  oneShotFaultSchema,
  type FaultAction,
  type FaultActionInput,
  type Faults,
  type FaultsInput,
  type OneShotFault,
  type OneShotFaultInput,
} from "./simulator/faults.ts";
export type { SimulatorStats } from "./simulator/stats.ts";
export type { SimulatedChat, SimulatedChatType, SimulatedMember } from "./simulator/simulated-chat.ts";
export { createChatGenerator, type ChatGenerator, type ChatGeneratorOptions } from "./simulator/chat-generator.ts";
export { readSimulatorConfig, type SimulatorProcessConfig } from "./simulator/main-config.ts";
