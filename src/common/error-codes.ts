/**
 * Every code a {@link PlexusError} can carry, each with its one-line meaning. The README's "Errors"
 * table is checked against this object by a test, so the two cannot drift apart.
 *
 * Switch on `error.code` to handle the cases you care about; because {@link PlexusErrorCode} is a
 * closed union, a `switch` with a `never` default tells you at compile time when a code is added.
 */
export const PLEXUS_ERROR_CODES = {
  // Runtime
  ALREADY_STARTED: "start() was called on a runtime or supervisor that already started (or stopped); create a new one.",
  NOT_STARTED: "runtime.bus or runtime.config was read before runtime.start() resolved.",
  NOT_RUNNING: "startChild/stopChild was called while the runtime is not running.",
  START_CANCELLED:
    "runtime.stop() (or a signal to plexus start) came while the runtime was starting; the start was cancelled and what it had opened was closed.",
  DUPLICATE_KIND: "createRuntime({ kinds }) lists two actor kinds with the same name.",
  // Config and specs
  CONFIG_INVALID: "The config (file, object, ${VAR}, duration or transport option) cannot be used; ConfigError lists every problem.",
  INVALID_CHILD_SPEC: "A child spec given to the supervision tree has a missing or out-of-range field.",
  INVALID_OPTION: "A mailbox or outbox option (capacity, concurrency) is not a positive integer.",
  // Supervision
  UNKNOWN_KIND: "A child names an actor kind that was not registered.",
  UNKNOWN_SUPERVISOR: "No running supervisor at the path given to startChild/stopChild.",
  UNKNOWN_CHILD: "stopChild named a child the supervisor does not have.",
  CHILD_EXISTS: "startChild used an id the supervisor already has.",
  SUPERVISOR_STOPPED: "The supervisor stopped before it handled the operation.",
  SUPERVISOR_ESCALATED: "A supervisor gave up (restart intensity exceeded or a non-retryable child failure) and failed its parent.",
  SHUTDOWN_TIMEOUT: "An actor's stop did not finish within its shutdownMs and was abandoned.",
  NON_RETRYABLE: "Default code of NonRetryableError: an actor asked to escalate at once instead of being restarted.",
  // Actor state
  STATE_READ_FAILED: "ctx.state.load() could not read the actor's snapshot file.",
  STATE_WRITE_FAILED: "ctx.state.save() could not write the snapshot (check that runtime.stateDir is writable).",
  STATE_NOT_SERIALIZABLE: "ctx.state.save() was given a value that JSON cannot encode.",
  // Bus
  BUS_CLOSED: "publish, subscribe or request after the bus closed, or the bus closed before a reply arrived.",
  INVALID_TOPIC: "A topic to publish on is malformed (empty segment, wildcard, too long, …).",
  INVALID_PATTERN: "A subscription pattern is malformed (`>` not last, bad segment, …).",
  RESERVED_TOPIC: "A publish named a topic only the runtime publishes on: dead letters (`_dead.*`) and request replies (`_inbox.*`).",
  PAYLOAD_NOT_SERIALIZABLE: "A payload cannot be encoded as JSON (cycles, BigInt).",
  PAYLOAD_TOO_LARGE: "A payload is larger than bus.maxPayloadBytes.",
  PAYLOAD_TOO_DEEP: "A payload nests arrays or objects deeper than bus.maxDepth allows.",
  CLAIM_CHECK_MISSING:
    "A claim-checked message's blob is not in the blob store (expired after bus.claimCheck.ttl or removed); the message is dead-lettered.",
  CLAIM_CHECK_CORRUPT:
    "A claim-checked message's blob does not match its size or SHA-256, or its reference is malformed; the message is dead-lettered.",
  CLAIM_CHECK_STORE_FAILED: "The blob store could not store or read a claim-checked payload (disk or Redis failure).",
  TELEMETRY_BATCH_INVALID:
    "A telemetry batch's payload does not decode as its headers say (bad base64, compression or JSON); its delivery fails.",
  CLAIM_CHECK_BUSY: "bus.claimCheck.maxPending claim-checked publishes were already being stored; the publish was refused.",
  CONTRACT_INVALID: "The contracts directory holds a schema that cannot be read or compiled.",
  CONTRACT_VIOLATION: "A payload breaks its topic's contract (contracts.mode: enforce).",
  MAILBOX_FULL: "A subscription's mailbox is full and its overflow policy refuses the message.",
  SUBSCRIPTION_CLOSED: "A message reached a subscription that has closed; it was not handled.",
  MESSAGE_CRASHED:
    "A message was in its handler each time its actor failed, more than bus.mailbox.crashRetries times; it was dead-lettered (reason crashed).",
  OUTBOX_FULL: "The outbox (publishes waiting for the transport) is full and its policy is reject.",
  NO_RESPONDERS: "bus.request on the memory transport found no subscriber for the topic.",
  REQUEST_TIMEOUT: "bus.request got no reply within timeoutMs.",
  REQUEST_FAILED: "The handler of a bus.request threw; the message carries its error.",
  DIRECT_MEMORY_TRANSPORT: "A client without a runtime asked for the memory transport, which only its runtime can reach.",
  // Transports
  TRANSPORT_CLOSED: "The memory or zmq transport was used after close().",
  TRANSPORT_NOT_CONNECTED: "The zmq transport was used before connect().",
  ZMQ_ENDPOINT_INVALID: "transport.xsub or transport.xpub is not an endpoint ZeroMQ can connect to.",
  ZMQ_SUBSCRIBE_TIMEOUT: "The proxy did not confirm a zmq subscription in time (is a proxy bound at the endpoints?).",
  ENDPOINT_IN_USE: "A proxy endpoint is already bound by another process (EndpointInUseError).",
  REDIS_UNREACHABLE: "The redis transport cannot connect to transport.url.",
  REDIS_NOT_CONNECTED: "The redis transport was used before connect() or after close().",
  REDIS_DISCONNECTED: "Redis is disconnected right now; the transport reconnects in the background.",
  REDIS_CLOSED: "connect() was called on a closed redis transport; create a new one.",
  REDIS_PUBLISH_FAILED: "Writing a batch to Redis failed; the Bus keeps it in the outbox and retries.",
  REDIS_SUBSCRIBE_FAILED: "A redis subscription (consumer group) could not start.",
  REDIS_GROUP_CONFLICT: "A redis queue group is already used with another pattern in this process.",
  // Monitors
  ANALYSIS_TIMEOUT: "A monitor's per-file analysis ran past its task timeout; its worker thread was replaced and the file is retried.",
  ANALYSIS_CRASHED: "A monitor's analysis worker died under a file (process.exit, a native parser crash); a new worker took its place.",
  ANALYSIS_FAILED: "A monitor's per-file analysis threw (the message says why); the file is retried, then reported.",
  ANALYSIS_QUEUE_FULL: "The analysis pool has as many tasks waiting as its maxQueue allows; the file stays in its monitor's own queue.",
  ANALYSIS_POOL_CLOSED: "A task reached the analysis pool after its last holder released it, or its caller cancelled it.",
  // Ops server
  OPS_PORT_IN_USE: "runtime.ops.port is taken by another process.",
  OPS_PORT_FORBIDDEN: "runtime.ops.port needs privileges (below 1024).",
  OPS_HOST_INVALID: "runtime.ops.host is not an address of this machine.",
  OPS_TOKEN_REQUIRED: "The ops server would listen beyond loopback without runtime.ops.token.",
  OPS_ROUTE_INVALID: "An actor's ops route path does not start with `/`.",
  OPS_ROUTE_CONFLICT: "An actor's ops route is already mounted or belongs to the ops server.",
} as const;

/** The machine-readable code of a {@link PlexusError}; see {@link PLEXUS_ERROR_CODES} for their meanings. */
export type PlexusErrorCode = keyof typeof PLEXUS_ERROR_CODES;
