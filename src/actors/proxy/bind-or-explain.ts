import type { XPublisher, XSubscriber } from "zeromq";
import { findEndpointHolder } from "./endpoint-holder.js";
import { EndpointInUseError } from "./endpoint-in-use-error.js";

export function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null ? (error as { code?: string }).code : undefined;
}

/** Binds `socket`; an endpoint someone else holds becomes {@link EndpointInUseError} naming the holder. */
export async function bindOrExplain(socket: XSubscriber | XPublisher, endpoint: string): Promise<void> {
  try {
    await socket.bind(endpoint);
  } catch (error) {
    if (errorCode(error) === "EADDRINUSE") throw new EndpointInUseError(endpoint, await findEndpointHolder(endpoint), error);
    throw error;
  }
}
