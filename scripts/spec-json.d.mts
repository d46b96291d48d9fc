/** Types of spec-json.mjs (Kafka's message specs: JSON with // comments). */

/** `text` with its // comments (whole-line and trailing, outside strings) replaced by line ends, so JSON.parse reads it and line numbers stay. */
export function stripComments(text: string): string
