// The words beside a chart uploaded to Slack: the comment and the image's alt text.
import { escapeSlackText } from "./limits.ts";

export const accountChartComment = (name: string): string => `Health of *${escapeSlackText(name)}* over the last 90 days.`;
export const accountChartAlt = (name: string): string =>
  `Line chart: the health score of ${name} and its main components over the last 90 days`;
export const accountChartTitle = (name: string): string => `${name}: health, 90 days`;

export const SUPPORT_TREND_COMMENT = "Tickets and median first response per week, last 12 weeks.";
export const SUPPORT_TREND_ALT = "Bar chart of tickets per week with a line of the median first response in business hours, last 12 weeks";
export const SUPPORT_TREND_TITLE = "Support, last 12 weeks";
