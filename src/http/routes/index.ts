// The app's HTTP routes (everything but /slack/events), one module per context plus operations.
export { supportRoutes } from "./support.ts";
export { successRoutes } from "./success.ts";
export { segmentRoutes } from "./segment.ts";
export { feedbackRoutes } from "./feedback.ts";
export { operationsRoutes } from "./operations.ts";
