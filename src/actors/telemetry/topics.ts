import { PlexusError } from "../../common/errors.js";

/** What a layer reports on: its health or its performance. */
export type LayerTelemetryKind = "health" | "performance";

/** First segments of every telemetry topic. */
export const TELEMETRY_TOPIC_ROOT = "kasmina.telemetry";

/** `kasmina.telemetry.layer.<layer>.health` or `….performance`. */
export function layerTelemetryTopic(layer: string | number, kind: LayerTelemetryKind): string {
  return `${TELEMETRY_TOPIC_ROOT}.layer.${segment(layer, "layer")}.${kind}`;
}

/** `kasmina.telemetry.seed.<layer>.<seed>.metrics`. */
export function seedTelemetryTopic(layer: string | number, seed: string | number): string {
  return `${TELEMETRY_TOPIC_ROOT}.seed.${segment(layer, "layer")}.${segment(seed, "seed")}.metrics`;
}

function segment(value: string | number, what: string): string {
  const text = String(value);
  // A dot would add a level and a wildcard would turn the topic into a pattern.
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(text)) {
    throw new PlexusError("INVALID_TOPIC", `telemetry ${what} "${text.slice(0, 140)}" must be 1-128 letters, digits, "_" or "-"`, {
      retryable: false,
    });
  }
  return text;
}
