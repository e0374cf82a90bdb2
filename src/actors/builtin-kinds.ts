import type { AnyActorDefinition } from "../runtime/define-actor.js";
import { curiosityActor } from "./curiosity/actor.js";
import { lifecycleControllerActor } from "./control/actor.js";
import { heartbeatActor } from "./heartbeat/actor.js";
import { capabilityMonitor } from "./monitors/capability/actor.js";
import { explorationMonitorActor } from "./monitors/exploration/actor.js";
import { integrationMonitor } from "./monitors/integration/actor.js";
import { knowledgeMonitor } from "./monitors/knowledge/actor.js";
import { proxyActor } from "./proxy/actor.js";
import { registryActor } from "./registry/actor.js";

/** The actor kinds every runtime knows without being told (a kind you register with the same name replaces one). */
export const builtinKinds: readonly AnyActorDefinition[] = [
  heartbeatActor,
  proxyActor,
  integrationMonitor,
  capabilityMonitor,
  knowledgeMonitor,
  explorationMonitorActor,
  curiosityActor,
  lifecycleControllerActor,
  registryActor,
];
