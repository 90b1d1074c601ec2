// A unique constraint refused a write (Prisma's P2002, on both providers): the row was made by someone else
// a moment ago, and the caller usually reads theirs instead.
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
