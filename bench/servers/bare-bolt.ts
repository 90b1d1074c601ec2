// A bare Bolt app: the default HTTPReceiver and one empty message listener. The baseline of the
// intake benchmark (bench/intake.ts starts it in its own process).
//
// Its Web API client points at the bench's Slack stand-in, so that whatever Bolt calls (nothing, when
// it is given its identity; auth.test on every event, when BENCH_BARE_IDENTITY=auth.test) is answered.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, LogLevel } from "@slack/bolt";
import { emit, loadMeter, required, serve } from "./protocol.ts";

const signingSecret = required("BENCH_SIGNING_SECRET");
const slackApiUrl = required("BENCH_SLACK_API_URL");

// With tokenVerificationEnabled: false and no botId/botUserId, Bolt 5 calls auth.test on every event,
// before the acknowledgement. Giving it the identity (as the desk does, from its own auth.test at
// start) keeps Slack off the ack path; BENCH_BARE_IDENTITY=auth.test measures the other way.
const identity = process.env.BENCH_BARE_IDENTITY === "auth.test" ? {} : { botId: "BBOT", botUserId: "UBOT" };

const app = new App({
  token: "xoxb-bench",
  signingSecret,
  tokenVerificationEnabled: false,
  ...identity,
  clientOptions: { slackApiUrl },
  logLevel: LogLevel.WARN,
});
app.message(async () => {});

const server = (await app.start(0)) as Server;
const meter = loadMeter();
emit({ bench: "ready", port: (server.address() as AddressInfo).port });

serve(
  async (command) => {
    if (command === "mark") {
      meter.mark();
      emit({ bench: "marked" });
    } else if (command === "report") {
      emit({ bench: "report", load: meter.read() });
    } else {
      emit({ bench: "error", command, message: `unknown command ${command}` });
    }
  },
  async () => {
    await app.stop();
  },
);
