import type { Bus, SubscribeOptions, Subscription } from "../../transports/bus/bus.js";
import type { Envelope } from "../../transports/envelope.js";
import { decodeBatch, isTelemetryBatch } from "./batch-codec.js";

/** Called once per sample, with the envelope that carried it (a batch's envelope for batched samples). */
export type SampleHandler<S = unknown> = (sample: S, envelope: Envelope) => void;

/**
 * Subscribes to telemetry samples on `pattern`: batches (compressed or not) are unpacked and the
 * handler sees one sample at a time, in recorded order; a message that is not a batch is handed
 * over as one sample. A batch that cannot be decoded fails its delivery (dead-lettered by the bus
 * with reason `handler-error`, after redeliveries on Redis).
 */
export function subscribeTelemetry<S = unknown>(
  bus: Bus,
  pattern: string,
  handler: SampleHandler<S>,
  options?: SubscribeOptions,
): Promise<Subscription> {
  return bus.subscribe(
    pattern,
    (envelope) => {
      if (!isTelemetryBatch(envelope)) {
        handler(envelope.payload as S, envelope);
        return;
      }
      for (const sample of decodeBatch(envelope)) handler(sample as S, envelope);
    },
    options,
  );
}
