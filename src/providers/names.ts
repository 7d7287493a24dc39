/** Adapter instance names: what messages put in `provider`, and what results and errors carry. */
export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The problem with an adapter's `name` option, if any (for a ConfigError listing every problem). */
export function providerNameProblem(name: string | undefined): string | undefined {
  return name !== undefined && !PROVIDER_NAME.test(name) ? `provider name "${name}" must be lower-case letters, digits, _ or -` : undefined;
}
