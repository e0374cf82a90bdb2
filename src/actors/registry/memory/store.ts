import type { EvictionCounts } from "../eviction-guard.js";
import { changesInstance, decideHeartbeat, isLeaseDue, renewLease, type Lease } from "../lease.js";
import { ABSENT_LEASE, stepLease, type LeaseRegistration } from "../lease-machine.js";
import type { RegisterResult, RegistryStore, RenewResult, ServiceLeases } from "../registry-store.js";

/** What the memory store persists: the live leases and the last index. */
export interface MemoryStoreSnapshot {
  version: 1;
  index: number;
  leases: Lease[];
}

/**
 * Leases in this process, by service and id. `onChange` runs after every change of a service's
 * instance set (not after heartbeats), so the owner can persist and wake watchers.
 */
export class MemoryRegistryStore implements RegistryStore {
  private readonly services = new Map<string, Map<string, Lease>>();
  private readonly indexes = new Map<string, number>();
  private lastIndex = 0;
  /** Times of expirations within the eviction window, oldest first. */
  private expirations: number[] = [];

  constructor(private readonly onChange: (name: string) => void = () => undefined) {}

  /**
   * Restores persisted leases. A registry that was down could not hear heartbeats, so each
   * restored lease gets one full TTL from `now` before it can expire.
   */
  restore(snapshot: MemoryStoreSnapshot, now: number): number {
    this.lastIndex = Math.max(this.lastIndex, snapshot.index);
    let restored = 0;
    for (const lease of snapshot.leases) {
      const renewed = renewLease({ ...lease, lastHeartbeat: Math.max(lease.lastHeartbeat, now) }, now);
      this.leasesOf(lease.name, true).set(lease.id, renewed);
      this.indexes.set(lease.name, this.lastIndex);
      restored++;
    }
    return restored;
  }

  snapshot(): MemoryStoreSnapshot {
    const leases: Lease[] = [];
    for (const byId of this.services.values()) leases.push(...byId.values());
    return { version: 1, index: this.lastIndex, leases };
  }

  size(): number {
    let total = 0;
    for (const byId of this.services.values()) total += byId.size;
    return total;
  }

  register(registration: LeaseRegistration, now: number): Promise<RegisterResult> {
    const byId = this.leasesOf(registration.name, true);
    const existing = byId.get(registration.id);
    // A due lease that nobody swept yet is gone as far as the caller is concerned: it starts afresh.
    const live = existing !== undefined && !isLeaseDue(existing, now) ? existing : undefined;
    const step = stepLease(live === undefined ? ABSENT_LEASE : { state: "registered", lease: live }, {
      type: "REGISTER",
      now,
      registration,
    });
    const lease = step.lease!;
    byId.set(lease.id, lease);
    const changed = changesInstance(live, lease);
    if (changed) this.changed(lease.name);
    return Promise.resolve({ lease, changed });
  }

  renew(name: string, id: string, now: number, evictionPaused: boolean): Promise<RenewResult> {
    const lease = this.services.get(name)?.get(id);
    if (lease === undefined) return Promise.resolve({ outcome: "unknown" });
    // The hot path: the lease machine's HEARTBEAT transition, decided by the same functions as its guard and action.
    if (decideHeartbeat(lease, now, evictionPaused) === "expire") {
      this.remove(lease, now, true);
      return Promise.resolve({ outcome: "expired", lease });
    }
    const renewed = renewLease(lease, now);
    this.services.get(name)!.set(id, renewed);
    return Promise.resolve({ outcome: "renewed", lease: renewed });
  }

  deregister(name: string, id: string, now: number): Promise<Lease | undefined> {
    const lease = this.services.get(name)?.get(id);
    if (lease === undefined) return Promise.resolve(undefined);
    stepLease({ state: "registered", lease }, { type: "DEREGISTER", now });
    this.remove(lease, now, false);
    return Promise.resolve(lease);
  }

  serviceNames(): Promise<string[]> {
    return Promise.resolve([...this.services.keys()].sort());
  }

  service(name: string): Promise<ServiceLeases | undefined> {
    const byId = this.services.get(name);
    if (byId === undefined) return Promise.resolve(undefined);
    return Promise.resolve({ leases: [...byId.values()], index: this.indexes.get(name) ?? 0 });
  }

  serviceIndex(name: string): Promise<number> {
    return Promise.resolve(this.indexes.get(name) ?? 0);
  }

  counts(now: number, windowMs: number): Promise<EvictionCounts> {
    let live = 0;
    let due = 0;
    for (const byId of this.services.values())
      for (const lease of byId.values()) {
        if (isLeaseDue(lease, now)) due++;
        else live++;
      }
    const from = now - windowMs;
    let first = 0;
    while (first < this.expirations.length && this.expirations[first]! < from) first++;
    if (first > 0) this.expirations = this.expirations.slice(first);
    return Promise.resolve({ live, due, expiredInWindow: this.expirations.length });
  }

  expireDue(now: number): Promise<Lease[]> {
    const expired: Lease[] = [];
    for (const byId of this.services.values())
      for (const lease of byId.values()) {
        if (
          isLeaseDue(lease, now) &&
          stepLease({ state: "registered", lease }, { type: "SWEEP", now, evictionPaused: false }).state === "expired"
        )
          expired.push(lease);
      }
    for (const lease of expired) this.remove(lease, now, true);
    return Promise.resolve(expired);
  }

  resetWindow(): Promise<void> {
    this.expirations = [];
    return Promise.resolve();
  }

  now(localNow: number): Promise<number> {
    return Promise.resolve(localNow);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private leasesOf(name: string, create: true): Map<string, Lease>;
  private leasesOf(name: string, create: boolean): Map<string, Lease> | undefined {
    let byId = this.services.get(name);
    if (byId === undefined && create) {
      byId = new Map();
      this.services.set(name, byId);
    }
    return byId;
  }

  private remove(lease: Lease, now: number, expired: boolean): void {
    const byId = this.services.get(lease.name);
    if (byId === undefined) return;
    byId.delete(lease.id);
    if (byId.size === 0) this.services.delete(lease.name);
    if (expired) this.expirations.push(now);
    this.changed(lease.name);
  }

  private changed(name: string): void {
    this.indexes.set(name, ++this.lastIndex);
    this.onChange(name);
  }
}
