// The one error the domain throws for something a person asked that cannot be done: a stable code and
// the facts behind it, never wording. The Slack adapter chooses what to tell the person
// (src/slack/blocks/errors.ts); the HTTP routes map the code to a status (src/http/errors.ts).
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    readonly details: Readonly<Record<string, string | number | boolean | null | readonly string[]>> = {},
  ) {
    super(`${code}${Object.keys(details).length ? ` ${JSON.stringify(details)}` : ""}`);
    this.name = "DomainError";
  }
}

export function isDomainError(error: unknown, code?: string): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}
