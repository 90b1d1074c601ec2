// Slack waits 3 seconds for an acknowledgement. A Web API lookup made before acknowledging gets a bounded
// share of that time; past it the caller goes on with its fallback (the lookup still fills the cache).
export const ACK_LOOKUP_BUDGET_MS = 800;

export function withinAckBudget<T>(work: Promise<T>, fallback: T, ms = ACK_LOOKUP_BUDGET_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
  });
  return Promise.race([work.catch(() => fallback), late]).finally(() => clearTimeout(timer));
}
