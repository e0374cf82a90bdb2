/** The state of every entity the controller has moved: an entity it never saw is in the lifecycle's initial state. */
export class EntityStates {
  private readonly states = new Map<string, string>();

  constructor(readonly initial: string) {}

  get size(): number {
    return this.states.size;
  }

  of(entityId: string): string {
    return this.states.get(entityId) ?? this.initial;
  }

  set(entityId: string, state: string): void {
    this.states.set(entityId, state);
  }

  /** How many entities are in each state (those never moved are not counted). */
  countByState(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const state of this.states.values()) counts[state] = (counts[state] ?? 0) + 1;
    return counts;
  }

  /** Entity → state, for the snapshot. */
  snapshot(): Record<string, string> {
    return Object.fromEntries(this.states);
  }

  restore(saved: Record<string, string>): void {
    this.states.clear();
    for (const [entity, state] of Object.entries(saved)) this.states.set(entity, state);
  }
}
