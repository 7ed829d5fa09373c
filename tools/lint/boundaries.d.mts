// Types for boundaries.mjs (plain JS, because eslint.config.mjs loads it without a TypeScript loader).
export declare const MAY_IMPORT: Record<string, readonly string[]>;
export declare function roomOf(file: string): string | undefined;
export declare const boundariesRule: unknown;
