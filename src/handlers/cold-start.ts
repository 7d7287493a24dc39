/**
 * Cold-start wiring for the Lambda entry points. A handler's dependencies (configuration, SDK
 * clients, provider secrets from Secrets Manager) are built by an async factory once per
 * container; the promise lives at module scope and every invocation awaits the same one.
 *
 * - `eager` (inside Lambda): the build starts while the module is imported, i.e. in the init
 *   phase, before the first event arrives. The bundles are ESM (lib/defaults.ts BUNDLING), so a
 *   top-level await would work too; a module-scope promise is used instead so that importing
 *   a handler module (tests, the local pipeline) never needs the Lambda environment, and so
 *   that a failed build can be retried.
 * - A failed build is not kept: the next invocation builds again. A throttled Secrets
 *   Manager read at cold start must not leave the container failing every event until it is
 *   recycled; a ConfigError simply fails again, with the same list of problems.
 */
export function coldStart<T>(build: () => T | Promise<T>, opts: { readonly eager?: boolean } = {}): () => Promise<T> {
  let pending: Promise<T> | undefined;
  const get = (): Promise<T> =>
    (pending ??= Promise.resolve()
      .then(build)
      .catch((error: unknown) => {
        pending = undefined;
        throw error;
      }));
  // Started during init; its failure is reported by the first invocation, not as an unhandled rejection.
  if (opts.eager) get().catch(() => undefined);
  return get;
}

/** True inside a Lambda execution environment (the runtime sets this for every function). */
export const IN_LAMBDA = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
