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
export { PlexusError, NonRetryableError, isNonRetryable } from "./common/errors.js";
export { systemClock } from "./common/clock.js";
export type { Clock, TimerHandle } from "./common/clock.js";
export type { LifecycleEvent, LifecycleState, ActorTreeNode } from "./runtime/lifecycle-types.js";
export type * from "./runtime/config/plexus-config.js";
export { Metrics } from "./common/metrics.js";
export { createEnvelope, newEnvelopeId, isEnvelope } from "./transports/envelope.js";
export type { Envelope } from "./transports/envelope.js";
export type * from "./transports/bus/bus.js";
export type * from "./transports/transport.js";
export { createRuntime } from "./create-runtime.js";
export { builtinKinds } from "./actors/builtin-kinds.js";
export type { Runtime, RuntimeOptions, RuntimeState } from "./runtime/runtime.js";
export { heartbeatActor } from "./actors/heartbeat/actor.js";
export { MessageBus } from "./transports/bus/message-bus.js";
export { MemoryTransport } from "./transports/memory/transport.js";
export { createTransport } from "./transports/create-transport.js";
export { loadContracts, compileContracts } from "./transports/bus/contracts.js";
export { validateTopic, validatePattern, patternMatches } from "./transports/topics.js";
export { loadConfig } from "./runtime/config/load-config.js";
export { ConfigError } from "./runtime/config/config-error.js";
export type { ConfigIssue } from "./runtime/config/config-error.js";
export { parseDuration } from "./common/durations.js";
export { createLogger, silentLogger } from "./common/logger.js";
export type { Logger } from "./common/logger.js";
export { createSupervisionTree } from "./runtime/supervision/tree.js";
export type { SupervisionTree, SupervisionTreeOptions } from "./runtime/supervision/tree.js";
export { proxyActor } from "./actors/proxy/actor.js";
export type { ProxyOptions } from "./actors/proxy/actor.js";
export { EndpointInUseError } from "./actors/proxy/endpoint-in-use-error.js";
// Types only: the classes load native zeromq / ioredis, which memory-only embedders never need
// (createTransport and the proxy actor import them lazily).
export type { XsubXpubForwarder } from "./actors/proxy/xsub-xpub-forwarder.js";
export type { ForwarderOptions, ForwarderStats } from "./actors/proxy/xsub-xpub-forwarder.js";
export type { ZmqTransport } from "./transports/zmq/transport.js";
export type { RedisTransport } from "./transports/redis/transport.js";
export { openDirectBus } from "./runtime/direct-bus.js";
export type { DirectBus, DirectBusOptions } from "./runtime/direct-bus.js";
export { runDoctor, formatDoctorReport } from "./doctor/run-doctor.js";
export type { DoctorCheckResult } from "./doctor/run-doctor.js";
export { StateStore } from "./runtime/state-store.js";
