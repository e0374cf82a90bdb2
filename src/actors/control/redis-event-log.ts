import type { Redis } from "ioredis";
import { PlexusError } from "../../common/errors.js";
import type { Logger } from "../../common/logger.js";
import { redactUrl } from "../../common/redact-url.js";
import { seqGapMessage, type EventLog } from "./event-log.js";
import { isLoggedTransition, type LoggedTransition } from "./lifecycle-ack.js";

/** Records read per XRANGE while rebuilding. */
const PAGE = 1_000;

/**
 * The event log as a Redis stream, for the redis transport. Each record is added with the
 * explicit entry id `<seq>-0`, so Redis itself refuses a record that does not come after the last
 * one: a controller that lost track (or a second writer) fails loudly instead of logging a
 * transition twice. Durability is that of the Redis server (its AOF/RDB settings).
 */
export class RedisEventLog implements EventLog {
  readonly where: string;
  private client: Redis | undefined;
  private last = 0;

  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly log: Logger,
  ) {
    this.where = `redis stream ${key} at ${redactUrl(url)}`;
  }

  get lastSeq(): number {
    return this.last;
  }

  async open(afterSeq: number): Promise<LoggedTransition[]> {
    // Loaded here: the redis client is only needed by a controller whose runtime uses redis. Like
    // the transport's command connections, commands fail fast while Redis is away (the controller
    // then restarts from the log) instead of queueing behind its back.
    const { Redis } = await import("ioredis");
    const client = new Redis(this.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 5_000,
      connectionName: "plexus:event-log",
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    let reported = false;
    client.on("error", (error: Error) => {
      if (!reported) this.log.warn({ where: this.where, err: error.message }, "event log redis connection error; reconnecting");
      reported = true;
    });
    client.on("ready", () => void (reported = false));
    this.client = client;
    await client.connect();
    const top = await client.xrevrange(this.key, "+", "-", "COUNT", 1);
    this.last = top[0] === undefined ? 0 : seqOfId(top[0][0]);
    const tail: LoggedTransition[] = [];
    let from = afterSeq + 1;
    for (;;) {
      const page = await this.read(from, PAGE);
      tail.push(...page);
      if (page.length < PAGE) break;
      from = (page[page.length - 1] as LoggedTransition).seq + 1;
    }
    return tail;
  }

  async append(records: readonly LoggedTransition[]): Promise<void> {
    const client = this.opened();
    let seq = this.last;
    const pipeline = client.pipeline();
    for (const record of records) {
      if (record.seq !== seq + 1) throw new PlexusError("STATE_WRITE_FAILED", seqGapMessage(this.where, seq, record.seq));
      seq = record.seq;
      pipeline.xadd(this.key, `${record.seq}-0`, "r", JSON.stringify(record));
    }
    const results = (await pipeline.exec()) ?? [];
    const failed = results.find(([error]) => error !== null);
    if (failed !== undefined) {
      throw new PlexusError("STATE_WRITE_FAILED", `event log ${this.where}: XADD failed: ${(failed[0] as Error).message}`, {
        cause: failed[0],
      });
    }
    this.last = seq;
  }

  async read(fromSeq: number, limit: number): Promise<LoggedTransition[]> {
    const entries = await this.opened().xrange(this.key, `${Math.max(1, fromSeq)}-0`, "+", "COUNT", limit);
    const records: LoggedTransition[] = [];
    for (const [id, fields] of entries) {
      const text = fields[fields.indexOf("r") + 1];
      let value: unknown;
      try {
        value = text === undefined ? undefined : JSON.parse(text);
      } catch {
        value = undefined;
      }
      if (!isLoggedTransition(value) || value.seq !== seqOfId(id))
        throw new PlexusError("STATE_READ_FAILED", `event log ${this.where}: entry ${id} is not a transition record`, { retryable: false });
      records.push(value);
    }
    return records;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) await client.quit().catch(() => client.disconnect());
  }

  private opened(): Redis {
    if (this.client === undefined) throw new PlexusError("REDIS_NOT_CONNECTED", `event log ${this.where} is not open`);
    return this.client;
  }
}

function seqOfId(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}
