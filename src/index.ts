/**
 * plexus — a supervised actor runtime for Node.js: xstate actors under OTP-style supervisors, one
 * Bus over memory, ZeroMQ or Redis Streams, an ops HTTP server.
 *
 * This is the whole public API; `plexus/testing` adds helpers for testing actor kinds. Importing
 * it loads no network client: ZeroMQ and Redis load when a config asks for them, fastify when the
 * ops server is enabled. The names exported here are checked by test/public-api.test.ts against a
 * committed list, so the surface changes only on purpose.
 * @packageDocumentation
 */

// ─── Runtime & actors ────────────────────────────────────────────────────────────────────────────
export { createRuntime } from "./create-runtime.js";
export type { CustomTransportContext, Runtime, RuntimeOptions, RuntimeState } from "./runtime/runtime.js";
export type { LifecycleEvent, LifecycleState, ActorTreeNode } from "./runtime/lifecycle-types.js";
export { defineActor } from "./runtime/define-actor.js";
export type {
  ActorDefinition,
  ActorOptions,
  AnyActorDefinition,
  BusEventMapper,
  BusEventMappers,
  MachineActorDefinition,
  MachineKindInput,
  MachinePersistence,
  OptionsFromSchema,
  OptionsSchema,
  StartActorDefinition,
  StopFunction,
} from "./runtime/define-actor.js";
export type {
  ActorContext,
  ActorStateStore,
  ActorStatus,
  ActorStorage,
  OpsRequest,
  OpsResponse,
  OpsRoutes,
} from "./runtime/actor-context.js";
export { forwardBusEvents } from "./runtime/hosting/forward-bus-events.js";
export type { BusEventForwarding, ForwardBusEventsOptions, ForwardOutcome } from "./runtime/hosting/forward-bus-events.js";
export { heartbeatActor } from "./actors/heartbeat/actor.js";
export type { HeartbeatOptions } from "./actors/heartbeat/actor.js";
export { proxyActor } from "./actors/proxy/actor.js";
export type { ProxyOptions } from "./actors/proxy/actor.js";
export { registryActor } from "./actors/registry/actor.js";
export type { RegistryOptions } from "./actors/registry/actor.js";
export type { RegistryEvent, ServiceView } from "./actors/registry/registry.js";
export type { Instance } from "./actors/registry/lease.js";
export { startRegistration } from "./actors/registry/sidecar/registration-agent.js";
export type {
  Registration,
  RegistrationOptions,
  RegistrationState,
  RegistrationStatus,
} from "./actors/registry/sidecar/registration-agent.js";

// ─── Bus & messages ──────────────────────────────────────────────────────────────────────────────
export { MessageBus } from "./transports/bus/message-bus.js";
export type { MessageBusOptions } from "./transports/bus/message-bus.js";
export { DEAD_LETTER_PREFIX } from "./transports/bus/bus.js";
export type {
  Bus,
  BusStats,
  Handler,
  MailboxOptions,
  PublishOptions,
  RequestOptions,
  SubscribeOptions,
  Subscription,
} from "./transports/bus/bus.js";
export { openBus } from "./transports/open-bus.js";
export type { OpenBusConfig, OpenBusContext } from "./transports/open-bus.js";
export { createEnvelope, isEnvelope, newEnvelopeId } from "./transports/envelope.js";
export type { Envelope } from "./transports/envelope.js";
export { patternMatches, validatePattern, validateTopic } from "./transports/topics.js";
export { loadContracts } from "./transports/bus/contracts.js";
export type { ContractSet } from "./transports/bus/contracts.js";

// ─── Transports ──────────────────────────────────────────────────────────────────────────────────
export { createTransport } from "./transports/create-transport.js";
export type { TransportFactoryContext } from "./transports/create-transport.js";
export { MemoryTransport } from "./transports/memory/transport.js";
export type {
  Delivery,
  Transport,
  TransportConnectOptions,
  TransportEvents,
  TransportGuarantees,
  TransportSubscription,
  TransportSubscriptionSpec,
} from "./transports/transport.js";
export type {
  CustomTransportStats,
  MemoryTransportStats,
  RedisGroupStats,
  RedisTransportStats,
  TransportKind,
  TransportStats,
  ZmqTransportStats,
} from "./transports/transport-stats.js";

// ─── Config ──────────────────────────────────────────────────────────────────────────────────────
export { loadConfig } from "./runtime/config/load-config.js";
export type { LoadConfigOptions } from "./runtime/config/load-config.js";
export { parseDuration } from "./common/durations.js";
export type { Duration } from "./common/durations.js";
export type { PlexusConfig } from "./runtime/config/plexus-config.js";
export type { LogConfig, LogLevel, RuntimeConfig } from "./runtime/config/runtime-config.js";
export type { OpsConfig } from "./runtime/ops/ops-config.js";
export type { MemoryTransportConfig, RedisTransportConfig, TransportConfig, ZmqTransportConfig } from "./transports/transport-config.js";
export type {
  BusConfig,
  ClaimCheckConfig,
  ContractMode,
  ContractsConfig,
  MailboxConfig,
  OutboxConfig,
} from "./transports/bus/bus-config.js";
export type {
  BackoffConfig,
  ChildConfig,
  SupervisorChildConfig,
  SupervisorConfig,
  WorkerChildConfig,
} from "./runtime/supervision/child-config.js";
export type { ResolvedConfig } from "./runtime/config/plexus-config.js";
export type { ResolvedTransportConfig } from "./transports/transport-config.js";
export type { ResolvedBusConfig, ResolvedClaimCheckConfig, ResolvedContractsConfig } from "./transports/bus/bus-config.js";

// ─── Claim-check and telemetry ───────────────────────────────────────────────────────────────────
export type { BlobContentType, BlobReference, BlobStore } from "./transports/bus/claim-check/blob-store.js";
export { CLAIM_CHECK_HEADER } from "./transports/bus/claim-check/blob-store.js";
export type { ClaimCheckStats } from "./transports/bus/claim-check/claim-check.js";
export { Telemetry } from "./actors/telemetry/telemetry.js";
export type { TelemetryOptions, TelemetryStats } from "./actors/telemetry/telemetry.js";
export { subscribeTelemetry } from "./actors/telemetry/subscribe-telemetry.js";
export type { SampleHandler } from "./actors/telemetry/subscribe-telemetry.js";
export { layerTelemetryTopic, seedTelemetryTopic, TELEMETRY_TOPIC_ROOT } from "./actors/telemetry/topics.js";
export type { LayerTelemetryKind } from "./actors/telemetry/topics.js";
export { TELEMETRY_BATCH_HEADER, TELEMETRY_ENCODING_HEADER } from "./actors/telemetry/batch-codec.js";
export type { TelemetryCompression } from "./actors/telemetry/batch-codec.js";
export type { SpoolOverflow } from "./actors/telemetry/spool.js";

// ─── Errors ──────────────────────────────────────────────────────────────────────────────────────
export { PlexusError, NonRetryableError, isNonRetryable } from "./common/errors.js";
export { PLEXUS_ERROR_CODES } from "./common/error-codes.js";
export type { PlexusErrorCode } from "./common/error-codes.js";
export { ConfigError } from "./common/config-error.js";
export type { ConfigIssue } from "./common/config-error.js";
export { EndpointInUseError } from "./actors/proxy/endpoint-in-use-error.js";

// ─── Observability ───────────────────────────────────────────────────────────────────────────────
export { createLogger, silentLogger } from "./common/logger.js";
export type { LogFn, Logger } from "./common/logger.js";
export { Metrics } from "./common/metrics.js";
export { systemClock } from "./common/clock.js";
export type { Clock, TimerHandle } from "./common/clock.js";
