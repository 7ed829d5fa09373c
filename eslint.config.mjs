// Lint for gameday: type-aware rules for promises (a floating promise is a fault that may never be
// reverted), and the folder boundaries of docs/architecture.md (tools/lint/boundaries.mjs).
import tseslint from "typescript-eslint";
import { boundariesRule } from "./tools/lint/boundaries.mjs";

export default tseslint.config(
  { ignores: ["node_modules/**", "reports/**", ".gameday/**", "sock-shop/lite/public/**", "tools/control-plane/**", "test-results/**"] },
  {
    files: ["**/*.ts", "**/*.mjs"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: { allowDefaultProject: ["*.mjs", "bin/*.mjs", "tools/lint/*.mjs"] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin, gameday: { rules: { boundaries: boundariesRule } } },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "gameday/boundaries": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "no-unused-private-class-members": "error",
    },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unnecessary-type-assertion": "error",
    },
  },
);
