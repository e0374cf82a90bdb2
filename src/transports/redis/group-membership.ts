import type { Redis } from "ioredis";

/**
 * Removes `consumer` from `group` only when it has no pending entry, in one atomic step: an entry
 * delivered to it a moment before the check would otherwise be dropped from the group's pending
 * list with it (XGROUP DELCONSUMER forgets the consumer's pending entries, and they are never
 * redelivered). Returns 1 when removed, 0 when kept (entries pending), -1 when the group or the
 * stream is gone.
 */
const LEAVE_WHEN_IDLE = `
local pending = redis.pcall('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if type(pending) ~= 'table' or pending.err then return -1 end
if #pending > 0 then return 0 end
redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/**
 * Removes, in one atomic step, every consumer of `group` other than `self` that has no pending
 * entry and has been idle at least `minIdleMs`: what processes that died (SIGKILL, a crash) leave
 * behind once their entries were reclaimed. Nothing pending is ever removed; a consumer that was
 * merely quiet is recreated by its next read. Returns how many were removed.
 */
const PRUNE_IDLE = `
local rows = redis.pcall('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
if type(rows) ~= 'table' or rows.err then return 0 end
local removed = 0
for _, row in ipairs(rows) do
  local name, pending, idle
  for i = 1, #row, 2 do
    if row[i] == 'name' then name = row[i + 1]
    elseif row[i] == 'pending' then pending = row[i + 1]
    elseif row[i] == 'idle' then idle = row[i + 1] end
  end
  if name ~= ARGV[2] and pending == 0 and idle ~= nil and idle >= tonumber(ARGV[3]) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
    removed = removed + 1
  end
end
return removed
`;

/** What {@link leaveGroup} did. */
export type LeaveOutcome = "removed" | "kept" | "no-group";

/**
 * XGROUP DELCONSUMER of `consumer` once nothing is pending for it; with entries pending it stays,
 * so they are still reclaimed by the group's other members (or read first by the subscriber's
 * next consumer of the same name).
 */
export async function leaveGroup(commands: Redis, stream: string, group: string, consumer: string): Promise<LeaveOutcome> {
  const result = Number(await commands.eval(LEAVE_WHEN_IDLE, 1, stream, group, consumer));
  return result === 1 ? "removed" : result === 0 ? "kept" : "no-group";
}

/** Removes the group's consumers other than `self` with nothing pending, idle `minIdleMs` or more; returns how many. */
export async function pruneIdleConsumers(commands: Redis, stream: string, group: string, self: string, minIdleMs: number): Promise<number> {
  return Number(await commands.eval(PRUNE_IDLE, 1, stream, group, self, String(minIdleMs)));
}
