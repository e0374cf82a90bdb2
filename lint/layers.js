/**
 * The `plexus/layers` lint rule: keeps `src/` layered and its backends behind the transport
 * factory. Each relative import is resolved against the importing file, so the rule sees real
 * folders, not spellings of paths.
 *
 * - Layers, bottom to top: common ← transports ← runtime ← actors ← entry points (cli, doctor,
 *   testing, index, create-runtime). A file imports its own layer or lower ones, never higher.
 * - Transport backends (`transports/memory|zmq|redis/`) are loaded only by the factory
 *   (`transports/create-transport.ts`) and by files of the same backend, so that nothing else
 *   depends on ZeroMQ or Redis by accident.
 * - Inside the runtime, `hosting/` (one hosted actor) sits below `supervision/` (which hosts them).
 */
import path from "node:path";

const LAYERS = ["common", "transports", "runtime", "actors"];
const ENTRY = LAYERS.length;
const BACKENDS = new Set(["memory", "zmq", "redis"]);
const FACTORY = "transports/create-transport.ts";
/** Pure naming modules of a backend that diagnostics may read; each entry says why. */
const BACKEND_EXCEPTIONS = new Map([
  // plexus doctor removes the stream its round trip created, so it must know the key names.
  ["doctor", new Set(["transports/redis/stream-layout.ts"])],
  // The public API offers the in-process transport to embedders who build a Bus by hand; it loads
  // no native module.
  ["index.ts", new Set(["transports/memory/transport.ts"])],
]);
/** Folders that must not import another folder of the same layer: [lower, higher]. */
const FOLDER_ORDER = [["runtime/hosting", "runtime/supervision"]];

function layerOf(relative) {
  const index = LAYERS.indexOf(relative.split("/")[0]);
  return index === -1 ? ENTRY : index;
}

function layerName(index) {
  return index === ENTRY ? "entry points" : LAYERS[index];
}

function backendOf(relative) {
  const [top, backend] = relative.split("/");
  return top === "transports" && BACKENDS.has(backend) && relative.split("/").length > 2 ? backend : undefined;
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "imports follow the layers common ← transports ← runtime ← actors ← entry points" },
    schema: [{ type: "object", properties: { srcDir: { type: "string" } }, additionalProperties: false }],
  },
  create(context) {
    const srcDir = path.resolve(context.cwd, context.options[0]?.srcDir ?? "src");
    const file = context.filename;
    const from = path.relative(srcDir, file).split(path.sep).join("/");
    if (from.startsWith("..")) return {};

    /** Type-only imports load nothing at run time, so they cannot pull a backend in. */
    function check(node, specifier, typeOnly = false) {
      if (typeof specifier !== "string" || !specifier.startsWith(".")) return;
      const resolved = path.resolve(path.dirname(file), specifier).replace(/\.js$/, ".ts");
      const to = path.relative(srcDir, resolved).split(path.sep).join("/");
      if (to.startsWith("..")) return;
      const fromLayer = layerOf(from);
      const toLayer = layerOf(to);
      if (toLayer > fromLayer) {
        context.report({
          node,
          message: `${from} (${layerName(fromLayer)}) imports ${to} (${layerName(toLayer)}): layers go common ← transports ← runtime ← actors ← entry points; move the shared part down or pass it in`,
        });
        return;
      }
      const backend = backendOf(to);
      if (backend !== undefined && !typeOnly && backendOf(from) !== backend && from !== FACTORY) {
        const allowed = BACKEND_EXCEPTIONS.get(from.split("/")[0]);
        if (!allowed?.has(to)) {
          context.report({
            node,
            message: `${from} imports the ${backend} backend (${to}): only ${FACTORY} loads backends; use the Transport contract instead`,
          });
          return;
        }
      }
      for (const [lower, higher] of FOLDER_ORDER) {
        if (from.startsWith(`${lower}/`) && to.startsWith(`${higher}/`)) {
          context.report({ node, message: `${from} imports ${to}: ${lower}/ sits below ${higher}/; move the shared part into ${lower}/` });
        }
      }
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value, node.importKind === "type"),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value, node.exportKind === "type"),
      ExportAllDeclaration: (node) => check(node.source, node.source.value, node.exportKind === "type"),
      ImportExpression: (node) => node.source.type === "Literal" && check(node.source, node.source.value),
    };
  },
};

export default { rules: { layers: rule } };
