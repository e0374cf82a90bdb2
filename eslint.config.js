import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";
import layers from "./lint/layers.js";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      ".plexus/**",
      "test/fixtures/monitors/integration/**",
      "test/fixtures/monitors/capability/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { plexus: layers },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-eval": "error",
      "no-new-func": "error",
      "plexus/layers": "error",
    },
  },
  {
    // Rules that need type information: a promise nobody awaits loses its rejection, and a promise
    // passed where a callback's result is ignored (an event listener, setInterval) does the same.
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
    },
  },
);
