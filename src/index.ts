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
