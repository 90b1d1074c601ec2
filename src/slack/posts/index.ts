// The Slack adapter's outbox writers: what each context's notifier port becomes in Slack.
export { SlackTicketPosts } from "./ticket-posts.ts";
export { SlackSupportSummary } from "./support-summary.ts";
export { SlackAlertPosts } from "./alert-posts.ts";
export { SlackFeedbackPosts } from "./feedback-posts.ts";
export { SlackDigestPosts } from "./voc-digest.ts";
export { SlackNotices } from "./notices.ts";
export { linkTicketThreads } from "./thread-links.ts";
export { SlackCardLinks } from "./card-links.ts";
