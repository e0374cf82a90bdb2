/**
 * plexus — a supervised actor runtime for Node.js. Everything an embedder needs is exported here.
 * @packageDocumentation
 */
export { defineActor } from "./runtime/actor-definition.js";
export type {
  ActorContext,
  ActorDefinition,
  ActorStateStore,
  AnyActorDefinition,
  MachineActorDefinition,
  OpsRequest,
  OpsResponse,
  OpsRoutes,
  OptionsSchema,
  StartActorDefinition,
  StopFunction,
} from "./runtime/actor-definition.js";
export { PlexusError, NonRetryableError, isNonRetryable } from "./runtime/errors.js";
export type { LifecycleEvent, LifecycleState, ActorTreeNode } from "./runtime/lifecycle-types.js";
export type * from "./runtime/config-types.js";
export { Metrics } from "./runtime/metrics.js";
export { createEnvelope, newEnvelopeId, isEnvelope } from "./transports/envelope.js";
export type { Envelope } from "./transports/envelope.js";
export type * from "./transports/bus-api.js";
export type * from "./transports/transport.js";
export { createRuntime, builtinKinds } from "./runtime/runtime.js";
export type { Runtime, RuntimeOptions, RuntimeState } from "./runtime/runtime.js";
export { heartbeatActor } from "./actors/heartbeat/heartbeat-actor.js";
export { MessageBus } from "./transports/bus.js";
export { MemoryTransport } from "./transports/memory-transport.js";
export { createTransport } from "./transports/create-transport.js";
export { loadContracts, compileContracts } from "./transports/contracts.js";
export { validateTopic, validatePattern, patternMatches } from "./transports/topics.js";
export { loadConfig } from "./runtime/config-loader.js";
export { ConfigError } from "./runtime/config-errors.js";
export type { ConfigIssue } from "./runtime/config-errors.js";
export { parseDuration } from "./runtime/durations.js";
export { createLogger, silentLogger } from "./runtime/logger.js";
export type { Logger } from "./runtime/logger.js";
export { createSupervisionTree } from "./runtime/supervision-tree.js";
export type { SupervisionTree, SupervisionTreeOptions } from "./runtime/supervision-tree.js";
