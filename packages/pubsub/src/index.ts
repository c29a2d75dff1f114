export { createPubSub, isAlreadyExists } from "./client.ts";
export type { PubSubOptions } from "./client.ts";
export { SUBSCRIPTION_POLICY, deleteTopology, ensureTopology, scopedTopologyNames, topologyNamesFromEnv, topologySpec } from "./topology.ts";
export type { SubscriptionSpec, TopologyNames, TopologySpec } from "./topology.ts";
