// Who is acting: a person in Slack (with the workspace they belong to, when known), an API client, or
// one of the app's own jobs. Every use case receives one, so permission checks have one home.
export type Actor = { kind: "user"; userId: string; teamId?: string | null } | { kind: "api" } | { kind: "job"; job: string };

export const userActor = (userId: string, teamId?: string | null): Actor => ({ kind: "user", userId, teamId: teamId ?? null });
export const apiActor: Actor = { kind: "api" };
export const jobActor = (job: string): Actor => ({ kind: "job", job });

/** The Slack user behind an actor, or null for the API and jobs. */
export const actorUserId = (actor: Actor): string | null => (actor.kind === "user" ? actor.userId : null);
