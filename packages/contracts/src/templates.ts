/** Meta template placeholders are {{1}}, {{2}}, ... (positional). */
const PLACEHOLDER = /\{\{\s*(\d+)\s*\}\}/g;

/** Number of distinct positional variables a template body uses (the highest index). */
export function countVariables(text: string | null | undefined): number {
  if (!text) return 0;
  let max = 0;
  for (const m of text.matchAll(PLACEHOLDER)) max = Math.max(max, Number(m[1]));
  return max;
}

/** Fills {{n}} with variables[n-1]; an empty or missing value keeps the placeholder visible. */
export function renderTemplate(text: string, variables: readonly string[]): string {
  return text.replace(PLACEHOLDER, (whole, n: string) => {
    const v = variables[Number(n) - 1];
    return v && v.trim() ? v : whole;
  });
}

/** Indexes (0-based) of variables that are required by the body but empty. */
export function missingVariables(text: string, variables: readonly string[]): number[] {
  const missing: number[] = [];
  for (let i = 0; i < countVariables(text); i++) if (!variables[i]?.trim()) missing.push(i);
  return missing;
}
