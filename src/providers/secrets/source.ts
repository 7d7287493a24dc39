/**
 * Where provider credentials come from: a named secret holding JSON (Secrets Manager when
 * deployed). Never a message field, never plain configuration: the configuration only names
 * the secret. Implementations cache (a Lambda reads each secret once per cold start, then again
 * only after a max age, so a rotated key is picked up without a redeploy).
 */
export interface SecretSource {
  /**
   * The secret's current string value, or undefined when no such secret exists. Other
   * failures throw the underlying error (SDK exception) for loadProviderSecret to classify.
   */
  getSecretString(name: string): Promise<string | undefined>;
}
