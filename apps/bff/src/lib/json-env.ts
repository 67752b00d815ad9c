import { z } from 'zod';

/**
 * An environment variable holding JSON, validated by `schema`, with `defaults` when unset or empty. Failures
 * become issues on the variable (with the failing JSON path), so config parsing names them and the process exits.
 */
export function jsonEnv<S extends z.ZodType>(schema: S, defaults: z.output<S>) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): z.output<S> => {
      if (raw === undefined || raw.trim() === '') return defaults;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        for (const issue of parsed.error.issues)
          ctx.addIssue({ code: 'custom', message: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
        return z.NEVER;
      }
      return parsed.data;
    });
}
