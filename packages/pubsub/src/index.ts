export { createPubSub, isAlreadyExists, isNotFound } from "./client.ts";
export type { PubSubOptions } from "./client.ts";
export { SUBSCRIPTION_POLICY, deleteTopology, ensureTopology, topologyNamesFromEnv, topologySpec } from "./topology.ts";
export type { SubscriptionSpec, TopologyNames, TopologySpec } from "./topology.ts";
