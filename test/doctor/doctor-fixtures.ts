import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** A temp directory holding config files and contract dirs for one doctor test. */
export class DoctorScratch {
  private constructor(readonly dir: string) {}

  static async create(): Promise<DoctorScratch> {
    return new DoctorScratch(await mkdtemp(path.join(tmpdir(), "plexus-doctor-")));
  }

  /** Writes `contracts/<name>` files (name → JSON text) and returns the contracts dir. */
  async contracts(files: Record<string, string>): Promise<string> {
    const dir = path.join(this.dir, "contracts");
    await mkdir(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  }

  /** Writes a YAML config and returns its path. */
  async config(yaml: string, name = "plexus.yaml"): Promise<string> {
    const file = path.join(this.dir, name);
    await writeFile(file, yaml);
    return file;
  }

  dispose(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/** A valid contract file governing `doctor.test.*`. */
export const GOOD_CONTRACT = JSON.stringify({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  "x-topic": "doctor.test.*",
  type: "object",
  properties: { n: { type: "integer" } },
});

/** A contract whose schema does not compile (unknown type name). */
export const BROKEN_CONTRACT = JSON.stringify({
  $schema: "https://json-schema.org/draft/2020-12/schema",
  "x-topic": "doctor.broken",
  type: "integr",
});

/** A TCP port that was free a moment ago (bound on port 0, then released): nothing listens there. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server on an ephemeral port that accepts connections and never speaks. */
export async function silentTcpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<import("node:net").Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The part of a config every doctor test shares; ops off unless a test is about it. */
export function configYaml(transport: string, extra = "", ops = "{ enabled: false }"): string {
  return ["runtime:", "  name: doctor-test", `  ops: ${ops}`, `transport: ${transport}`, extra, "children: []", ""].join("\n");
}
