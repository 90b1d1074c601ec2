// What a person is told when they ask for something their role does not allow (src/shared/access.ts).
import type { DomainError } from "../../shared/errors.ts";

const TEAM: Record<string, string> = {
  triage: "the support team",
  "support-admin": "support admins",
  success: "the customer success team",
  product: "the product team",
  staff: "the company's own team",
};

/** The refusal for a duty ("access.denied"), or null for any other error. */
export function accessDeniedText(error: DomainError): string | null {
  if (error.code !== "access.denied") return null;
  const team = TEAM[String(error.details.duty)] ?? TEAM.staff;
  if (error.details.outsider === "other_workspace" || error.details.outsider === "guest")
    return `Sorry, this is for ${team} of this workspace only.`;
  return `Sorry, this is for ${team}. Ask an admin to add you (see the app's docs/security.md).`;
}
