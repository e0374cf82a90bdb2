/**
 * Names a document may mention that no watched module defines: the languages' own built-ins and
 * the standard objects. A backticked name among them is never asked about.
 */
export const WELL_KNOWN_SYMBOLS: ReadonlySet<string> = new Set([
  // Python built-ins and common standard modules
  ...["print", "len", "range", "open", "isinstance", "issubclass", "super", "dict", "list", "set", "tuple", "str", "int", "float"],
  ...["bool", "bytes", "getattr", "setattr", "hasattr", "delattr", "sorted", "reversed", "enumerate", "zip", "map", "filter"],
  ...["next", "iter", "type", "repr", "hash", "id", "min", "max", "sum", "any", "all", "abs", "round", "format", "input", "vars"],
  ...["dir", "exit", "callable", "object", "property", "staticmethod", "classmethod", "os", "sys", "re", "json", "time", "asyncio"],
  ...["logging", "pathlib", "typing", "dataclass", "dataclasses", "functools", "itertools", "collections", "subprocess"],
  ...["ValueError", "TypeError", "KeyError", "IndexError", "RuntimeError", "NotImplementedError", "AttributeError", "OSError"],
  ...["FileNotFoundError", "StopIteration", "KeyboardInterrupt", "ImportError", "ModuleNotFoundError", "TimeoutError"],
  // JavaScript / Node.js globals
  ...["console", "JSON", "Math", "Object", "Array", "Promise", "Date", "Map", "Set", "WeakMap", "WeakSet", "Symbol", "Number"],
  ...["String", "Boolean", "Error", "RegExp", "BigInt", "Reflect", "Proxy", "require", "import", "fetch", "setTimeout"],
  ...["setInterval", "clearTimeout", "clearInterval", "setImmediate", "queueMicrotask", "structuredClone", "parseInt"],
  ...["parseFloat", "process", "Buffer", "globalThis", "module", "exports", "AbortController", "AbortSignal", "EventEmitter"],
  ...["TextEncoder", "TextDecoder", "ArrayBuffer", "SharedArrayBuffer", "Uint8Array", "DataView", "URLSearchParams"],
  ...["ReadableStream", "WritableStream", "TypeScript", "JavaScript", "GitHub", "PyPI", "NodeJS"],
  // Test runners
  ...["describe", "it", "test", "expect", "beforeEach", "afterEach", "beforeAll", "afterAll"],
]);
