import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { toError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";

/**
 * One trim of one stream, atomic in Redis (KEYS[1] the stream, ARGV[1] maxLen). Every consumer
 * group on the stream is asked what it still needs — whoever created it, in whatever process:
 * with entries pending (read, not acked), everything from its oldest pending entry; else
 * everything after its last-delivered id (what it has not read). When each group needs at most
 * the newest maxLen entries, `XTRIM MAXLEN ~ maxLen` is safe and runs. Otherwise the stream is
 * trimmed only below the oldest entry a group further behind still needs (`XTRIM MINID ~`); when
 * that leaves it over maxLen, that group is named.
 *
 * A script blocks Redis while it runs, so counting is bounded: a group's `lag` (Redis 7) is its
 * unread count for free, and otherwise at most 1,001 entries are looked at per group
 * (`XREVRANGE … COUNT`, from the newest down to the entry it needs). A group that needs more than
 * that is treated as needing more than maxLen: the MINID trim is safe either way.
 *
 * No stream exceeds maxLenHard (ARGV[2]), though: beyond it the oldest entries are deleted even
 * if a group needs them (an abandoned group would otherwise grow the stream forever), and for
 * every group the script counts, before deleting, how many of them it had not read.
 *
 * Returns `{ trimmed, length after, the group holding the stream over maxLen or "", the id it
 * needs from or "", then group, unread entries lost, group, … }`.
 */
const TRIM_SCRIPT = `
local key = KEYS[1]
local maxLen = tonumber(ARGV[1])
local hardLen = tonumber(ARGV[2])
local len = redis.call('XLEN', key)
if len <= maxLen then return {0, len, '', ''} end
local cap = math.min(maxLen + 1, 1001)
local function older(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  if #am ~= #bm then return #am < #bm end
  if am ~= bm then return am < bm end
  if #as ~= #bs then return #as < #bs end
  return as < bs
end
local function beyondNewest(from)
  return #redis.call('XREVRANGE', key, '+', from, 'COUNT', cap) >= cap
end
local holdId, holdGroup = nil, ''
local groups = redis.call('XINFO', 'GROUPS', key)
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local id, holds
  if info['pending'] > 0 then
    id = redis.call('XPENDING', key, info['name'])[2]
    holds = (info['lag'] and info['lag'] > maxLen) or beyondNewest(id)
  else
    id = info['last-delivered-id']
    if info['lag'] then holds = info['lag'] > maxLen else holds = beyondNewest('(' .. id) end
  end
  if holds and (holdId == nil or older(id, holdId)) then holdId, holdGroup = id, info['name'] end
end
local trimmed
if holdId == nil then
  trimmed = redis.call('XTRIM', key, 'MAXLEN', '~', maxLen)
else
  trimmed = redis.call('XTRIM', key, 'MINID', '~', holdId)
end
local after = len - trimmed
local reply = {trimmed, after, '', ''}
if after > maxLen then reply = {trimmed, after, holdGroup, holdId or ''} end
if after <= hardLen then return reply end
-- Over maxLenHard: the oldest go anyway (at most 10,000 per run, so a run stays short). Before
-- they do, count for every group those it has not read (newer than its last-delivered id).
local doomed = redis.call('XRANGE', key, '-', '+', 'COUNT', math.min(after - hardLen, 10000))
local last = doomed[#doomed][1]
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local lost = #redis.call('XRANGE', key, '(' .. info['last-delivered-id'], last, 'COUNT', #doomed)
  if lost > 0 then
    table.insert(reply, info['name'])
    table.insert(reply, lost)
  end
end
redis.call('XTRIM', key, 'MAXLEN', after - #doomed)
reply[1] = trimmed + #doomed
reply[2] = after - #doomed
return reply
`;
const TRIM_SHA = createHash("sha1").update(TRIM_SCRIPT).digest("hex");

/** A stream that trimming cannot bring down to maxLen, because a group still needs older entries. */
export interface TrimHold {
  /** The group furthest behind. */
  group: string;
  /** The oldest entry it still needs: nothing from here on is trimmed until it moves on. */
  neededFrom: string;
  /** The stream's length after the last trim. */
  length: number;
}

/**
 * Keeps the streams this process writes near `maxLen` without deleting an entry some consumer
 * group has not read and acked, up to `maxLenHard`, where every such entry deleted is counted and
 * logged per group (see the script above). Publishing itself does not trim
 * (`XADD` without `MAXLEN`, which deletes whatever is oldest): after every `maxLen / 10` entries
 * written to a stream, and on the transport's periodic check, one trim runs on the commands
 * connection, never delaying a publish. The stream can therefore exceed maxLen by that much
 * between trims, as `MAXLEN ~` lets it exceed by a node.
 *
 * A stream held above maxLen by a lagging group is logged once when it starts (naming the group,
 * the entry it needs and how to remove an abandoned group) and once when it ends, and reported in
 * the transport's stats (`trimHeldBy`).
 */
export class StreamTrimmer {
  private readonly trimEvery: number;
  private readonly writtenSinceTrim = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly held = new Map<string, TrimHold>();
  private trimmedTotal = 0;

  private readonly unread = new Map<string, number>();
  private unreadTotal = 0;

  constructor(
    private readonly maxLen: number,
    private readonly maxLenHard: number,
    private readonly commands: () => Redis | undefined,
    private readonly log: Logger,
  ) {
    this.trimEvery = Math.max(1, Math.floor(maxLen / 10));
  }

  /** Entries trimmed at maxLenHard that a group had not read, by group. */
  unreadLost(): Record<string, number> {
    return Object.fromEntries(this.unread);
  }

  /** All entries trimmed at maxLenHard unread by some group, counted once per group that lost them. */
  get unreadLostTotal(): number {
    return this.unreadTotal;
  }

  /** `count` entries were written to `stream`; trims it once enough have been since the last trim. */
  written(stream: string, count: number): void {
    if (!(this.maxLen > 0)) return;
    const since = (this.writtenSinceTrim.get(stream) ?? 0) + count;
    this.writtenSinceTrim.set(stream, since);
    if (since >= this.trimEvery && !this.running.has(stream)) void this.trim(stream);
  }

  /** Trims every stream written since its last trim, and every stream held above maxLen. Resolves when done. */
  async trimAll(): Promise<void> {
    await this.idle(); // a trim already running may predate the latest writes
    const streams = new Set([...this.writtenSinceTrim.keys(), ...this.held.keys()]);
    await Promise.all([...streams].map((stream) => this.trim(stream)));
  }

  /** Resolves once no trim is running (before the connection it uses closes). */
  async idle(): Promise<void> {
    await Promise.all([...this.running.values()]);
  }

  /** Entries deleted by this process's trims. */
  get trimmed(): number {
    return this.trimmedTotal;
  }

  /** Streams held above maxLen right now, by stream. */
  holds(): Record<string, TrimHold> {
    return Object.fromEntries(this.held);
  }

  /** One trim of `stream` at a time; a second request while one runs waits for it. */
  private trim(stream: string): Promise<void> {
    const running = this.running.get(stream);
    if (running !== undefined) return running;
    this.writtenSinceTrim.delete(stream);
    const run = this.runTrim(stream).finally(() => this.running.delete(stream));
    this.running.set(stream, run);
    return run;
  }

  private async runTrim(stream: string): Promise<void> {
    const commands = this.commands();
    if (commands === undefined || commands.status !== "ready") return; // the next write or check tries again
    let reply: unknown;
    try {
      reply = await evalTrim(commands, stream, this.maxLen, this.maxLenHard);
    } catch (error) {
      this.log.warn({ stream, err: toError(error).message }, "redis stream trim failed; it is tried again after the next writes");
      return;
    }
    const [trimmed, length, group, neededFrom, ...losses] = reply as [number, number, string, string, ...Array<string | number>];
    this.trimmedTotal += Number(trimmed);
    for (let i = 0; i + 1 < losses.length; i += 2) this.noteLoss(stream, String(losses[i]), Number(losses[i + 1]));
    this.noteHold(stream, group === "" ? undefined : { group, neededFrom, length: Number(length) });
  }

  /** At maxLenHard, `count` entries `group` had not read were trimmed: lost to it, and said so now. */
  private noteLoss(stream: string, group: string, count: number): void {
    this.unread.set(group, (this.unread.get(group) ?? 0) + count);
    this.unreadTotal += count;
    this.log.error(
      { stream, group, lost: count, totalLost: this.unread.get(group), maxLenHard: this.maxLenHard },
      `redis stream ${stream} reached maxLenHard ${this.maxLenHard}: trimmed ${count} entries consumer group "${group}" had not read; they are lost to it. ` +
        `If the group is abandoned, remove it (XGROUP DESTROY ${stream} ${group}); else add consumers or raise transport.maxLenHard`,
    );
  }

  private noteHold(stream: string, hold: TrimHold | undefined): void {
    const before = this.held.get(stream);
    if (hold === undefined) {
      if (before === undefined) return;
      this.held.delete(stream);
      this.log.info({ stream, group: before.group, maxLen: this.maxLen }, `redis stream ${stream} is trimmed to maxLen again`);
      return;
    }
    this.held.set(stream, hold);
    if (before?.group === hold.group) return;
    this.log.warn(
      { stream, group: hold.group, neededFrom: hold.neededFrom, length: hold.length, maxLen: this.maxLen },
      `redis stream ${stream} holds ${hold.length} entries, over maxLen ${this.maxLen}: consumer group "${hold.group}" has not read or acked entries from ${hold.neededFrom} on, ` +
        `and trimming never deletes those. It shrinks once the group catches up; if the group is abandoned, remove it: XGROUP DESTROY ${stream} ${hold.group}`,
    );
  }
}

/** EVALSHA of the trim script, loading it with EVAL the first time a server has not seen it. */
async function evalTrim(commands: Redis, stream: string, maxLen: number, maxLenHard: number): Promise<unknown> {
  try {
    return await commands.evalsha(TRIM_SHA, 1, stream, maxLen, maxLenHard);
  } catch (error) {
    if (!toError(error).message.includes("NOSCRIPT")) throw error;
    return commands.eval(TRIM_SCRIPT, 1, stream, maxLen, maxLenHard);
  }
}
