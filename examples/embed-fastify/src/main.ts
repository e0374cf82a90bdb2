/**
 * Runs the example service: `npx tsx examples/embed-fastify/src/main.ts` (PORT, HOST, STATE_DIR
 * from the environment). SIGTERM or SIGINT closes it gracefully: the HTTP server stops taking
 * requests, finishes the ones in flight, then the plexus runtime stops its actors in order (the
 * ledger saves its totals, the seeds their snapshots). A second signal exits at once.
 */
import { buildService } from "./service.js";

const { app } = await buildService({ stateDir: process.env.STATE_DIR ?? ".plexus-example", logger: true });
await app.listen({ host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 3000) });

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (closing) process.exit(130);
    closing = true;
    app.log.info({ signal }, "closing the service");
    app.close().then(
      () => app.log.info("service closed"),
      (error: unknown) => {
        app.log.error({ err: error }, "closing the service failed");
        process.exitCode = 1;
      },
    );
  });
}
