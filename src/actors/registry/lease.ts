/**
 * A registered instance and its lease, and the pure rules that decide when a lease is renewed or
 * expires. Every store (memory, Redis) and the lease machine decide with these functions, so the
 * rules are written once.
 */

/** One registered instance of a service, as `GET /services/:name` shows it. */
export interface Instance {
  id: string;
  url: string;
  meta: Record<string, string>;
  /** `passing` while the lease is renewed on time; `overdue` while eviction is paused and it is late. */
  health: "passing" | "overdue";
  /** ISO 8601 times. */
  registeredAt: string;
  lastHeartbeat: string;
  expiresAt: string;
}

/** A lease as stores keep it: times in epoch milliseconds. */
export interface Lease {
  name: string;
  id: string;
  url: string;
  meta: Record<string, string>;
  ttlMs: number;
  registeredAt: number;
  lastHeartbeat: number;
}

/** When `lease` expires unless renewed: one TTL after its last heartbeat (or registration). */
export function leaseExpiresAt(lease: Pick<Lease, "lastHeartbeat" | "ttlMs">): number {
  return lease.lastHeartbeat + lease.ttlMs;
}

/** True when no heartbeat arrived within the TTL: at `now` the lease is due to expire. */
export function isLeaseDue(lease: Pick<Lease, "lastHeartbeat" | "ttlMs">, now: number): boolean {
  return now >= leaseExpiresAt(lease);
}

/**
 * What a heartbeat does to a lease. A lease that is due is gone (the client re-registers) unless
 * eviction is paused: then the heartbeat is exactly the recovery the pause waits for.
 */
export function decideHeartbeat(lease: Pick<Lease, "lastHeartbeat" | "ttlMs">, now: number, evictionPaused: boolean): "renew" | "expire" {
  return isLeaseDue(lease, now) && !evictionPaused ? "expire" : "renew";
}

/** The lease after a heartbeat at `now`. */
export function renewLease<L extends Lease>(lease: L, now: number): L {
  return { ...lease, lastHeartbeat: Math.max(lease.lastHeartbeat, now) };
}

/**
 * The lease a registration makes. Re-registering a live id keeps its `registeredAt` (the
 * registration is idempotent) and renews it; a new or expired id starts afresh.
 */
export function registerLease(existing: Lease | undefined, input: Omit<Lease, "registeredAt" | "lastHeartbeat">, now: number): Lease {
  return { ...input, registeredAt: existing?.registeredAt ?? now, lastHeartbeat: now };
}

/** True when a re-registration changes what clients of the service see (url or meta). */
export function changesInstance(existing: Lease | undefined, next: Pick<Lease, "url" | "meta">): boolean {
  if (existing === undefined) return true;
  if (existing.url !== next.url) return true;
  const before = Object.entries(existing.meta);
  const after = Object.entries(next.meta);
  return before.length !== after.length || after.some(([key, value]) => existing.meta[key] !== value);
}

/** The instance view of a lease at `now`. */
export function toInstance(lease: Lease, now: number): Instance {
  const expiresAt = leaseExpiresAt(lease);
  return {
    id: lease.id,
    url: lease.url,
    meta: lease.meta,
    health: now >= expiresAt ? "overdue" : "passing",
    registeredAt: new Date(lease.registeredAt).toISOString(),
    lastHeartbeat: new Date(lease.lastHeartbeat).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
  };
}
