import type { EvictionCounts } from "./eviction-guard.js";
import type { Lease } from "./lease.js";
import type { LeaseRegistration } from "./lease-machine.js";

/** What a registration did. */
export interface RegisterResult {
  lease: Lease;
  /** False when the id was live with the same url and meta (an idempotent re-registration). */
  changed: boolean;
}

/** What a heartbeat found: a renewed lease, a lease that had just expired, or none. */
export type RenewResult = { outcome: "renewed"; lease: Lease } | { outcome: "expired"; lease: Lease } | { outcome: "unknown" };

/** One service's live leases and the index of its last change (register, deregister, expiry). */
export interface ServiceLeases {
  leases: Lease[];
  index: number;
}

/**
 * Where a registry keeps its leases. Stores decide with the rules of `lease.ts` (and, where the
 * lease changes state, the lease machine); the registry actor applies eviction safety and sends
 * events. `now` is the registry clock's time; a store shared by several runtimes may read a
 * shared clock instead (the Redis store reads the Redis server's).
 */
export interface RegistryStore {
  register(registration: LeaseRegistration, now: number): Promise<RegisterResult>;
  renew(name: string, id: string, now: number, evictionPaused: boolean): Promise<RenewResult>;
  deregister(name: string, id: string, now: number): Promise<Lease | undefined>;
  serviceNames(): Promise<string[]>;
  service(name: string, now: number): Promise<ServiceLeases | undefined>;
  /** The index of the service's last change; 0 when it was never registered. */
  serviceIndex(name: string): Promise<number>;
  /** Counts for the eviction guard; `windowMs` bounds which past expirations count. */
  counts(now: number, windowMs: number): Promise<EvictionCounts>;
  /** Expires every due lease and returns them. */
  expireDue(now: number): Promise<Lease[]>;
  /** Forgets past expirations (the eviction guard took a new baseline). */
  resetWindow(): Promise<void>;
  /** The time the store decides with (the registry clock, or a shared one). */
  now(localNow: number): Promise<number>;
  close(): Promise<void>;
}
