/* eslint-disable */
// @ts-nocheck
// Generated from config/plexus.schema.json by test/runtime/config/config-schema-validator.test.ts; after
// changing the schema, regenerate with `npx vitest run test/runtime/config/config-schema-validator.test.ts -u`.
// Compiled ahead of time so that loading a config does not spend a long start-up compiling the schema.
import type { ValidateFunction } from "ajv/dist/2020.js";
import { createRequire } from "node:module";
// ajv's standalone code loads its small runtime helpers (ucs2length, …) with require().
const require = createRequire(import.meta.url);
const schema31 = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "plexus config",
  description:
    'A plexus runtime: its ops server, transport, contracts, bus bounds and supervision tree. Durations are a number of milliseconds or strings such as "250ms", "30s", "5m", "1h". Values may use ${VAR} and ${VAR:-default}.',
  type: "object",
  additionalProperties: false,
  properties: {
    $schema: { type: "string", description: "Where editors find this schema." },
    runtime: { $ref: "#/$defs/runtime", default: {} },
    transport: { $ref: "#/$defs/transport", default: { kind: "memory" } },
    contracts: { $ref: "#/$defs/contracts" },
    bus: { $ref: "#/$defs/bus", default: {} },
    supervisor: { $ref: "#/$defs/supervisor", default: {} },
    children: { $ref: "#/$defs/children", default: [] },
  },
  $defs: {
    duration: {
      description: 'Milliseconds, or a number with a unit: ms, s, m, h, d ("250ms", "1.5s", "30s", "5m").',
      type: ["number", "string"],
      minimum: 0,
      pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
    },
    positiveInteger: { type: "integer", minimum: 1 },
    childId: { description: "Unique among siblings; letters, digits, '_' and '-'.", type: "string", pattern: "^[A-Za-z0-9_-]+$" },
    runtime: {
      type: "object",
      additionalProperties: false,
      properties: {
        name: { type: "string", minLength: 1, default: "plexus" },
        ops: { $ref: "#/$defs/ops", default: {} },
        stateDir: {
          type: "string",
          minLength: 1,
          default: ".plexus",
          description: "Where actors persist state; relative to the config file's directory.",
        },
        log: {
          type: "object",
          additionalProperties: false,
          default: {},
          properties: { level: { enum: ["trace", "debug", "info", "warn", "error", "fatal", "silent"], default: "info" } },
        },
      },
    },
    ops: {
      type: "object",
      additionalProperties: false,
      properties: {
        enabled: { type: "boolean", default: true },
        host: { type: "string", minLength: 1, default: "127.0.0.1" },
        port: { type: "integer", minimum: 0, maximum: 65535, default: 8001, description: "0 binds an ephemeral port." },
        token: { type: "string", description: "Bearer token required for POST from beyond loopback; empty means none." },
        maxBodyBytes: { $ref: "#/$defs/positiveInteger", default: 1048576 },
      },
    },
    transport: {
      type: "object",
      required: ["kind"],
      properties: { kind: { enum: ["memory", "zmq", "redis"] } },
      allOf: [
        { if: { required: ["kind"], properties: { kind: { const: "memory" } } }, then: { $ref: "#/$defs/memoryTransport" } },
        { if: { required: ["kind"], properties: { kind: { const: "zmq" } } }, then: { $ref: "#/$defs/zmqTransport" } },
        { if: { required: ["kind"], properties: { kind: { const: "redis" } } }, then: { $ref: "#/$defs/redisTransport" } },
      ],
    },
    memoryTransport: { type: "object", additionalProperties: false, properties: { kind: { const: "memory" } } },
    zmqTransport: {
      type: "object",
      additionalProperties: false,
      properties: {
        kind: { const: "zmq" },
        xsub: { type: "string", minLength: 1, default: "tcp://127.0.0.1:5556", description: "Publishers connect here." },
        xpub: { type: "string", minLength: 1, default: "tcp://127.0.0.1:5557", description: "Subscribers connect here." },
        noDrop: { type: "boolean", default: false, description: "Block instead of dropping at the high-water mark." },
        sendHighWaterMark: { $ref: "#/$defs/positiveInteger", default: 10000 },
        receiveHighWaterMark: { $ref: "#/$defs/positiveInteger", default: 10000 },
        batchFrames: {
          type: "boolean",
          default: false,
          description:
            "plexus-only: runs of envelopes on one topic travel as one zmq message (several times the throughput). Foreign pyzmq subscribers do not receive these; leave off when they consume what plexus publishes.",
        },
        connectWait: {
          $ref: "#/$defs/duration",
          default: "1s",
          description:
            "How long connecting waits for a route through the proxy before going on; publishes wait in the outbox until one is confirmed.",
        },
      },
    },
    redisTransport: {
      type: "object",
      additionalProperties: false,
      properties: {
        kind: { const: "redis" },
        url: { type: "string", minLength: 1, default: "redis://127.0.0.1:6379" },
        prefix: { type: "string", minLength: 1, default: "orion" },
        layout: { enum: ["events", "per-topic"], default: "events" },
        maxLen: { $ref: "#/$defs/positiveInteger", default: 10000 },
        claimIdleMs: { $ref: "#/$defs/duration", default: "30s" },
        maxDeliveries: { $ref: "#/$defs/positiveInteger", default: 5 },
        blockMs: { $ref: "#/$defs/duration", default: "1s" },
        batch: { $ref: "#/$defs/positiveInteger", default: 100 },
        dedupeWindow: {
          type: "integer",
          minimum: 0,
          default: 10000,
          description: "Envelope ids remembered per consumer; 0 turns dedupe off.",
        },
        pack: {
          $ref: "#/$defs/positiveInteger",
          default: 1,
          description:
            "plexus-only: most envelopes per stream entry (runs on one topic, fields topic + envelopes JSON array; several times the throughput). Foreign readers (ORION, redis-cli scripts) see packed entries instead of one envelope each; keep 1 when they consume what plexus publishes. plexus consumers read both forms.",
        },
      },
    },
    contracts: {
      type: "object",
      additionalProperties: false,
      properties: {
        dir: { type: "string", minLength: 1, default: "contracts", description: "Relative to the config file's directory." },
        mode: { enum: ["enforce", "warn", "off"], default: "enforce" },
      },
    },
    bus: {
      type: "object",
      additionalProperties: false,
      properties: {
        mailbox: {
          type: "object",
          additionalProperties: false,
          default: {},
          properties: {
            capacity: { $ref: "#/$defs/positiveInteger", default: 10000 },
            overflow: { enum: ["block", "drop-oldest", "drop-newest", "reject"], default: "drop-oldest" },
          },
        },
        outbox: {
          type: "object",
          additionalProperties: false,
          default: {},
          properties: {
            capacity: { $ref: "#/$defs/positiveInteger", default: 100000 },
            overflow: { enum: ["drop-oldest", "drop-newest", "reject"], default: "drop-oldest" },
          },
        },
        maxPayloadBytes: { $ref: "#/$defs/positiveInteger", default: 4194304 },
      },
    },
    supervisor: {
      type: "object",
      additionalProperties: false,
      properties: {
        strategy: { enum: ["one_for_one", "one_for_all", "rest_for_one"], default: "one_for_one" },
        intensity: { type: "integer", minimum: 0, default: 5, description: "Restarts allowed within period before escalating." },
        period: { $ref: "#/$defs/duration", default: "30s" },
        backoff: {
          type: "object",
          additionalProperties: false,
          default: {},
          properties: {
            min: { $ref: "#/$defs/duration", default: "100ms" },
            max: { $ref: "#/$defs/duration", default: "30s" },
            jitter: { type: "number", minimum: 0, maximum: 1, default: 0.2 },
          },
        },
        stable: { $ref: "#/$defs/duration", description: "Running this long resets a child's backoff. Default: period." },
      },
    },
    children: { type: "array", items: { $ref: "#/$defs/child" } },
    child: {
      type: "object",
      if: { required: ["supervisor"] },
      then: { $ref: "#/$defs/supervisorChild" },
      else: { $ref: "#/$defs/workerChild" },
    },
    restart: {
      enum: ["permanent", "transient", "temporary"],
      description: "permanent: always restarted; transient: only after a failure; temporary: never.",
    },
    workerChild: {
      type: "object",
      additionalProperties: false,
      required: ["id", "kind"],
      properties: {
        id: { $ref: "#/$defs/childId" },
        kind: { type: "string", minLength: 1, description: "A registered actor kind." },
        restart: { $ref: "#/$defs/restart", default: "permanent" },
        shutdown: { $ref: "#/$defs/duration", default: "5s", description: "Time given to stop before being forced." },
        options: { type: "object", default: {}, description: "Validated against the kind's own options schema." },
      },
    },
    supervisorChild: {
      type: "object",
      additionalProperties: false,
      required: ["id", "supervisor", "children"],
      properties: {
        id: { $ref: "#/$defs/childId" },
        supervisor: { $ref: "#/$defs/supervisor" },
        children: { $ref: "#/$defs/children" },
        restart: { $ref: "#/$defs/restart", default: "permanent" },
        shutdown: {
          $ref: "#/$defs/duration",
          description: "Default: the sum of its children's shutdowns (they stop one by one), at least 5s.",
        },
      },
    },
  },
};
const schema48 = {
  type: "object",
  additionalProperties: false,
  properties: {
    dir: { type: "string", minLength: 1, default: "contracts", description: "Relative to the config file's directory." },
    mode: { enum: ["enforce", "warn", "off"], default: "enforce" },
  },
};
const schema32 = {
  type: "object",
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1, default: "plexus" },
    ops: { $ref: "#/$defs/ops", default: {} },
    stateDir: {
      type: "string",
      minLength: 1,
      default: ".plexus",
      description: "Where actors persist state; relative to the config file's directory.",
    },
    log: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: { level: { enum: ["trace", "debug", "info", "warn", "error", "fatal", "silent"], default: "info" } },
    },
  },
};
const func1 = require("ajv/dist/runtime/ucs2length").default;
const schema33 = {
  type: "object",
  additionalProperties: false,
  properties: {
    enabled: { type: "boolean", default: true },
    host: { type: "string", minLength: 1, default: "127.0.0.1" },
    port: { type: "integer", minimum: 0, maximum: 65535, default: 8001, description: "0 binds an ephemeral port." },
    token: { type: "string", description: "Bearer token required for POST from beyond loopback; empty means none." },
    maxBodyBytes: { $ref: "#/$defs/positiveInteger", default: 1048576 },
  },
};
const schema34 = { type: "integer", minimum: 1 };
function validate22(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate22.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.enabled === undefined) {
      data.enabled = true;
    }
    if (data.host === undefined) {
      data.host = "127.0.0.1";
    }
    if (data.port === undefined) {
      data.port = 8001;
    }
    if (data.maxBodyBytes === undefined) {
      data.maxBodyBytes = 1048576;
    }
    for (const key0 in data) {
      if (!(key0 === "enabled" || key0 === "host" || key0 === "port" || key0 === "token" || key0 === "maxBodyBytes")) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema33,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    let data0 = data.enabled;
    if (typeof data0 !== "boolean") {
      const err1 = {
        instancePath: instancePath + "/enabled",
        schemaPath: "#/properties/enabled/type",
        keyword: "type",
        params: { type: "boolean" },
        message: "must be boolean",
        schema: schema33.properties.enabled.type,
        parentSchema: schema33.properties.enabled,
        data: data0,
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    let data1 = data.host;
    if (typeof data1 === "string") {
      if (func1(data1) < 1) {
        const err2 = {
          instancePath: instancePath + "/host",
          schemaPath: "#/properties/host/minLength",
          keyword: "minLength",
          params: { limit: 1 },
          message: "must NOT have fewer than 1 characters",
          schema: 1,
          parentSchema: schema33.properties.host,
          data: data1,
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    } else {
      const err3 = {
        instancePath: instancePath + "/host",
        schemaPath: "#/properties/host/type",
        keyword: "type",
        params: { type: "string" },
        message: "must be string",
        schema: schema33.properties.host.type,
        parentSchema: schema33.properties.host,
        data: data1,
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    let data2 = data.port;
    if (!(typeof data2 == "number" && !(data2 % 1) && !isNaN(data2) && isFinite(data2))) {
      const err4 = {
        instancePath: instancePath + "/port",
        schemaPath: "#/properties/port/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema33.properties.port.type,
        parentSchema: schema33.properties.port,
        data: data2,
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (typeof data2 == "number" && isFinite(data2)) {
      if (data2 > 65535 || isNaN(data2)) {
        const err5 = {
          instancePath: instancePath + "/port",
          schemaPath: "#/properties/port/maximum",
          keyword: "maximum",
          params: { comparison: "<=", limit: 65535 },
          message: "must be <= 65535",
          schema: 65535,
          parentSchema: schema33.properties.port,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
      if (data2 < 0 || isNaN(data2)) {
        const err6 = {
          instancePath: instancePath + "/port",
          schemaPath: "#/properties/port/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema33.properties.port,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (data.token !== undefined) {
      let data3 = data.token;
      if (typeof data3 !== "string") {
        const err7 = {
          instancePath: instancePath + "/token",
          schemaPath: "#/properties/token/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
          schema: schema33.properties.token.type,
          parentSchema: schema33.properties.token,
          data: data3,
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
    }
    let data4 = data.maxBodyBytes;
    if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
      const err8 = {
        instancePath: instancePath + "/maxBodyBytes",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data4,
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (typeof data4 == "number" && isFinite(data4)) {
      if (data4 < 1 || isNaN(data4)) {
        const err9 = {
          instancePath: instancePath + "/maxBodyBytes",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
  } else {
    const err10 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema33.type,
      parentSchema: schema33,
      data,
    };
    if (vErrors === null) {
      vErrors = [err10];
    } else {
      vErrors.push(err10);
    }
    errors++;
  }
  validate22.errors = vErrors;
  return errors === 0;
}
validate22.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
function validate21(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate21.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.name === undefined) {
      data.name = "plexus";
    }
    if (data.ops === undefined) {
      data.ops = {};
    }
    if (data.stateDir === undefined) {
      data.stateDir = ".plexus";
    }
    if (data.log === undefined) {
      data.log = {};
    }
    for (const key0 in data) {
      if (!(key0 === "name" || key0 === "ops" || key0 === "stateDir" || key0 === "log")) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema32,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    let data0 = data.name;
    if (typeof data0 === "string") {
      if (func1(data0) < 1) {
        const err1 = {
          instancePath: instancePath + "/name",
          schemaPath: "#/properties/name/minLength",
          keyword: "minLength",
          params: { limit: 1 },
          message: "must NOT have fewer than 1 characters",
          schema: 1,
          parentSchema: schema32.properties.name,
          data: data0,
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    } else {
      const err2 = {
        instancePath: instancePath + "/name",
        schemaPath: "#/properties/name/type",
        keyword: "type",
        params: { type: "string" },
        message: "must be string",
        schema: schema32.properties.name.type,
        parentSchema: schema32.properties.name,
        data: data0,
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (
      !validate22(data.ops, { instancePath: instancePath + "/ops", parentData: data, parentDataProperty: "ops", rootData, dynamicAnchors })
    ) {
      vErrors = vErrors === null ? validate22.errors : vErrors.concat(validate22.errors);
      errors = vErrors.length;
    }
    let data2 = data.stateDir;
    if (typeof data2 === "string") {
      if (func1(data2) < 1) {
        const err3 = {
          instancePath: instancePath + "/stateDir",
          schemaPath: "#/properties/stateDir/minLength",
          keyword: "minLength",
          params: { limit: 1 },
          message: "must NOT have fewer than 1 characters",
          schema: 1,
          parentSchema: schema32.properties.stateDir,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    } else {
      const err4 = {
        instancePath: instancePath + "/stateDir",
        schemaPath: "#/properties/stateDir/type",
        keyword: "type",
        params: { type: "string" },
        message: "must be string",
        schema: schema32.properties.stateDir.type,
        parentSchema: schema32.properties.stateDir,
        data: data2,
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    let data3 = data.log;
    if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
      if (data3.level === undefined) {
        data3.level = "info";
      }
      for (const key1 in data3) {
        if (!(key1 === "level")) {
          const err5 = {
            instancePath: instancePath + "/log",
            schemaPath: "#/properties/log/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key1 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema32.properties.log,
            data: data3,
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      }
      let data4 = data3.level;
      if (!(
        data4 === "trace" ||
        data4 === "debug" ||
        data4 === "info" ||
        data4 === "warn" ||
        data4 === "error" ||
        data4 === "fatal" ||
        data4 === "silent"
      )) {
        const err6 = {
          instancePath: instancePath + "/log/level",
          schemaPath: "#/properties/log/properties/level/enum",
          keyword: "enum",
          params: { allowedValues: schema32.properties.log.properties.level.enum },
          message: "must be equal to one of the allowed values",
          schema: schema32.properties.log.properties.level.enum,
          parentSchema: schema32.properties.log.properties.level,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    } else {
      const err7 = {
        instancePath: instancePath + "/log",
        schemaPath: "#/properties/log/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema32.properties.log.type,
        parentSchema: schema32.properties.log,
        data: data3,
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
  } else {
    const err8 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema32.type,
      parentSchema: schema32,
      data,
    };
    if (vErrors === null) {
      vErrors = [err8];
    } else {
      vErrors.push(err8);
    }
    errors++;
  }
  validate21.errors = vErrors;
  return errors === 0;
}
validate21.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
const schema35 = {
  type: "object",
  required: ["kind"],
  properties: { kind: { enum: ["memory", "zmq", "redis"] } },
  allOf: [
    { if: { required: ["kind"], properties: { kind: { const: "memory" } } }, then: { $ref: "#/$defs/memoryTransport" } },
    { if: { required: ["kind"], properties: { kind: { const: "zmq" } } }, then: { $ref: "#/$defs/zmqTransport" } },
    { if: { required: ["kind"], properties: { kind: { const: "redis" } } }, then: { $ref: "#/$defs/redisTransport" } },
  ],
};
const schema36 = { type: "object", additionalProperties: false, properties: { kind: { const: "memory" } } };
const schema37 = {
  type: "object",
  additionalProperties: false,
  properties: {
    kind: { const: "zmq" },
    xsub: { type: "string", minLength: 1, default: "tcp://127.0.0.1:5556", description: "Publishers connect here." },
    xpub: { type: "string", minLength: 1, default: "tcp://127.0.0.1:5557", description: "Subscribers connect here." },
    noDrop: { type: "boolean", default: false, description: "Block instead of dropping at the high-water mark." },
    sendHighWaterMark: { $ref: "#/$defs/positiveInteger", default: 10000 },
    receiveHighWaterMark: { $ref: "#/$defs/positiveInteger", default: 10000 },
    batchFrames: {
      type: "boolean",
      default: false,
      description:
        "plexus-only: runs of envelopes on one topic travel as one zmq message (several times the throughput). Foreign pyzmq subscribers do not receive these; leave off when they consume what plexus publishes.",
    },
    connectWait: {
      $ref: "#/$defs/duration",
      default: "1s",
      description:
        "How long connecting waits for a route through the proxy before going on; publishes wait in the outbox until one is confirmed.",
    },
  },
};
const schema40 = {
  description: 'Milliseconds, or a number with a unit: ms, s, m, h, d ("250ms", "1.5s", "30s", "5m").',
  type: ["number", "string"],
  minimum: 0,
  pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
};
const pattern4 = new RegExp("^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$", "u");
function validate26(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate26.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.xsub === undefined) {
      data.xsub = "tcp://127.0.0.1:5556";
    }
    if (data.xpub === undefined) {
      data.xpub = "tcp://127.0.0.1:5557";
    }
    if (data.noDrop === undefined) {
      data.noDrop = false;
    }
    if (data.sendHighWaterMark === undefined) {
      data.sendHighWaterMark = 10000;
    }
    if (data.receiveHighWaterMark === undefined) {
      data.receiveHighWaterMark = 10000;
    }
    if (data.batchFrames === undefined) {
      data.batchFrames = false;
    }
    if (data.connectWait === undefined) {
      data.connectWait = "1s";
    }
    for (const key0 in data) {
      if (!(
        key0 === "kind" ||
        key0 === "xsub" ||
        key0 === "xpub" ||
        key0 === "noDrop" ||
        key0 === "sendHighWaterMark" ||
        key0 === "receiveHighWaterMark" ||
        key0 === "batchFrames" ||
        key0 === "connectWait"
      )) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema37,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    if (data.kind !== undefined) {
      let data0 = data.kind;
      if ("zmq" !== data0) {
        const err1 = {
          instancePath: instancePath + "/kind",
          schemaPath: "#/properties/kind/const",
          keyword: "const",
          params: { allowedValue: "zmq" },
          message: "must be equal to constant",
          schema: "zmq",
          parentSchema: schema37.properties.kind,
          data: data0,
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    let data1 = data.xsub;
    if (typeof data1 === "string") {
      if (func1(data1) < 1) {
        const err2 = {
          instancePath: instancePath + "/xsub",
          schemaPath: "#/properties/xsub/minLength",
          keyword: "minLength",
          params: { limit: 1 },
          message: "must NOT have fewer than 1 characters",
          schema: 1,
          parentSchema: schema37.properties.xsub,
          data: data1,
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    } else {
      const err3 = {
        instancePath: instancePath + "/xsub",
        schemaPath: "#/properties/xsub/type",
        keyword: "type",
        params: { type: "string" },
        message: "must be string",
        schema: schema37.properties.xsub.type,
        parentSchema: schema37.properties.xsub,
        data: data1,
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    let data2 = data.xpub;
    if (typeof data2 === "string") {
      if (func1(data2) < 1) {
        const err4 = {
          instancePath: instancePath + "/xpub",
          schemaPath: "#/properties/xpub/minLength",
          keyword: "minLength",
          params: { limit: 1 },
          message: "must NOT have fewer than 1 characters",
          schema: 1,
          parentSchema: schema37.properties.xpub,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    } else {
      const err5 = {
        instancePath: instancePath + "/xpub",
        schemaPath: "#/properties/xpub/type",
        keyword: "type",
        params: { type: "string" },
        message: "must be string",
        schema: schema37.properties.xpub.type,
        parentSchema: schema37.properties.xpub,
        data: data2,
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    let data3 = data.noDrop;
    if (typeof data3 !== "boolean") {
      const err6 = {
        instancePath: instancePath + "/noDrop",
        schemaPath: "#/properties/noDrop/type",
        keyword: "type",
        params: { type: "boolean" },
        message: "must be boolean",
        schema: schema37.properties.noDrop.type,
        parentSchema: schema37.properties.noDrop,
        data: data3,
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    let data4 = data.sendHighWaterMark;
    if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
      const err7 = {
        instancePath: instancePath + "/sendHighWaterMark",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data4,
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (typeof data4 == "number" && isFinite(data4)) {
      if (data4 < 1 || isNaN(data4)) {
        const err8 = {
          instancePath: instancePath + "/sendHighWaterMark",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    let data5 = data.receiveHighWaterMark;
    if (!(typeof data5 == "number" && !(data5 % 1) && !isNaN(data5) && isFinite(data5))) {
      const err9 = {
        instancePath: instancePath + "/receiveHighWaterMark",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data5,
      };
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    }
    if (typeof data5 == "number" && isFinite(data5)) {
      if (data5 < 1 || isNaN(data5)) {
        const err10 = {
          instancePath: instancePath + "/receiveHighWaterMark",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data5,
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    let data6 = data.batchFrames;
    if (typeof data6 !== "boolean") {
      const err11 = {
        instancePath: instancePath + "/batchFrames",
        schemaPath: "#/properties/batchFrames/type",
        keyword: "type",
        params: { type: "boolean" },
        message: "must be boolean",
        schema: schema37.properties.batchFrames.type,
        parentSchema: schema37.properties.batchFrames,
        data: data6,
      };
      if (vErrors === null) {
        vErrors = [err11];
      } else {
        vErrors.push(err11);
      }
      errors++;
    }
    let data7 = data.connectWait;
    if (!(typeof data7 == "number" && isFinite(data7)) && typeof data7 !== "string") {
      const err12 = {
        instancePath: instancePath + "/connectWait",
        schemaPath: "#/$defs/duration/type",
        keyword: "type",
        params: { type: schema40.type },
        message: "must be number,string",
        schema: schema40.type,
        parentSchema: schema40,
        data: data7,
      };
      if (vErrors === null) {
        vErrors = [err12];
      } else {
        vErrors.push(err12);
      }
      errors++;
    }
    if (typeof data7 == "number" && isFinite(data7)) {
      if (data7 < 0 || isNaN(data7)) {
        const err13 = {
          instancePath: instancePath + "/connectWait",
          schemaPath: "#/$defs/duration/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema40,
          data: data7,
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    if (typeof data7 === "string") {
      if (!pattern4.test(data7)) {
        const err14 = {
          instancePath: instancePath + "/connectWait",
          schemaPath: "#/$defs/duration/pattern",
          keyword: "pattern",
          params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
          message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
          schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
          parentSchema: schema40,
          data: data7,
        };
        if (vErrors === null) {
          vErrors = [err14];
        } else {
          vErrors.push(err14);
        }
        errors++;
      }
    }
  } else {
    const err15 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema37.type,
      parentSchema: schema37,
      data,
    };
    if (vErrors === null) {
      vErrors = [err15];
    } else {
      vErrors.push(err15);
    }
    errors++;
  }
  validate26.errors = vErrors;
  return errors === 0;
}
validate26.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
const schema41 = {
  type: "object",
  additionalProperties: false,
  properties: {
    kind: { const: "redis" },
    url: { type: "string", minLength: 1, default: "redis://127.0.0.1:6379" },
    prefix: { type: "string", minLength: 1, default: "orion" },
    layout: { enum: ["events", "per-topic"], default: "events" },
    maxLen: { $ref: "#/$defs/positiveInteger", default: 10000 },
    claimIdleMs: { $ref: "#/$defs/duration", default: "30s" },
    maxDeliveries: { $ref: "#/$defs/positiveInteger", default: 5 },
    blockMs: { $ref: "#/$defs/duration", default: "1s" },
    batch: { $ref: "#/$defs/positiveInteger", default: 100 },
    dedupeWindow: { type: "integer", minimum: 0, default: 10000, description: "Envelope ids remembered per consumer; 0 turns dedupe off." },
    pack: {
      $ref: "#/$defs/positiveInteger",
      default: 1,
      description:
        "plexus-only: most envelopes per stream entry (runs on one topic, fields topic + envelopes JSON array; several times the throughput). Foreign readers (ORION, redis-cli scripts) see packed entries instead of one envelope each; keep 1 when they consume what plexus publishes. plexus consumers read both forms.",
    },
  },
};
const func6 = Object.prototype.hasOwnProperty;
function validate28(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate28.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.url === undefined) {
      data.url = "redis://127.0.0.1:6379";
    }
    if (data.prefix === undefined) {
      data.prefix = "orion";
    }
    if (data.layout === undefined) {
      data.layout = "events";
    }
    if (data.maxLen === undefined) {
      data.maxLen = 10000;
    }
    if (data.claimIdleMs === undefined) {
      data.claimIdleMs = "30s";
    }
    if (data.maxDeliveries === undefined) {
      data.maxDeliveries = 5;
    }
    if (data.blockMs === undefined) {
      data.blockMs = "1s";
    }
    if (data.batch === undefined) {
      data.batch = 100;
    }
    if (data.dedupeWindow === undefined) {
      data.dedupeWindow = 10000;
    }
    if (data.pack === undefined) {
      data.pack = 1;
    }
    for (const key0 in data) {
      if (!func6.call(schema41.properties, key0)) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema41,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    if (data.kind !== undefined) {
      let data0 = data.kind;
      if ("redis" !== data0) {
        const err1 = {
          instancePath: instancePath + "/kind",
          schemaPath: "#/properties/kind/const",
          keyword: "const",
          params: { allowedValue: "redis" },
          message: "must be equal to constant",
          schema: "redis",
          parentSchema: schema41.properties.kind,
          data: data0,
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    let data1 = data.url;
    if (typeof data1 === "string") {
      if (func1(data1) < 1) {
        const err2 = {
          instancePath: instancePath + "/url",
          schemaPath: "#/properties/url/minLength",
          keyword: "minLength",
          params: { limit: 1 },
          message: "must NOT have fewer than 1 characters",
          schema: 1,
          parentSchema: schema41.properties.url,
          data: data1,
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    } else {
      const err3 = {
        instancePath: instancePath + "/url",
        schemaPath: "#/properties/url/type",
        keyword: "type",
        params: { type: "string" },
        message: "must be string",
        schema: schema41.properties.url.type,
        parentSchema: schema41.properties.url,
        data: data1,
      };
      if (vErrors === null) {
        vErrors = [err3];
      } else {
        vErrors.push(err3);
      }
      errors++;
    }
    let data2 = data.prefix;
    if (typeof data2 === "string") {
      if (func1(data2) < 1) {
        const err4 = {
          instancePath: instancePath + "/prefix",
          schemaPath: "#/properties/prefix/minLength",
          keyword: "minLength",
          params: { limit: 1 },
          message: "must NOT have fewer than 1 characters",
          schema: 1,
          parentSchema: schema41.properties.prefix,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    } else {
      const err5 = {
        instancePath: instancePath + "/prefix",
        schemaPath: "#/properties/prefix/type",
        keyword: "type",
        params: { type: "string" },
        message: "must be string",
        schema: schema41.properties.prefix.type,
        parentSchema: schema41.properties.prefix,
        data: data2,
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    let data3 = data.layout;
    if (!(data3 === "events" || data3 === "per-topic")) {
      const err6 = {
        instancePath: instancePath + "/layout",
        schemaPath: "#/properties/layout/enum",
        keyword: "enum",
        params: { allowedValues: schema41.properties.layout.enum },
        message: "must be equal to one of the allowed values",
        schema: schema41.properties.layout.enum,
        parentSchema: schema41.properties.layout,
        data: data3,
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    let data4 = data.maxLen;
    if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
      const err7 = {
        instancePath: instancePath + "/maxLen",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data4,
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    if (typeof data4 == "number" && isFinite(data4)) {
      if (data4 < 1 || isNaN(data4)) {
        const err8 = {
          instancePath: instancePath + "/maxLen",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
    }
    let data5 = data.claimIdleMs;
    if (!(typeof data5 == "number" && isFinite(data5)) && typeof data5 !== "string") {
      const err9 = {
        instancePath: instancePath + "/claimIdleMs",
        schemaPath: "#/$defs/duration/type",
        keyword: "type",
        params: { type: schema40.type },
        message: "must be number,string",
        schema: schema40.type,
        parentSchema: schema40,
        data: data5,
      };
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    }
    if (typeof data5 == "number" && isFinite(data5)) {
      if (data5 < 0 || isNaN(data5)) {
        const err10 = {
          instancePath: instancePath + "/claimIdleMs",
          schemaPath: "#/$defs/duration/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema40,
          data: data5,
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    if (typeof data5 === "string") {
      if (!pattern4.test(data5)) {
        const err11 = {
          instancePath: instancePath + "/claimIdleMs",
          schemaPath: "#/$defs/duration/pattern",
          keyword: "pattern",
          params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
          message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
          schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
          parentSchema: schema40,
          data: data5,
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
    }
    let data6 = data.maxDeliveries;
    if (!(typeof data6 == "number" && !(data6 % 1) && !isNaN(data6) && isFinite(data6))) {
      const err12 = {
        instancePath: instancePath + "/maxDeliveries",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data6,
      };
      if (vErrors === null) {
        vErrors = [err12];
      } else {
        vErrors.push(err12);
      }
      errors++;
    }
    if (typeof data6 == "number" && isFinite(data6)) {
      if (data6 < 1 || isNaN(data6)) {
        const err13 = {
          instancePath: instancePath + "/maxDeliveries",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data6,
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
    let data7 = data.blockMs;
    if (!(typeof data7 == "number" && isFinite(data7)) && typeof data7 !== "string") {
      const err14 = {
        instancePath: instancePath + "/blockMs",
        schemaPath: "#/$defs/duration/type",
        keyword: "type",
        params: { type: schema40.type },
        message: "must be number,string",
        schema: schema40.type,
        parentSchema: schema40,
        data: data7,
      };
      if (vErrors === null) {
        vErrors = [err14];
      } else {
        vErrors.push(err14);
      }
      errors++;
    }
    if (typeof data7 == "number" && isFinite(data7)) {
      if (data7 < 0 || isNaN(data7)) {
        const err15 = {
          instancePath: instancePath + "/blockMs",
          schemaPath: "#/$defs/duration/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema40,
          data: data7,
        };
        if (vErrors === null) {
          vErrors = [err15];
        } else {
          vErrors.push(err15);
        }
        errors++;
      }
    }
    if (typeof data7 === "string") {
      if (!pattern4.test(data7)) {
        const err16 = {
          instancePath: instancePath + "/blockMs",
          schemaPath: "#/$defs/duration/pattern",
          keyword: "pattern",
          params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
          message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
          schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
          parentSchema: schema40,
          data: data7,
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
    }
    let data8 = data.batch;
    if (!(typeof data8 == "number" && !(data8 % 1) && !isNaN(data8) && isFinite(data8))) {
      const err17 = {
        instancePath: instancePath + "/batch",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data8,
      };
      if (vErrors === null) {
        vErrors = [err17];
      } else {
        vErrors.push(err17);
      }
      errors++;
    }
    if (typeof data8 == "number" && isFinite(data8)) {
      if (data8 < 1 || isNaN(data8)) {
        const err18 = {
          instancePath: instancePath + "/batch",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data8,
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
    }
    let data9 = data.dedupeWindow;
    if (!(typeof data9 == "number" && !(data9 % 1) && !isNaN(data9) && isFinite(data9))) {
      const err19 = {
        instancePath: instancePath + "/dedupeWindow",
        schemaPath: "#/properties/dedupeWindow/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema41.properties.dedupeWindow.type,
        parentSchema: schema41.properties.dedupeWindow,
        data: data9,
      };
      if (vErrors === null) {
        vErrors = [err19];
      } else {
        vErrors.push(err19);
      }
      errors++;
    }
    if (typeof data9 == "number" && isFinite(data9)) {
      if (data9 < 0 || isNaN(data9)) {
        const err20 = {
          instancePath: instancePath + "/dedupeWindow",
          schemaPath: "#/properties/dedupeWindow/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema41.properties.dedupeWindow,
          data: data9,
        };
        if (vErrors === null) {
          vErrors = [err20];
        } else {
          vErrors.push(err20);
        }
        errors++;
      }
    }
    let data10 = data.pack;
    if (!(typeof data10 == "number" && !(data10 % 1) && !isNaN(data10) && isFinite(data10))) {
      const err21 = {
        instancePath: instancePath + "/pack",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data10,
      };
      if (vErrors === null) {
        vErrors = [err21];
      } else {
        vErrors.push(err21);
      }
      errors++;
    }
    if (typeof data10 == "number" && isFinite(data10)) {
      if (data10 < 1 || isNaN(data10)) {
        const err22 = {
          instancePath: instancePath + "/pack",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data10,
        };
        if (vErrors === null) {
          vErrors = [err22];
        } else {
          vErrors.push(err22);
        }
        errors++;
      }
    }
  } else {
    const err23 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema41.type,
      parentSchema: schema41,
      data,
    };
    if (vErrors === null) {
      vErrors = [err23];
    } else {
      vErrors.push(err23);
    }
    errors++;
  }
  validate28.errors = vErrors;
  return errors === 0;
}
validate28.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
function validate25(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate25.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  const _errs2 = errors;
  let valid1 = true;
  const _errs3 = errors;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    let missing0;
    if (data.kind === undefined && (missing0 = "kind")) {
      const err0 = {};
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    } else {
      if (data.kind !== undefined) {
        if ("memory" !== data.kind) {
          const err1 = {};
          if (vErrors === null) {
            vErrors = [err1];
          } else {
            vErrors.push(err1);
          }
          errors++;
        }
      }
    }
  }
  var _valid0 = _errs3 === errors;
  errors = _errs2;
  if (vErrors !== null) {
    if (_errs2) {
      vErrors.length = _errs2;
    } else {
      vErrors = null;
    }
  }
  if (_valid0) {
    const _errs5 = errors;
    if (data && typeof data == "object" && !Array.isArray(data)) {
      for (const key0 in data) {
        if (!(key0 === "kind")) {
          const err2 = {
            instancePath,
            schemaPath: "#/$defs/memoryTransport/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key0 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema36,
            data,
          };
          if (vErrors === null) {
            vErrors = [err2];
          } else {
            vErrors.push(err2);
          }
          errors++;
        }
      }
      if (data.kind !== undefined) {
        let data1 = data.kind;
        if ("memory" !== data1) {
          const err3 = {
            instancePath: instancePath + "/kind",
            schemaPath: "#/$defs/memoryTransport/properties/kind/const",
            keyword: "const",
            params: { allowedValue: "memory" },
            message: "must be equal to constant",
            schema: "memory",
            parentSchema: schema36.properties.kind,
            data: data1,
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      }
    } else {
      const err4 = {
        instancePath,
        schemaPath: "#/$defs/memoryTransport/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema36.type,
        parentSchema: schema36,
        data,
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    var _valid0 = _errs5 === errors;
    valid1 = _valid0;
    if (valid1) {
      var props0 = true;
    }
  }
  if (!valid1) {
    const err5 = {
      instancePath,
      schemaPath: "#/allOf/0/if",
      keyword: "if",
      params: { failingKeyword: "then" },
      message: 'must match "then" schema',
      schema: schema35.allOf[0].if,
      parentSchema: schema35.allOf[0],
      data,
    };
    if (vErrors === null) {
      vErrors = [err5];
    } else {
      vErrors.push(err5);
    }
    errors++;
  }
  const _errs11 = errors;
  let valid5 = true;
  const _errs12 = errors;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    let missing1;
    if (data.kind === undefined && (missing1 = "kind")) {
      const err6 = {};
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    } else {
      if (data.kind !== undefined) {
        if ("zmq" !== data.kind) {
          const err7 = {};
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      }
    }
  }
  var _valid1 = _errs12 === errors;
  errors = _errs11;
  if (vErrors !== null) {
    if (_errs11) {
      vErrors.length = _errs11;
    } else {
      vErrors = null;
    }
  }
  if (_valid1) {
    const _errs14 = errors;
    if (!validate26(data, { instancePath, parentData, parentDataProperty, rootData, dynamicAnchors })) {
      vErrors = vErrors === null ? validate26.errors : vErrors.concat(validate26.errors);
      errors = vErrors.length;
    }
    var _valid1 = _errs14 === errors;
    valid5 = _valid1;
    if (valid5) {
      var props1 = true;
    }
  }
  if (!valid5) {
    const err8 = {
      instancePath,
      schemaPath: "#/allOf/1/if",
      keyword: "if",
      params: { failingKeyword: "then" },
      message: 'must match "then" schema',
      schema: schema35.allOf[1].if,
      parentSchema: schema35.allOf[1],
      data,
    };
    if (vErrors === null) {
      vErrors = [err8];
    } else {
      vErrors.push(err8);
    }
    errors++;
  }
  if (props0 !== true && props1 !== undefined) {
    if (props1 === true) {
      props0 = true;
    } else {
      props0 = props0 || {};
      Object.assign(props0, props1);
    }
  }
  const _errs16 = errors;
  let valid7 = true;
  const _errs17 = errors;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    let missing2;
    if (data.kind === undefined && (missing2 = "kind")) {
      const err9 = {};
      if (vErrors === null) {
        vErrors = [err9];
      } else {
        vErrors.push(err9);
      }
      errors++;
    } else {
      if (data.kind !== undefined) {
        if ("redis" !== data.kind) {
          const err10 = {};
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      }
    }
  }
  var _valid2 = _errs17 === errors;
  errors = _errs16;
  if (vErrors !== null) {
    if (_errs16) {
      vErrors.length = _errs16;
    } else {
      vErrors = null;
    }
  }
  if (_valid2) {
    const _errs19 = errors;
    if (!validate28(data, { instancePath, parentData, parentDataProperty, rootData, dynamicAnchors })) {
      vErrors = vErrors === null ? validate28.errors : vErrors.concat(validate28.errors);
      errors = vErrors.length;
    }
    var _valid2 = _errs19 === errors;
    valid7 = _valid2;
    if (valid7) {
      var props2 = true;
    }
  }
  if (!valid7) {
    const err11 = {
      instancePath,
      schemaPath: "#/allOf/2/if",
      keyword: "if",
      params: { failingKeyword: "then" },
      message: 'must match "then" schema',
      schema: schema35.allOf[2].if,
      parentSchema: schema35.allOf[2],
      data,
    };
    if (vErrors === null) {
      vErrors = [err11];
    } else {
      vErrors.push(err11);
    }
    errors++;
  }
  if (props0 !== true && props2 !== undefined) {
    if (props2 === true) {
      props0 = true;
    } else {
      props0 = props0 || {};
      Object.assign(props0, props2);
    }
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.kind === undefined) {
      const err12 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "kind" },
        message: "must have required property '" + "kind" + "'",
        schema: schema35.required,
        parentSchema: schema35,
        data,
      };
      if (vErrors === null) {
        vErrors = [err12];
      } else {
        vErrors.push(err12);
      }
      errors++;
    }
    if (props0 !== true) {
      props0 = props0 || {};
      props0.kind = true;
    }
    if (data.kind !== undefined) {
      let data4 = data.kind;
      if (!(data4 === "memory" || data4 === "zmq" || data4 === "redis")) {
        const err13 = {
          instancePath: instancePath + "/kind",
          schemaPath: "#/properties/kind/enum",
          keyword: "enum",
          params: { allowedValues: schema35.properties.kind.enum },
          message: "must be equal to one of the allowed values",
          schema: schema35.properties.kind.enum,
          parentSchema: schema35.properties.kind,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err13];
        } else {
          vErrors.push(err13);
        }
        errors++;
      }
    }
  } else {
    const err14 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema35.type,
      parentSchema: schema35,
      data,
    };
    if (vErrors === null) {
      vErrors = [err14];
    } else {
      vErrors.push(err14);
    }
    errors++;
  }
  validate25.errors = vErrors;
  evaluated0.props = props0;
  return errors === 0;
}
validate25.evaluated = { dynamicProps: true, dynamicItems: false };
const schema49 = {
  type: "object",
  additionalProperties: false,
  properties: {
    mailbox: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        capacity: { $ref: "#/$defs/positiveInteger", default: 10000 },
        overflow: { enum: ["block", "drop-oldest", "drop-newest", "reject"], default: "drop-oldest" },
      },
    },
    outbox: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        capacity: { $ref: "#/$defs/positiveInteger", default: 100000 },
        overflow: { enum: ["drop-oldest", "drop-newest", "reject"], default: "drop-oldest" },
      },
    },
    maxPayloadBytes: { $ref: "#/$defs/positiveInteger", default: 4194304 },
  },
};
function validate31(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate31.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.mailbox === undefined) {
      data.mailbox = {};
    }
    if (data.outbox === undefined) {
      data.outbox = {};
    }
    if (data.maxPayloadBytes === undefined) {
      data.maxPayloadBytes = 4194304;
    }
    for (const key0 in data) {
      if (!(key0 === "mailbox" || key0 === "outbox" || key0 === "maxPayloadBytes")) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema49,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    let data0 = data.mailbox;
    if (data0 && typeof data0 == "object" && !Array.isArray(data0)) {
      if (data0.capacity === undefined) {
        data0.capacity = 10000;
      }
      if (data0.overflow === undefined) {
        data0.overflow = "drop-oldest";
      }
      for (const key1 in data0) {
        if (!(key1 === "capacity" || key1 === "overflow")) {
          const err1 = {
            instancePath: instancePath + "/mailbox",
            schemaPath: "#/properties/mailbox/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key1 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema49.properties.mailbox,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err1];
          } else {
            vErrors.push(err1);
          }
          errors++;
        }
      }
      let data1 = data0.capacity;
      if (!(typeof data1 == "number" && !(data1 % 1) && !isNaN(data1) && isFinite(data1))) {
        const err2 = {
          instancePath: instancePath + "/mailbox/capacity",
          schemaPath: "#/$defs/positiveInteger/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
          schema: schema34.type,
          parentSchema: schema34,
          data: data1,
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
      if (typeof data1 == "number" && isFinite(data1)) {
        if (data1 < 1 || isNaN(data1)) {
          const err3 = {
            instancePath: instancePath + "/mailbox/capacity",
            schemaPath: "#/$defs/positiveInteger/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
            schema: 1,
            parentSchema: schema34,
            data: data1,
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      }
      let data2 = data0.overflow;
      if (!(data2 === "block" || data2 === "drop-oldest" || data2 === "drop-newest" || data2 === "reject")) {
        const err4 = {
          instancePath: instancePath + "/mailbox/overflow",
          schemaPath: "#/properties/mailbox/properties/overflow/enum",
          keyword: "enum",
          params: { allowedValues: schema49.properties.mailbox.properties.overflow.enum },
          message: "must be equal to one of the allowed values",
          schema: schema49.properties.mailbox.properties.overflow.enum,
          parentSchema: schema49.properties.mailbox.properties.overflow,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    } else {
      const err5 = {
        instancePath: instancePath + "/mailbox",
        schemaPath: "#/properties/mailbox/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema49.properties.mailbox.type,
        parentSchema: schema49.properties.mailbox,
        data: data0,
      };
      if (vErrors === null) {
        vErrors = [err5];
      } else {
        vErrors.push(err5);
      }
      errors++;
    }
    let data3 = data.outbox;
    if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
      if (data3.capacity === undefined) {
        data3.capacity = 100000;
      }
      if (data3.overflow === undefined) {
        data3.overflow = "drop-oldest";
      }
      for (const key2 in data3) {
        if (!(key2 === "capacity" || key2 === "overflow")) {
          const err6 = {
            instancePath: instancePath + "/outbox",
            schemaPath: "#/properties/outbox/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key2 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema49.properties.outbox,
            data: data3,
          };
          if (vErrors === null) {
            vErrors = [err6];
          } else {
            vErrors.push(err6);
          }
          errors++;
        }
      }
      let data4 = data3.capacity;
      if (!(typeof data4 == "number" && !(data4 % 1) && !isNaN(data4) && isFinite(data4))) {
        const err7 = {
          instancePath: instancePath + "/outbox/capacity",
          schemaPath: "#/$defs/positiveInteger/type",
          keyword: "type",
          params: { type: "integer" },
          message: "must be integer",
          schema: schema34.type,
          parentSchema: schema34,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 1 || isNaN(data4)) {
          const err8 = {
            instancePath: instancePath + "/outbox/capacity",
            schemaPath: "#/$defs/positiveInteger/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 1 },
            message: "must be >= 1",
            schema: 1,
            parentSchema: schema34,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      }
      let data5 = data3.overflow;
      if (!(data5 === "drop-oldest" || data5 === "drop-newest" || data5 === "reject")) {
        const err9 = {
          instancePath: instancePath + "/outbox/overflow",
          schemaPath: "#/properties/outbox/properties/overflow/enum",
          keyword: "enum",
          params: { allowedValues: schema49.properties.outbox.properties.overflow.enum },
          message: "must be equal to one of the allowed values",
          schema: schema49.properties.outbox.properties.overflow.enum,
          parentSchema: schema49.properties.outbox.properties.overflow,
          data: data5,
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    } else {
      const err10 = {
        instancePath: instancePath + "/outbox",
        schemaPath: "#/properties/outbox/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema49.properties.outbox.type,
        parentSchema: schema49.properties.outbox,
        data: data3,
      };
      if (vErrors === null) {
        vErrors = [err10];
      } else {
        vErrors.push(err10);
      }
      errors++;
    }
    let data6 = data.maxPayloadBytes;
    if (!(typeof data6 == "number" && !(data6 % 1) && !isNaN(data6) && isFinite(data6))) {
      const err11 = {
        instancePath: instancePath + "/maxPayloadBytes",
        schemaPath: "#/$defs/positiveInteger/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema34.type,
        parentSchema: schema34,
        data: data6,
      };
      if (vErrors === null) {
        vErrors = [err11];
      } else {
        vErrors.push(err11);
      }
      errors++;
    }
    if (typeof data6 == "number" && isFinite(data6)) {
      if (data6 < 1 || isNaN(data6)) {
        const err12 = {
          instancePath: instancePath + "/maxPayloadBytes",
          schemaPath: "#/$defs/positiveInteger/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 1 },
          message: "must be >= 1",
          schema: 1,
          parentSchema: schema34,
          data: data6,
        };
        if (vErrors === null) {
          vErrors = [err12];
        } else {
          vErrors.push(err12);
        }
        errors++;
      }
    }
  } else {
    const err13 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema49.type,
      parentSchema: schema49,
      data,
    };
    if (vErrors === null) {
      vErrors = [err13];
    } else {
      vErrors.push(err13);
    }
    errors++;
  }
  validate31.errors = vErrors;
  return errors === 0;
}
validate31.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
const schema53 = {
  type: "object",
  additionalProperties: false,
  properties: {
    strategy: { enum: ["one_for_one", "one_for_all", "rest_for_one"], default: "one_for_one" },
    intensity: { type: "integer", minimum: 0, default: 5, description: "Restarts allowed within period before escalating." },
    period: { $ref: "#/$defs/duration", default: "30s" },
    backoff: {
      type: "object",
      additionalProperties: false,
      default: {},
      properties: {
        min: { $ref: "#/$defs/duration", default: "100ms" },
        max: { $ref: "#/$defs/duration", default: "30s" },
        jitter: { type: "number", minimum: 0, maximum: 1, default: 0.2 },
      },
    },
    stable: { $ref: "#/$defs/duration", description: "Running this long resets a child's backoff. Default: period." },
  },
};
function validate33(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate33.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.strategy === undefined) {
      data.strategy = "one_for_one";
    }
    if (data.intensity === undefined) {
      data.intensity = 5;
    }
    if (data.period === undefined) {
      data.period = "30s";
    }
    if (data.backoff === undefined) {
      data.backoff = {};
    }
    for (const key0 in data) {
      if (!(key0 === "strategy" || key0 === "intensity" || key0 === "period" || key0 === "backoff" || key0 === "stable")) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema53,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    let data0 = data.strategy;
    if (!(data0 === "one_for_one" || data0 === "one_for_all" || data0 === "rest_for_one")) {
      const err1 = {
        instancePath: instancePath + "/strategy",
        schemaPath: "#/properties/strategy/enum",
        keyword: "enum",
        params: { allowedValues: schema53.properties.strategy.enum },
        message: "must be equal to one of the allowed values",
        schema: schema53.properties.strategy.enum,
        parentSchema: schema53.properties.strategy,
        data: data0,
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    let data1 = data.intensity;
    if (!(typeof data1 == "number" && !(data1 % 1) && !isNaN(data1) && isFinite(data1))) {
      const err2 = {
        instancePath: instancePath + "/intensity",
        schemaPath: "#/properties/intensity/type",
        keyword: "type",
        params: { type: "integer" },
        message: "must be integer",
        schema: schema53.properties.intensity.type,
        parentSchema: schema53.properties.intensity,
        data: data1,
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    if (typeof data1 == "number" && isFinite(data1)) {
      if (data1 < 0 || isNaN(data1)) {
        const err3 = {
          instancePath: instancePath + "/intensity",
          schemaPath: "#/properties/intensity/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema53.properties.intensity,
          data: data1,
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    let data2 = data.period;
    if (!(typeof data2 == "number" && isFinite(data2)) && typeof data2 !== "string") {
      const err4 = {
        instancePath: instancePath + "/period",
        schemaPath: "#/$defs/duration/type",
        keyword: "type",
        params: { type: schema40.type },
        message: "must be number,string",
        schema: schema40.type,
        parentSchema: schema40,
        data: data2,
      };
      if (vErrors === null) {
        vErrors = [err4];
      } else {
        vErrors.push(err4);
      }
      errors++;
    }
    if (typeof data2 == "number" && isFinite(data2)) {
      if (data2 < 0 || isNaN(data2)) {
        const err5 = {
          instancePath: instancePath + "/period",
          schemaPath: "#/$defs/duration/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema40,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (typeof data2 === "string") {
      if (!pattern4.test(data2)) {
        const err6 = {
          instancePath: instancePath + "/period",
          schemaPath: "#/$defs/duration/pattern",
          keyword: "pattern",
          params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
          message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
          schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
          parentSchema: schema40,
          data: data2,
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    let data3 = data.backoff;
    if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
      if (data3.min === undefined) {
        data3.min = "100ms";
      }
      if (data3.max === undefined) {
        data3.max = "30s";
      }
      if (data3.jitter === undefined) {
        data3.jitter = 0.2;
      }
      for (const key1 in data3) {
        if (!(key1 === "min" || key1 === "max" || key1 === "jitter")) {
          const err7 = {
            instancePath: instancePath + "/backoff",
            schemaPath: "#/properties/backoff/additionalProperties",
            keyword: "additionalProperties",
            params: { additionalProperty: key1 },
            message: "must NOT have additional properties",
            schema: false,
            parentSchema: schema53.properties.backoff,
            data: data3,
          };
          if (vErrors === null) {
            vErrors = [err7];
          } else {
            vErrors.push(err7);
          }
          errors++;
        }
      }
      let data4 = data3.min;
      if (!(typeof data4 == "number" && isFinite(data4)) && typeof data4 !== "string") {
        const err8 = {
          instancePath: instancePath + "/backoff/min",
          schemaPath: "#/$defs/duration/type",
          keyword: "type",
          params: { type: schema40.type },
          message: "must be number,string",
          schema: schema40.type,
          parentSchema: schema40,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err8];
        } else {
          vErrors.push(err8);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err9 = {
            instancePath: instancePath + "/backoff/min",
            schemaPath: "#/$defs/duration/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
            schema: 0,
            parentSchema: schema40,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      }
      if (typeof data4 === "string") {
        if (!pattern4.test(data4)) {
          const err10 = {
            instancePath: instancePath + "/backoff/min",
            schemaPath: "#/$defs/duration/pattern",
            keyword: "pattern",
            params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
            message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
            schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
            parentSchema: schema40,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err10];
          } else {
            vErrors.push(err10);
          }
          errors++;
        }
      }
      let data5 = data3.max;
      if (!(typeof data5 == "number" && isFinite(data5)) && typeof data5 !== "string") {
        const err11 = {
          instancePath: instancePath + "/backoff/max",
          schemaPath: "#/$defs/duration/type",
          keyword: "type",
          params: { type: schema40.type },
          message: "must be number,string",
          schema: schema40.type,
          parentSchema: schema40,
          data: data5,
        };
        if (vErrors === null) {
          vErrors = [err11];
        } else {
          vErrors.push(err11);
        }
        errors++;
      }
      if (typeof data5 == "number" && isFinite(data5)) {
        if (data5 < 0 || isNaN(data5)) {
          const err12 = {
            instancePath: instancePath + "/backoff/max",
            schemaPath: "#/$defs/duration/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
            schema: 0,
            parentSchema: schema40,
            data: data5,
          };
          if (vErrors === null) {
            vErrors = [err12];
          } else {
            vErrors.push(err12);
          }
          errors++;
        }
      }
      if (typeof data5 === "string") {
        if (!pattern4.test(data5)) {
          const err13 = {
            instancePath: instancePath + "/backoff/max",
            schemaPath: "#/$defs/duration/pattern",
            keyword: "pattern",
            params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
            message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
            schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
            parentSchema: schema40,
            data: data5,
          };
          if (vErrors === null) {
            vErrors = [err13];
          } else {
            vErrors.push(err13);
          }
          errors++;
        }
      }
      let data6 = data3.jitter;
      if (typeof data6 == "number" && isFinite(data6)) {
        if (data6 > 1 || isNaN(data6)) {
          const err14 = {
            instancePath: instancePath + "/backoff/jitter",
            schemaPath: "#/properties/backoff/properties/jitter/maximum",
            keyword: "maximum",
            params: { comparison: "<=", limit: 1 },
            message: "must be <= 1",
            schema: 1,
            parentSchema: schema53.properties.backoff.properties.jitter,
            data: data6,
          };
          if (vErrors === null) {
            vErrors = [err14];
          } else {
            vErrors.push(err14);
          }
          errors++;
        }
        if (data6 < 0 || isNaN(data6)) {
          const err15 = {
            instancePath: instancePath + "/backoff/jitter",
            schemaPath: "#/properties/backoff/properties/jitter/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
            schema: 0,
            parentSchema: schema53.properties.backoff.properties.jitter,
            data: data6,
          };
          if (vErrors === null) {
            vErrors = [err15];
          } else {
            vErrors.push(err15);
          }
          errors++;
        }
      } else {
        const err16 = {
          instancePath: instancePath + "/backoff/jitter",
          schemaPath: "#/properties/backoff/properties/jitter/type",
          keyword: "type",
          params: { type: "number" },
          message: "must be number",
          schema: schema53.properties.backoff.properties.jitter.type,
          parentSchema: schema53.properties.backoff.properties.jitter,
          data: data6,
        };
        if (vErrors === null) {
          vErrors = [err16];
        } else {
          vErrors.push(err16);
        }
        errors++;
      }
    } else {
      const err17 = {
        instancePath: instancePath + "/backoff",
        schemaPath: "#/properties/backoff/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema53.properties.backoff.type,
        parentSchema: schema53.properties.backoff,
        data: data3,
      };
      if (vErrors === null) {
        vErrors = [err17];
      } else {
        vErrors.push(err17);
      }
      errors++;
    }
    if (data.stable !== undefined) {
      let data7 = data.stable;
      if (!(typeof data7 == "number" && isFinite(data7)) && typeof data7 !== "string") {
        const err18 = {
          instancePath: instancePath + "/stable",
          schemaPath: "#/$defs/duration/type",
          keyword: "type",
          params: { type: schema40.type },
          message: "must be number,string",
          schema: schema40.type,
          parentSchema: schema40,
          data: data7,
        };
        if (vErrors === null) {
          vErrors = [err18];
        } else {
          vErrors.push(err18);
        }
        errors++;
      }
      if (typeof data7 == "number" && isFinite(data7)) {
        if (data7 < 0 || isNaN(data7)) {
          const err19 = {
            instancePath: instancePath + "/stable",
            schemaPath: "#/$defs/duration/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
            schema: 0,
            parentSchema: schema40,
            data: data7,
          };
          if (vErrors === null) {
            vErrors = [err19];
          } else {
            vErrors.push(err19);
          }
          errors++;
        }
      }
      if (typeof data7 === "string") {
        if (!pattern4.test(data7)) {
          const err20 = {
            instancePath: instancePath + "/stable",
            schemaPath: "#/$defs/duration/pattern",
            keyword: "pattern",
            params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
            message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
            schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
            parentSchema: schema40,
            data: data7,
          };
          if (vErrors === null) {
            vErrors = [err20];
          } else {
            vErrors.push(err20);
          }
          errors++;
        }
      }
    }
  } else {
    const err21 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema53.type,
      parentSchema: schema53,
      data,
    };
    if (vErrors === null) {
      vErrors = [err21];
    } else {
      vErrors.push(err21);
    }
    errors++;
  }
  validate33.errors = vErrors;
  return errors === 0;
}
validate33.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
const schema58 = { type: "array", items: { $ref: "#/$defs/child" } };
const schema59 = {
  type: "object",
  if: { required: ["supervisor"] },
  then: { $ref: "#/$defs/supervisorChild" },
  else: { $ref: "#/$defs/workerChild" },
};
const schema60 = {
  type: "object",
  additionalProperties: false,
  required: ["id", "supervisor", "children"],
  properties: {
    id: { $ref: "#/$defs/childId" },
    supervisor: { $ref: "#/$defs/supervisor" },
    children: { $ref: "#/$defs/children" },
    restart: { $ref: "#/$defs/restart", default: "permanent" },
    shutdown: {
      $ref: "#/$defs/duration",
      description: "Default: the sum of its children's shutdowns (they stop one by one), at least 5s.",
    },
  },
};
const schema61 = { description: "Unique among siblings; letters, digits, '_' and '-'.", type: "string", pattern: "^[A-Za-z0-9_-]+$" };
const schema62 = {
  enum: ["permanent", "transient", "temporary"],
  description: "permanent: always restarted; transient: only after a failure; temporary: never.",
};
const pattern11 = new RegExp("^[A-Za-z0-9_-]+$", "u");
const wrapper0 = { validate: validate35 };
function validate37(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate37.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.restart === undefined) {
      data.restart = "permanent";
    }
    if (data.id === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "id" },
        message: "must have required property '" + "id" + "'",
        schema: schema60.required,
        parentSchema: schema60,
        data,
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.supervisor === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "supervisor" },
        message: "must have required property '" + "supervisor" + "'",
        schema: schema60.required,
        parentSchema: schema60,
        data,
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    if (data.children === undefined) {
      const err2 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "children" },
        message: "must have required property '" + "children" + "'",
        schema: schema60.required,
        parentSchema: schema60,
        data,
      };
      if (vErrors === null) {
        vErrors = [err2];
      } else {
        vErrors.push(err2);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "id" || key0 === "supervisor" || key0 === "children" || key0 === "restart" || key0 === "shutdown")) {
        const err3 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema60,
          data,
        };
        if (vErrors === null) {
          vErrors = [err3];
        } else {
          vErrors.push(err3);
        }
        errors++;
      }
    }
    if (data.id !== undefined) {
      let data0 = data.id;
      if (typeof data0 === "string") {
        if (!pattern11.test(data0)) {
          const err4 = {
            instancePath: instancePath + "/id",
            schemaPath: "#/$defs/childId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]+$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]+$" + '"',
            schema: "^[A-Za-z0-9_-]+$",
            parentSchema: schema61,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
      } else {
        const err5 = {
          instancePath: instancePath + "/id",
          schemaPath: "#/$defs/childId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
          schema: schema61.type,
          parentSchema: schema61,
          data: data0,
        };
        if (vErrors === null) {
          vErrors = [err5];
        } else {
          vErrors.push(err5);
        }
        errors++;
      }
    }
    if (data.supervisor !== undefined) {
      if (
        !validate33(data.supervisor, {
          instancePath: instancePath + "/supervisor",
          parentData: data,
          parentDataProperty: "supervisor",
          rootData,
          dynamicAnchors,
        })
      ) {
        vErrors = vErrors === null ? validate33.errors : vErrors.concat(validate33.errors);
        errors = vErrors.length;
      }
    }
    if (data.children !== undefined) {
      if (
        !wrapper0.validate(data.children, {
          instancePath: instancePath + "/children",
          parentData: data,
          parentDataProperty: "children",
          rootData,
          dynamicAnchors,
        })
      ) {
        vErrors = vErrors === null ? wrapper0.validate.errors : vErrors.concat(wrapper0.validate.errors);
        errors = vErrors.length;
      }
    }
    let data3 = data.restart;
    if (!(data3 === "permanent" || data3 === "transient" || data3 === "temporary")) {
      const err6 = {
        instancePath: instancePath + "/restart",
        schemaPath: "#/$defs/restart/enum",
        keyword: "enum",
        params: { allowedValues: schema62.enum },
        message: "must be equal to one of the allowed values",
        schema: schema62.enum,
        parentSchema: schema62,
        data: data3,
      };
      if (vErrors === null) {
        vErrors = [err6];
      } else {
        vErrors.push(err6);
      }
      errors++;
    }
    if (data.shutdown !== undefined) {
      let data4 = data.shutdown;
      if (!(typeof data4 == "number" && isFinite(data4)) && typeof data4 !== "string") {
        const err7 = {
          instancePath: instancePath + "/shutdown",
          schemaPath: "#/$defs/duration/type",
          keyword: "type",
          params: { type: schema40.type },
          message: "must be number,string",
          schema: schema40.type,
          parentSchema: schema40,
          data: data4,
        };
        if (vErrors === null) {
          vErrors = [err7];
        } else {
          vErrors.push(err7);
        }
        errors++;
      }
      if (typeof data4 == "number" && isFinite(data4)) {
        if (data4 < 0 || isNaN(data4)) {
          const err8 = {
            instancePath: instancePath + "/shutdown",
            schemaPath: "#/$defs/duration/minimum",
            keyword: "minimum",
            params: { comparison: ">=", limit: 0 },
            message: "must be >= 0",
            schema: 0,
            parentSchema: schema40,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err8];
          } else {
            vErrors.push(err8);
          }
          errors++;
        }
      }
      if (typeof data4 === "string") {
        if (!pattern4.test(data4)) {
          const err9 = {
            instancePath: instancePath + "/shutdown",
            schemaPath: "#/$defs/duration/pattern",
            keyword: "pattern",
            params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
            message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
            schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
            parentSchema: schema40,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err9];
          } else {
            vErrors.push(err9);
          }
          errors++;
        }
      }
    }
  } else {
    const err10 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema60.type,
      parentSchema: schema60,
      data,
    };
    if (vErrors === null) {
      vErrors = [err10];
    } else {
      vErrors.push(err10);
    }
    errors++;
  }
  validate37.errors = vErrors;
  return errors === 0;
}
validate37.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
const schema64 = {
  type: "object",
  additionalProperties: false,
  required: ["id", "kind"],
  properties: {
    id: { $ref: "#/$defs/childId" },
    kind: { type: "string", minLength: 1, description: "A registered actor kind." },
    restart: { $ref: "#/$defs/restart", default: "permanent" },
    shutdown: { $ref: "#/$defs/duration", default: "5s", description: "Time given to stop before being forced." },
    options: { type: "object", default: {}, description: "Validated against the kind's own options schema." },
  },
};
function validate40(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate40.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.restart === undefined) {
      data.restart = "permanent";
    }
    if (data.shutdown === undefined) {
      data.shutdown = "5s";
    }
    if (data.options === undefined) {
      data.options = {};
    }
    if (data.id === undefined) {
      const err0 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "id" },
        message: "must have required property '" + "id" + "'",
        schema: schema64.required,
        parentSchema: schema64,
        data,
      };
      if (vErrors === null) {
        vErrors = [err0];
      } else {
        vErrors.push(err0);
      }
      errors++;
    }
    if (data.kind === undefined) {
      const err1 = {
        instancePath,
        schemaPath: "#/required",
        keyword: "required",
        params: { missingProperty: "kind" },
        message: "must have required property '" + "kind" + "'",
        schema: schema64.required,
        parentSchema: schema64,
        data,
      };
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
    for (const key0 in data) {
      if (!(key0 === "id" || key0 === "kind" || key0 === "restart" || key0 === "shutdown" || key0 === "options")) {
        const err2 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema64,
          data,
        };
        if (vErrors === null) {
          vErrors = [err2];
        } else {
          vErrors.push(err2);
        }
        errors++;
      }
    }
    if (data.id !== undefined) {
      let data0 = data.id;
      if (typeof data0 === "string") {
        if (!pattern11.test(data0)) {
          const err3 = {
            instancePath: instancePath + "/id",
            schemaPath: "#/$defs/childId/pattern",
            keyword: "pattern",
            params: { pattern: "^[A-Za-z0-9_-]+$" },
            message: 'must match pattern "' + "^[A-Za-z0-9_-]+$" + '"',
            schema: "^[A-Za-z0-9_-]+$",
            parentSchema: schema61,
            data: data0,
          };
          if (vErrors === null) {
            vErrors = [err3];
          } else {
            vErrors.push(err3);
          }
          errors++;
        }
      } else {
        const err4 = {
          instancePath: instancePath + "/id",
          schemaPath: "#/$defs/childId/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
          schema: schema61.type,
          parentSchema: schema61,
          data: data0,
        };
        if (vErrors === null) {
          vErrors = [err4];
        } else {
          vErrors.push(err4);
        }
        errors++;
      }
    }
    if (data.kind !== undefined) {
      let data1 = data.kind;
      if (typeof data1 === "string") {
        if (func1(data1) < 1) {
          const err5 = {
            instancePath: instancePath + "/kind",
            schemaPath: "#/properties/kind/minLength",
            keyword: "minLength",
            params: { limit: 1 },
            message: "must NOT have fewer than 1 characters",
            schema: 1,
            parentSchema: schema64.properties.kind,
            data: data1,
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      } else {
        const err6 = {
          instancePath: instancePath + "/kind",
          schemaPath: "#/properties/kind/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
          schema: schema64.properties.kind.type,
          parentSchema: schema64.properties.kind,
          data: data1,
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    let data2 = data.restart;
    if (!(data2 === "permanent" || data2 === "transient" || data2 === "temporary")) {
      const err7 = {
        instancePath: instancePath + "/restart",
        schemaPath: "#/$defs/restart/enum",
        keyword: "enum",
        params: { allowedValues: schema62.enum },
        message: "must be equal to one of the allowed values",
        schema: schema62.enum,
        parentSchema: schema62,
        data: data2,
      };
      if (vErrors === null) {
        vErrors = [err7];
      } else {
        vErrors.push(err7);
      }
      errors++;
    }
    let data3 = data.shutdown;
    if (!(typeof data3 == "number" && isFinite(data3)) && typeof data3 !== "string") {
      const err8 = {
        instancePath: instancePath + "/shutdown",
        schemaPath: "#/$defs/duration/type",
        keyword: "type",
        params: { type: schema40.type },
        message: "must be number,string",
        schema: schema40.type,
        parentSchema: schema40,
        data: data3,
      };
      if (vErrors === null) {
        vErrors = [err8];
      } else {
        vErrors.push(err8);
      }
      errors++;
    }
    if (typeof data3 == "number" && isFinite(data3)) {
      if (data3 < 0 || isNaN(data3)) {
        const err9 = {
          instancePath: instancePath + "/shutdown",
          schemaPath: "#/$defs/duration/minimum",
          keyword: "minimum",
          params: { comparison: ">=", limit: 0 },
          message: "must be >= 0",
          schema: 0,
          parentSchema: schema40,
          data: data3,
        };
        if (vErrors === null) {
          vErrors = [err9];
        } else {
          vErrors.push(err9);
        }
        errors++;
      }
    }
    if (typeof data3 === "string") {
      if (!pattern4.test(data3)) {
        const err10 = {
          instancePath: instancePath + "/shutdown",
          schemaPath: "#/$defs/duration/pattern",
          keyword: "pattern",
          params: { pattern: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" },
          message: 'must match pattern "' + "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$" + '"',
          schema: "^\\s*[0-9]+(\\.[0-9]+)?\\s*(ms|s|m|h|d)\\s*$",
          parentSchema: schema40,
          data: data3,
        };
        if (vErrors === null) {
          vErrors = [err10];
        } else {
          vErrors.push(err10);
        }
        errors++;
      }
    }
    let data4 = data.options;
    if (!(data4 && typeof data4 == "object" && !Array.isArray(data4))) {
      const err11 = {
        instancePath: instancePath + "/options",
        schemaPath: "#/properties/options/type",
        keyword: "type",
        params: { type: "object" },
        message: "must be object",
        schema: schema64.properties.options.type,
        parentSchema: schema64.properties.options,
        data: data4,
      };
      if (vErrors === null) {
        vErrors = [err11];
      } else {
        vErrors.push(err11);
      }
      errors++;
    }
  } else {
    const err12 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema64.type,
      parentSchema: schema64,
      data,
    };
    if (vErrors === null) {
      vErrors = [err12];
    } else {
      vErrors.push(err12);
    }
    errors++;
  }
  validate40.errors = vErrors;
  return errors === 0;
}
validate40.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
function validate36(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate36.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (!(data && typeof data == "object" && !Array.isArray(data))) {
    const err0 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema59.type,
      parentSchema: schema59,
      data,
    };
    if (vErrors === null) {
      vErrors = [err0];
    } else {
      vErrors.push(err0);
    }
    errors++;
  }
  const _errs1 = errors;
  let valid0 = true;
  const _errs2 = errors;
  if (data && typeof data == "object" && !Array.isArray(data)) {
    let missing0;
    if (data.supervisor === undefined && (missing0 = "supervisor")) {
      const err1 = {};
      if (vErrors === null) {
        vErrors = [err1];
      } else {
        vErrors.push(err1);
      }
      errors++;
    }
  }
  var _valid0 = _errs2 === errors;
  errors = _errs1;
  if (vErrors !== null) {
    if (_errs1) {
      vErrors.length = _errs1;
    } else {
      vErrors = null;
    }
  }
  let ifClause0;
  if (_valid0) {
    const _errs3 = errors;
    if (!validate37(data, { instancePath, parentData, parentDataProperty, rootData, dynamicAnchors })) {
      vErrors = vErrors === null ? validate37.errors : vErrors.concat(validate37.errors);
      errors = vErrors.length;
    }
    var _valid0 = _errs3 === errors;
    valid0 = _valid0;
    if (valid0) {
      var props0 = true;
    }
    ifClause0 = "then";
  } else {
    const _errs4 = errors;
    if (!validate40(data, { instancePath, parentData, parentDataProperty, rootData, dynamicAnchors })) {
      vErrors = vErrors === null ? validate40.errors : vErrors.concat(validate40.errors);
      errors = vErrors.length;
    }
    var _valid0 = _errs4 === errors;
    valid0 = _valid0;
    if (valid0) {
      if (props0 !== true) {
        props0 = true;
      }
    }
    ifClause0 = "else";
  }
  if (!valid0) {
    const err2 = {
      instancePath,
      schemaPath: "#/if",
      keyword: "if",
      params: { failingKeyword: ifClause0 },
      message: 'must match "' + ifClause0 + '" schema',
      schema: schema59.if,
      parentSchema: schema59,
      data,
    };
    if (vErrors === null) {
      vErrors = [err2];
    } else {
      vErrors.push(err2);
    }
    errors++;
  }
  validate36.errors = vErrors;
  evaluated0.props = props0;
  return errors === 0;
}
validate36.evaluated = { dynamicProps: true, dynamicItems: false };
function validate35(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate35.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (Array.isArray(data)) {
    const len0 = data.length;
    for (let i0 = 0; i0 < len0; i0++) {
      if (
        !validate36(data[i0], { instancePath: instancePath + "/" + i0, parentData: data, parentDataProperty: i0, rootData, dynamicAnchors })
      ) {
        vErrors = vErrors === null ? validate36.errors : vErrors.concat(validate36.errors);
        errors = vErrors.length;
      }
    }
  } else {
    const err0 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "array" },
      message: "must be array",
      schema: schema58.type,
      parentSchema: schema58,
      data,
    };
    if (vErrors === null) {
      vErrors = [err0];
    } else {
      vErrors.push(err0);
    }
    errors++;
  }
  validate35.errors = vErrors;
  return errors === 0;
}
validate35.evaluated = { items: true, dynamicProps: false, dynamicItems: false };
function validate20(data, { instancePath = "", parentData, parentDataProperty, rootData = data, dynamicAnchors = {} } = {}) {
  let vErrors = null;
  let errors = 0;
  const evaluated0 = validate20.evaluated;
  if (evaluated0.dynamicProps) {
    evaluated0.props = undefined;
  }
  if (evaluated0.dynamicItems) {
    evaluated0.items = undefined;
  }
  if (data && typeof data == "object" && !Array.isArray(data)) {
    if (data.runtime === undefined) {
      data.runtime = {};
    }
    if (data.transport === undefined) {
      data.transport = { kind: "memory" };
    }
    if (data.bus === undefined) {
      data.bus = {};
    }
    if (data.supervisor === undefined) {
      data.supervisor = {};
    }
    if (data.children === undefined) {
      data.children = [];
    }
    for (const key0 in data) {
      if (!(
        key0 === "$schema" ||
        key0 === "runtime" ||
        key0 === "transport" ||
        key0 === "contracts" ||
        key0 === "bus" ||
        key0 === "supervisor" ||
        key0 === "children"
      )) {
        const err0 = {
          instancePath,
          schemaPath: "#/additionalProperties",
          keyword: "additionalProperties",
          params: { additionalProperty: key0 },
          message: "must NOT have additional properties",
          schema: false,
          parentSchema: schema31,
          data,
        };
        if (vErrors === null) {
          vErrors = [err0];
        } else {
          vErrors.push(err0);
        }
        errors++;
      }
    }
    if (data.$schema !== undefined) {
      let data0 = data.$schema;
      if (typeof data0 !== "string") {
        const err1 = {
          instancePath: instancePath + "/$schema",
          schemaPath: "#/properties/%24schema/type",
          keyword: "type",
          params: { type: "string" },
          message: "must be string",
          schema: schema31.properties.$schema.type,
          parentSchema: schema31.properties.$schema,
          data: data0,
        };
        if (vErrors === null) {
          vErrors = [err1];
        } else {
          vErrors.push(err1);
        }
        errors++;
      }
    }
    if (
      !validate21(data.runtime, {
        instancePath: instancePath + "/runtime",
        parentData: data,
        parentDataProperty: "runtime",
        rootData,
        dynamicAnchors,
      })
    ) {
      vErrors = vErrors === null ? validate21.errors : vErrors.concat(validate21.errors);
      errors = vErrors.length;
    }
    if (
      !validate25(data.transport, {
        instancePath: instancePath + "/transport",
        parentData: data,
        parentDataProperty: "transport",
        rootData,
        dynamicAnchors,
      })
    ) {
      vErrors = vErrors === null ? validate25.errors : vErrors.concat(validate25.errors);
      errors = vErrors.length;
    }
    if (data.contracts !== undefined) {
      let data3 = data.contracts;
      if (data3 && typeof data3 == "object" && !Array.isArray(data3)) {
        if (data3.dir === undefined) {
          data3.dir = "contracts";
        }
        if (data3.mode === undefined) {
          data3.mode = "enforce";
        }
        for (const key1 in data3) {
          if (!(key1 === "dir" || key1 === "mode")) {
            const err2 = {
              instancePath: instancePath + "/contracts",
              schemaPath: "#/$defs/contracts/additionalProperties",
              keyword: "additionalProperties",
              params: { additionalProperty: key1 },
              message: "must NOT have additional properties",
              schema: false,
              parentSchema: schema48,
              data: data3,
            };
            if (vErrors === null) {
              vErrors = [err2];
            } else {
              vErrors.push(err2);
            }
            errors++;
          }
        }
        let data4 = data3.dir;
        if (typeof data4 === "string") {
          if (func1(data4) < 1) {
            const err3 = {
              instancePath: instancePath + "/contracts/dir",
              schemaPath: "#/$defs/contracts/properties/dir/minLength",
              keyword: "minLength",
              params: { limit: 1 },
              message: "must NOT have fewer than 1 characters",
              schema: 1,
              parentSchema: schema48.properties.dir,
              data: data4,
            };
            if (vErrors === null) {
              vErrors = [err3];
            } else {
              vErrors.push(err3);
            }
            errors++;
          }
        } else {
          const err4 = {
            instancePath: instancePath + "/contracts/dir",
            schemaPath: "#/$defs/contracts/properties/dir/type",
            keyword: "type",
            params: { type: "string" },
            message: "must be string",
            schema: schema48.properties.dir.type,
            parentSchema: schema48.properties.dir,
            data: data4,
          };
          if (vErrors === null) {
            vErrors = [err4];
          } else {
            vErrors.push(err4);
          }
          errors++;
        }
        let data5 = data3.mode;
        if (!(data5 === "enforce" || data5 === "warn" || data5 === "off")) {
          const err5 = {
            instancePath: instancePath + "/contracts/mode",
            schemaPath: "#/$defs/contracts/properties/mode/enum",
            keyword: "enum",
            params: { allowedValues: schema48.properties.mode.enum },
            message: "must be equal to one of the allowed values",
            schema: schema48.properties.mode.enum,
            parentSchema: schema48.properties.mode,
            data: data5,
          };
          if (vErrors === null) {
            vErrors = [err5];
          } else {
            vErrors.push(err5);
          }
          errors++;
        }
      } else {
        const err6 = {
          instancePath: instancePath + "/contracts",
          schemaPath: "#/$defs/contracts/type",
          keyword: "type",
          params: { type: "object" },
          message: "must be object",
          schema: schema48.type,
          parentSchema: schema48,
          data: data3,
        };
        if (vErrors === null) {
          vErrors = [err6];
        } else {
          vErrors.push(err6);
        }
        errors++;
      }
    }
    if (
      !validate31(data.bus, { instancePath: instancePath + "/bus", parentData: data, parentDataProperty: "bus", rootData, dynamicAnchors })
    ) {
      vErrors = vErrors === null ? validate31.errors : vErrors.concat(validate31.errors);
      errors = vErrors.length;
    }
    if (
      !validate33(data.supervisor, {
        instancePath: instancePath + "/supervisor",
        parentData: data,
        parentDataProperty: "supervisor",
        rootData,
        dynamicAnchors,
      })
    ) {
      vErrors = vErrors === null ? validate33.errors : vErrors.concat(validate33.errors);
      errors = vErrors.length;
    }
    if (
      !validate35(data.children, {
        instancePath: instancePath + "/children",
        parentData: data,
        parentDataProperty: "children",
        rootData,
        dynamicAnchors,
      })
    ) {
      vErrors = vErrors === null ? validate35.errors : vErrors.concat(validate35.errors);
      errors = vErrors.length;
    }
  } else {
    const err7 = {
      instancePath,
      schemaPath: "#/type",
      keyword: "type",
      params: { type: "object" },
      message: "must be object",
      schema: schema31.type,
      parentSchema: schema31,
      data,
    };
    if (vErrors === null) {
      vErrors = [err7];
    } else {
      vErrors.push(err7);
    }
    errors++;
  }
  validate20.errors = vErrors;
  return errors === 0;
}
validate20.evaluated = { props: true, dynamicProps: false, dynamicItems: false };
/** The raw-config schema's validator: fills in defaults, collects every error. */
export const validateConfigSchema: ValidateFunction = validate20;
