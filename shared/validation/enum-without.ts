import * as z from './zod.ts';

/** An enum without some of its values: what classic zod's `.exclude` does, which `zod/mini` lacks. */
export function enumWithout<T extends Readonly<Record<string, string>>, const K extends keyof T & string>(
  schema: z.ZodMiniEnum<T>,
  excluded: readonly K[],
): z.ZodMiniEnum<Omit<T, K>> {
  const entries = Object.fromEntries(
    Object.entries(schema._zod.def.entries).filter(([key]) => !(excluded as readonly string[]).includes(key)),
  );
  return z.enum(entries) as unknown as z.ZodMiniEnum<Omit<T, K>>;
}
