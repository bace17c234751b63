/** Escapes LIKE wildcards so user input matches literally (used with ESCAPE '\' on both databases). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
