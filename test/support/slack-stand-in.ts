/**
 * A local HTTP stand-in for Slack's Web API, used by the tests.
 *
 * Point a WebClient at it with `slackApiUrl: standIn.apiUrl`. It keeps the
 * messages it was sent per channel, records every call, validates the Block Kit
 * limits the app is likely to hit and can inject faults (429 / 5xx / errors).
 *
 * Direct messages work as in Slack: `conversations.open` (users=<user ID>) gives the app's DM channel
 * with that person (a `D…` ID, the same each time); `chat.postMessage` to a user ID posts there; the
 * methods that read or change a conversation (`conversations.history`/`replies`, `chat.update`...) take
 * channel IDs only and answer `channel_not_found` for a user ID. `messages(userId)` reads the DM.
 *
 * File uploads work as files.uploadV2 makes them: `files.getUploadURLExternal` (filename, length) answers a
 * `file_id` and an `upload_url` on the stand-in itself; a POST of the bytes there is kept; then
 * `files.completeUploadExternal` (files=[{id,title}], channel_id, thread_ts, initial_comment) records the
 * file in `uploads` with its bytes, channel and thread. `failUploads` makes the upload POST answer 500.
 *
 * It also plays Slack's Socket Mode: `apps.connections.open` (app-level `xapp-` token) hands out a
 * `ws://` URL on the same server, where a small built-in WebSocket endpoint says hello, answers pings and
 * closes cleanly; `socketSend` delivers an envelope and resolves with the client's acknowledgement.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createHash, randomUUID } from "node:crypto";
import type { Duplex } from "node:stream";
import { seededRandom } from "../../tools/backtest/prng.ts";

/** A message as stored by the stand-in. */
export interface Msg {
  channel: string;
  ts: string;
  thread_ts?: string;
  /** A thread reply also shown in the channel (chat.postMessage's reply_broadcast). */
  reply_broadcast?: boolean;
  text: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: unknown;
  user: string;
  bot_id?: string;
  /** The name and picture a post is shown with (chat.postMessage's username and icon_url; chat:write.customize). */
  username?: string;
  icon_url?: string;
  /** How many times chat.update changed it. */
  edited?: number;
  /** Previous versions, oldest first. */
  history: Array<{ text: string; blocks?: unknown[] }>;
}

export interface CallRecord {
  method: string;
  args: Record<string, any>;
  token?: string;
  /** HTTP status answered. */
  status: number;
  /** Slack error code (or "http_<status>") when the call did not answer ok:true. */
  error?: string;
  at: number;
}

export interface ResponseRecord {
  id: string;
  body: any;
  at: number;
}
export interface Ephemeral {
  channel: string;
  user: string;
  text: string;
  blocks?: unknown[];
}
export interface ViewRecord {
  method: string;
  id: string;
  view: Record<string, any>;
  args: Record<string, any>;
}
export interface UserRecord {
  id: string;
  name: string;
  real_name: string;
  team_id: string;
  profile?: { email?: string; display_name?: string; image_72?: string };
}
/** A file uploaded with files.getUploadURLExternal + the upload POST + files.completeUploadExternal. */
export interface UploadRecord {
  id: string;
  filename: string;
  title?: string;
  alt_text?: string;
  bytes: Buffer;
  /** Where completeUploadExternal shared it; undefined: kept private to the app. */
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
}

/** A file as files.info describes it (the fields the app reads; anything else is passed through). */
export interface FileRecord {
  id: string;
  name?: string | null;
  title?: string | null;
  mimetype?: string;
  filetype?: string;
  pretty_type?: string;
  size?: number;
  mode?: string;
  permalink?: string;
  file_access?: string;
  [field: string]: unknown;
}
export interface TeamRecord {
  id: string;
  name: string;
  domain?: string;
}

export type FaultReply = { status: 429; retryAfter?: number } | { status: 500 | 502 | 503 } | { error: string };

export interface FaultRateOptions {
  methods?: string[];
  retryAfter?: number;
  seed?: number;
  /** The share of faults that are 429s (the rest are 500 or 503); 0.5 unless set. */
  rateLimitedShare?: number;
}

type Answer = { ok: true; [key: string]: unknown } | { ok: false; error: string };
type Handler = (args: Record<string, any>, token?: string) => Answer;

/** An envelope for `socketSend`, as Slack sends them over a Socket Mode connection. */
export interface SocketEnvelope {
  type: "events_api" | "interactive" | "slash_commands";
  payload: object;
  retry_attempt?: number;
  retry_reason?: string;
  accepts_response_payload?: boolean;
}

/** What a Socket Mode client answers to an envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

/** Slack's first message on a new Socket Mode connection. */
export const SOCKET_HELLO = {
  type: "hello",
  num_connections: 1,
  debug_info: { host: "local", approximate_connection_time: 18060 },
  connection_info: { app_id: "A111" },
} as const;

const SOCKET_ACK_TIMEOUT_MS = 10_000;

const JSON_FIELDS = ["blocks", "attachments", "metadata", "view", "files"] as const;
const MAX_BLOCKS = 50;
const MAX_PRIVATE_METADATA = 3000;
const MAX_VIEW_BLOCKS = 100;
const MAX_BLOCK_TEXT = 3000;
const MAX_MESSAGE_TEXT = 40000;

const fail = (error: string): Answer => ({ ok: false, error });
/** A user ID (U…, W… on Enterprise Grid), not a channel ID. */
const isUserId = (id: string): boolean => /^[UW][A-Z0-9]{2,}$/.test(id);
const truthy = (v: unknown): boolean => v === true || v === 1 || v === "true" || v === "1";
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined);

/** Compares two Slack timestamps ("secs.micros") exactly, without float rounding. */
function compareTs(a: string, b: string): number {
  const [as, af = ""] = a.split(".");
  const [bs, bf = ""] = b.split(".");
  const ai = BigInt(as || "0") * 1_000_000n + BigInt(af.padEnd(6, "0").slice(0, 6) || "0");
  const bi = BigInt(bs || "0") * 1_000_000n + BigInt(bf.padEnd(6, "0").slice(0, 6) || "0");
  return ai < bi ? -1 : ai > bi ? 1 : 0;
}

/** True if any `text` string inside the tree is longer than `limit`. */
function hasLongText(node: unknown, limit: number): boolean {
  if (Array.isArray(node)) return node.some((n) => hasLongText(n, limit));
  if (node === null || typeof node !== "object") return false;
  return Object.entries(node).some(([k, v]) => (k === "text" && typeof v === "string" ? v.length > limit : hasLongText(v, limit)));
}

export class SlackStandIn {
  // --- knobs and fixtures the tests may set ---
  teamId = "T0HOME";
  botUserId = "UBOT";
  botId = "BBOT";
  notInChannel = new Set<string>();
  missingChannels = new Set<string>();
  extShared = new Set<string>();
  badTokens = new Set<string>();
  /** Bot scopes the app is taken not to have: `chat:write.customize` refuses posts with a username or icon (missing_scope). */
  missingScopes = new Set<string>();
  users = new Map<string, UserRecord>();
  teams = new Map<string, TeamRecord>();
  usergroups = new Map<string, string[]>();
  /** What files.info answers per file id (an id not here: file_not_found). */
  files = new Map<string, FileRecord>();
  /** files.info answers this error for these file ids (e.g. "file_not_found", "access_denied"). */
  fileErrors = new Map<string, string>();
  /** Wait this long before answering each call. */
  delayMs = 0;
  /** The upload POST (to a files.getUploadURLExternal upload_url) answers 500 while set. */
  failUploads = false;

  // --- what it saw ---
  calls: CallRecord[] = [];
  ephemerals: Ephemeral[] = [];
  responses: ResponseRecord[] = [];
  views: ViewRecord[] = [];
  /** Messages removed with chat.delete. */
  deleted: Msg[] = [];
  /** Every message a Socket Mode client sent (acks included), parsed when it was JSON. */
  socketMessages: unknown[] = [];
  /** Files whose upload was completed (files.completeUploadExternal), in order. */
  uploads: UploadRecord[] = [];

  private server?: Server;
  private sockets = new Set<StandInSocket>();
  private socketTickets = new Set<string>();
  private socketTicketCounter = 0;
  private pendingAcks = new Map<
    string,
    { type: string; conn: StandInSocket; resolve: (ack: SocketAck) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }
  >();
  private port = 0;
  private byChannel = new Map<string, Msg[]>();
  /** A person's user ID to the app's DM channel with them. */
  private dms = new Map<string, string>();
  private tsMicros = Math.floor(Date.now() / 1000) * 1_000_000;
  private viewCounter = 0;
  private fileCounter = 0;
  /** Upload URLs handed out and not completed yet: file id to its name and the bytes POSTed (once). */
  private pendingUploads = new Map<string, { filename: string; length: number; alt_text?: string; bytes?: Buffer }>();
  private queued: Array<{ method: string; reply: FaultReply; left: number; channel?: string }> = [];
  private holds = new Map<string, { gate: Promise<void>; release: () => void }>();
  private rate?: { rate: number; methods?: string[]; retryAfter: number; rateLimitedShare: number; rand: () => number };
  private readonly handlers: Record<string, Handler> = {
    "chat.postMessage": (a) => this.postMessage(a),
    "chat.update": (a) => this.update(a),
    "chat.delete": (a) => this.remove(a),
    "chat.postEphemeral": (a) => this.postEphemeral(a),
    "chat.getPermalink": (a) => this.permalink(a),
    "conversations.history": (a) => this.history(a),
    "conversations.replies": (a) => this.replies(a),
    "conversations.info": (a) => this.conversationInfo(a),
    "conversations.open": (a) => this.openConversation(a),
    "auth.test": () => ({
      ok: true,
      url: "https://example.slack.com/",
      team: "Example",
      user: "desk",
      team_id: this.teamId,
      user_id: this.botUserId,
      bot_id: this.botId,
    }),
    "users.info": (a) => this.userInfo(a),
    "users.lookupByEmail": (a) => this.lookupByEmail(a),
    "files.info": (a) => this.fileInfo(a),
    "files.getUploadURLExternal": (a) => this.uploadUrl(a),
    "files.completeUploadExternal": (a) => this.completeUpload(a),
    "team.info": (a) => {
      const id = str(a.team) ?? this.teamId;
      return { ok: true, team: this.teams.get(id) ?? { id, name: `Team ${id}` } };
    },
    "usergroups.users.list": (a) => ({ ok: true, users: this.usergroups.get(str(a.usergroup) ?? "") ?? [] }),
    "views.open": (a) => this.view("views.open", a),
    "views.push": (a) => this.view("views.push", a),
    "views.update": (a) => this.view("views.update", a),
    "views.publish": (a) => this.view("views.publish", a),
    "apps.connections.open": (_a, token) => this.connectionsOpen(token),
  };

  // ------------------------------------------------------------------ lifecycle

  async start(port = 0): Promise<void> {
    if (this.server) throw new Error("SlackStandIn already started");
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.send(res, 500, { ok: false, error: `stand_in_crashed: ${String(err)}` });
      });
    });
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const hold of this.holds.values()) hold.release();
    this.holds.clear();
    for (const conn of this.sockets) conn.terminate(1001, "stand-in stopping"); // upgraded sockets are not "connections" any more
    this.sockets.clear();
    this.socketTickets.clear();
    server.closeAllConnections(); // fetch keeps connections alive
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get apiUrl(): string {
    return `${this.base()}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.base()}/response/${encodeURIComponent(id)}`;
  }

  /** Clears what was recorded and any faults; keeps users/teams/usergroups, files and their errors, channel sets and delayMs. */
  reset(): void {
    this.calls = [];
    this.ephemerals = [];
    this.responses = [];
    this.views = [];
    this.byChannel.clear();
    this.deleted = [];
    this.queued = [];
    this.rate = undefined;
    this.socketMessages = [];
    this.uploads = [];
    this.pendingUploads.clear();
    this.failUploads = false;
  }

  // ------------------------------------------------------------------ Socket Mode

  /** How many Socket Mode connections are open (hello sent, not closing). */
  socketConnections(): number {
    let n = 0;
    for (const conn of this.sockets) if (conn.open) n += 1;
    return n;
  }

  /**
   * Delivers an envelope over the newest open Socket Mode connection, as Slack does, and resolves with
   * the client's acknowledgement (`{ envelope_id, payload? }`). Rejects when no connection is open, when
   * the connection closes first, or when no ack arrives within `timeoutMs`.
   */
  async socketSend(envelope: SocketEnvelope, timeoutMs = SOCKET_ACK_TIMEOUT_MS): Promise<SocketAck> {
    const conn = this.newestSocket();
    if (!conn) {
      throw new Error(
        `socketSend(${envelope.type}): no open Socket Mode connection (has the app called apps.connections.open and connected?)`,
      );
    }
    const envelope_id = randomUUID();
    const events = envelope.type === "events_api";
    const message = {
      envelope_id,
      type: envelope.type,
      payload: envelope.payload,
      accepts_response_payload: envelope.accepts_response_payload ?? !events,
      // Slack sends these two with events only; a first delivery is attempt 0 with an empty reason.
      retry_attempt: envelope.retry_attempt ?? (events ? 0 : undefined),
      retry_reason: envelope.retry_reason ?? (events ? "" : undefined),
    };
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(envelope_id);
        reject(
          new Error(
            `socketSend(${envelope.type}): no ack for envelope ${envelope_id} within ${timeoutMs} ms (expected {"envelope_id":"${envelope_id}","payload":{...}} back)`,
          ),
        );
      }, timeoutMs);
      this.pendingAcks.set(envelope_id, { type: envelope.type, conn, resolve, reject, timer });
      conn.sendText(JSON.stringify(message));
    });
  }

  /** Sends Slack's `disconnect` message (the client should close and reconnect with a new URL). */
  socketDisconnect(reason: "warning" | "refresh_requested" | "link_disabled" = "refresh_requested"): void {
    const conn = this.newestSocket();
    if (!conn) throw new Error("socketDisconnect: no open Socket Mode connection");
    conn.sendText(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "local" } }));
  }

  private newestSocket(): StandInSocket | undefined {
    let newest: StandInSocket | undefined;
    for (const conn of this.sockets) if (conn.open) newest = conn;
    return newest;
  }

  private connectionsOpen(token: string | undefined): Answer {
    if (!token?.startsWith("xapp-")) return fail("invalid_auth");
    const ticket = String(++this.socketTicketCounter);
    this.socketTickets.add(ticket);
    return { ok: true, url: `ws://127.0.0.1:${this.port}/socket?ticket=${ticket}` };
  }

  /** The WebSocket handshake on /socket, for a ticket handed out by apps.connections.open (once). */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {});
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const key = req.headers["sec-websocket-key"];
    const refuse = (status: string) => socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    if (url.pathname !== "/socket" || typeof key !== "string" || (req.headers.upgrade ?? "").toLowerCase() !== "websocket") {
      refuse("400 Bad Request");
      return;
    }
    if (!this.socketTickets.delete(url.searchParams.get("ticket") ?? "")) {
      refuse("401 Unauthorized");
      return;
    }
    const accept = createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    const conn: StandInSocket = new StandInSocket(
      socket,
      (text) => this.onSocketText(text),
      () => this.onSocketGone(conn),
    );
    this.sockets.add(conn);
    conn.sendText(JSON.stringify(SOCKET_HELLO));
    if (head.length > 0) conn.feed(head);
  }

  private onSocketText(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.socketMessages.push(text);
      return;
    }
    this.socketMessages.push(msg);
    const id = msg !== null && typeof msg === "object" ? (msg as { envelope_id?: unknown }).envelope_id : undefined;
    const pending = typeof id === "string" ? this.pendingAcks.get(id) : undefined;
    if (!pending || typeof id !== "string") return;
    this.pendingAcks.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(msg as SocketAck);
  }

  private onSocketGone(conn: StandInSocket): void {
    this.sockets.delete(conn);
    for (const [id, pending] of this.pendingAcks) {
      if (pending.conn !== conn) continue;
      this.pendingAcks.delete(id);
      clearTimeout(pending.timer);
      pending.reject(new Error(`socketSend(${pending.type}): the Socket Mode connection closed before envelope ${id} was acknowledged`));
    }
  }

  // ------------------------------------------------------------------ queries

  /** The messages of a channel; for a user ID, of the app's DM with that person. */
  messages(channel: string): Msg[] {
    return this.byChannel.get(isUserId(channel) ? this.dmOf(channel) : channel) ?? [];
  }

  /** The app's DM channel with a person (as conversations.open gives it). */
  dmOf(userId: string): string {
    let id = this.dms.get(userId);
    if (!id) {
      id = `D${userId}`;
      this.dms.set(userId, id);
    }
    return id;
  }

  /** Calls to `method` that were answered ok. */
  callsTo(method: string): CallRecord[] {
    return this.calls.filter((c) => c.method === method && c.status === 200 && c.error === undefined);
  }

  /** Every attempt to call `method`, faulted or not. */
  allCallsTo(method: string): CallRecord[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Polls every 20 ms until `predicate` returns something truthy (exceptions count as "not yet"). */
  async waitFor<T>(predicate: () => T | undefined | false, timeoutMs = 10000, label?: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = predicate();
        if (value) return value;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() >= deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const recent = this.calls.slice(-10).map((c) => `  ${c.method}${c.error ? ` -> ${c.error}` : ""}`);
    throw new Error(
      `Timed out after ${timeoutMs} ms waiting for ${label ?? "condition"}` +
        (lastError ? `\nlast predicate error: ${String(lastError)}` : "") +
        `\nlast ${recent.length} Slack calls:\n${recent.join("\n") || "  (none)"}`,
    );
  }

  // ------------------------------------------------------------------ faults

  /**
   * Holds every call of `method` (recorded as it arrives) until the returned function is called, or
   * `stop()`: shows that nothing waits on that call.
   */
  hold(method: string): () => void {
    let resolve!: () => void;
    const hold = { gate: new Promise<void>((r) => (resolve = r)), release: () => resolve() };
    this.holds.set(method, hold);
    return () => {
      if (this.holds.get(method) === hold) this.holds.delete(method);
      hold.release();
    };
  }

  /**
   * Answers the next `times` calls of `method` ("*" = any) with `reply` instead of handling them; with
   * `channel`, only calls for that channel (posts to several channels go out concurrently, in no set order).
   */
  failNext(method: string, reply: FaultReply, times = 1, channel?: string): void {
    this.queued.push({ method, reply, left: times, channel });
  }

  /**
   * From now on, fault a share `rate` of matching calls: half (or `rateLimitedShare`) answer 429 (Retry-After),
   * the rest 500 or 503. Seeded, so runs are repeatable. `faultRate(0)` turns it off.
   */
  faultRate(rate: number, opts: FaultRateOptions = {}): void {
    this.rate =
      rate > 0
        ? {
            rate,
            methods: opts.methods,
            retryAfter: opts.retryAfter ?? 1,
            rateLimitedShare: opts.rateLimitedShare ?? 0.5,
            rand: seededRandom(opts.seed ?? 1),
          }
        : undefined;
  }

  private pickFault(method: string, channel: unknown): FaultReply | undefined {
    const q = this.queued.find(
      (f) => f.left > 0 && (f.method === "*" || f.method === method) && (f.channel === undefined || f.channel === channel),
    );
    if (q) {
      q.left -= 1;
      this.queued = this.queued.filter((f) => f.left > 0);
      return q.reply;
    }
    const r = this.rate;
    if (!r || (r.methods && !r.methods.includes(method)) || r.rand() >= r.rate) return undefined;
    const kind = r.rand();
    if (kind < r.rateLimitedShare) return { status: 429, retryAfter: r.retryAfter };
    return { status: kind < r.rateLimitedShare + (1 - r.rateLimitedShare) / 2 ? 500 : 503 };
  }

  // ------------------------------------------------------------------ HTTP

  private base(): string {
    if (!this.server) throw new Error("SlackStandIn not started");
    return `http://127.0.0.1:${this.port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const bytes = await readBody(req);
    const raw = bytes.toString("utf8");
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));

    if (req.method === "POST" && url.pathname.startsWith("/upload/")) {
      const pending = this.pendingUploads.get(decodeURIComponent(url.pathname.slice("/upload/".length)));
      if (this.failUploads) return this.send(res, 500, { ok: false, error: "upload_failed" });
      if (!pending || pending.bytes) return this.send(res, 404, { ok: false, error: "not_found" });
      pending.bytes = uploadedBytes(bytes, req.headers["content-type"]);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${bytes.length}`);
      return;
    }

    if (req.method === "POST" && url.pathname.startsWith("/response/")) {
      const id = decodeURIComponent(url.pathname.slice("/response/".length));
      this.responses.push({ id, body: parseBody(raw, req.headers["content-type"]) ?? raw, at: Date.now() });
      return this.send(res, 200, { ok: true });
    }
    if (!url.pathname.startsWith("/api/")) return this.send(res, 404, { ok: false, error: "not_found" });

    const method = url.pathname.slice("/api/".length);
    const body = parseBody(raw, req.headers["content-type"]);
    const args: Record<string, any> = { ...Object.fromEntries(url.searchParams), ...body };
    for (const field of JSON_FIELDS) {
      if (typeof args[field] === "string") {
        try {
          args[field] = JSON.parse(args[field]);
        } catch {
          /* leave as is; validation will complain */
        }
      }
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const token = bearer ?? str(args.token);
    delete args.token;
    const record: CallRecord = { method, args, token, status: 200, at: Date.now() };
    this.calls.push(record);
    const held = this.holds.get(method);
    if (held) await held.gate;

    const fault = this.pickFault(method, args.channel);
    if (fault && "status" in fault) {
      record.status = fault.status;
      if (fault.status === 429) {
        record.error = "ratelimited";
        return this.send(res, 429, { ok: false, error: "ratelimited" }, { "Retry-After": String(fault.retryAfter ?? 1) });
      }
      record.error = `http_${fault.status}`;
      res.writeHead(fault.status, { "content-type": "text/html" });
      res.end(`<html><body><h1>${fault.status} Server Error</h1></body></html>`);
      return;
    }

    let answer: Answer;
    if (fault) answer = fail(fault.error);
    else if (body === undefined) answer = fail("invalid_json");
    else if (!token) answer = fail("not_authed");
    else if (this.badTokens.has(token)) answer = fail("invalid_auth");
    else answer = this.handlers[method]?.(args, token) ?? fail("unknown_method");
    if (!answer.ok) record.error = answer.error;
    this.send(res, 200, answer);
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  }

  // ------------------------------------------------------------------ methods

  /** Stores a message a person wrote (not the app), as Slack would have it; returns it with its new ts. */
  seed(channel: string, m: { user: string; text: string; thread_ts?: string; team?: string }): Msg & { team?: string } {
    const msg: Msg & { team?: string } = {
      channel,
      ts: this.nextTs(),
      thread_ts: m.thread_ts,
      text: m.text,
      user: m.user,
      team: m.team,
      history: [],
    };
    this.byChannel.set(channel, [...this.messages(channel), msg]);
    return msg;
  }

  /** Like Slack's: the wall-clock time of the message, unique and increasing within the stand-in. */
  private nextTs(): string {
    this.tsMicros = Math.max(this.tsMicros + 100, Date.now() * 1000);
    const secs = Math.floor(this.tsMicros / 1_000_000);
    return `${secs}.${String(this.tsMicros % 1_000_000).padStart(6, "0")}`;
  }

  /** Channel checks shared by the chat.* and conversations.* methods. */
  private channelError(channel: string | undefined, needMember = true): Answer | undefined {
    // Like Slack: only chat.postMessage takes a user ID (and posts in the DM); the rest want a channel ID.
    if (!channel || this.missingChannels.has(channel) || isUserId(channel)) return fail("channel_not_found");
    if (needMember && this.notInChannel.has(channel)) return fail("not_in_channel");
    return undefined;
  }

  /** Validates message content; returns an error answer or undefined. */
  private contentError(a: Record<string, any>, requireContent: boolean): Answer | undefined {
    const text = typeof a.text === "string" ? a.text : "";
    const hasBlocks = Array.isArray(a.blocks) && a.blocks.length > 0;
    if (requireContent && !text && !hasBlocks && !(Array.isArray(a.attachments) && a.attachments.length)) return fail("no_text");
    if (a.blocks !== undefined) {
      if (!Array.isArray(a.blocks) || a.blocks.length > MAX_BLOCKS || hasLongText(a.blocks, MAX_BLOCK_TEXT)) return fail("invalid_blocks");
    }
    if (text.length > MAX_MESSAGE_TEXT) return fail("msg_too_long");
    return undefined;
  }

  /** The API shape of a stored message. */
  private render(m: Msg, withMetadata: boolean): Record<string, unknown> {
    const replies =
      m.thread_ts && m.thread_ts !== m.ts ? [] : this.messages(m.channel).filter((r) => r.thread_ts === m.ts && r.ts !== m.ts);
    return {
      type: "message",
      ts: m.ts,
      user: m.user,
      bot_id: m.bot_id,
      text: m.text,
      blocks: m.blocks,
      attachments: m.attachments,
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(replies.length ? { thread_ts: m.ts, reply_count: replies.length, latest_reply: replies[replies.length - 1].ts } : {}),
      ...(m.edited ? { edited: { user: m.user, ts: m.ts } } : {}),
      ...(withMetadata && m.metadata !== undefined ? { metadata: m.metadata } : {}),
    };
  }

  private find(channel: string, ts: string | undefined): Msg | undefined {
    return ts === undefined ? undefined : this.messages(channel).find((m) => m.ts === ts);
  }

  private postMessage(a: Record<string, any>): Answer {
    const to = str(a.channel);
    const channel = to && isUserId(to) ? this.dmOf(to) : to;
    const bad = this.channelError(channel) ?? this.contentError(a, true);
    if (bad || !channel) return bad ?? fail("channel_not_found");
    const customized = str(a.username) !== undefined || str(a.icon_url) !== undefined || str(a.icon_emoji) !== undefined;
    if (customized && this.missingScopes.has("chat:write.customize")) return fail("missing_scope");
    const msg: Msg = {
      channel,
      ts: this.nextTs(),
      ...(str(a.username) ? { username: str(a.username) } : {}),
      ...(str(a.icon_url) ? { icon_url: str(a.icon_url) } : {}),
      thread_ts: str(a.thread_ts),
      ...(truthy(a.reply_broadcast) && a.thread_ts ? { reply_broadcast: true } : {}),
      text: typeof a.text === "string" ? a.text : "",
      blocks: a.blocks,
      attachments: a.attachments,
      metadata: a.metadata,
      user: this.botUserId,
      bot_id: this.botId,
      history: [],
    };
    this.byChannel.set(channel, [...this.messages(channel), msg]);
    return { ok: true, channel, ts: msg.ts, message: this.render(msg, true) };
  }

  private update(a: Record<string, any>): Answer {
    const channel = str(a.channel);
    const bad = this.channelError(channel) ?? this.contentError(a, false);
    if (bad || !channel) return bad ?? fail("channel_not_found");
    const msg = this.find(channel, str(a.ts));
    if (!msg) return fail("message_not_found");
    msg.history.push({ text: msg.text, blocks: msg.blocks });
    if (typeof a.text === "string") msg.text = a.text;
    if (a.blocks !== undefined) msg.blocks = a.blocks.length ? a.blocks : undefined;
    if (a.attachments !== undefined) msg.attachments = a.attachments;
    if (a.metadata !== undefined) msg.metadata = a.metadata;
    msg.edited = (msg.edited ?? 0) + 1;
    return { ok: true, channel, ts: msg.ts, text: msg.text, message: this.render(msg, true) };
  }

  /** Deletes a message as a person in Slack would (no API call recorded). */
  deleteMessage(channel: string, ts: string): void {
    this.byChannel.set(
      channel,
      this.messages(channel).filter((m) => m.ts !== ts),
    );
  }

  private remove(a: Record<string, any>): Answer {
    const channel = str(a.channel);
    const bad = this.channelError(channel);
    if (bad || !channel) return bad ?? fail("channel_not_found");
    const msg = this.find(channel, str(a.ts));
    if (!msg) return fail("message_not_found");
    this.byChannel.set(
      channel,
      this.messages(channel).filter((m) => m !== msg),
    );
    this.deleted.push(msg);
    return { ok: true, channel, ts: msg.ts };
  }

  private postEphemeral(a: Record<string, any>): Answer {
    const channel = str(a.channel);
    const user = str(a.user);
    const bad = this.channelError(channel) ?? this.contentError(a, true);
    if (bad || !channel) return bad ?? fail("channel_not_found");
    if (!user) return fail("user_not_found");
    this.ephemerals.push({ channel, user, text: typeof a.text === "string" ? a.text : "", blocks: a.blocks });
    return { ok: true, message_ts: this.nextTs() };
  }

  private permalink(a: Record<string, any>): Answer {
    const channel = str(a.channel);
    const ts = str(a.message_ts);
    const bad = this.channelError(channel, false);
    if (bad || !channel) return bad ?? fail("channel_not_found");
    if (!this.find(channel, ts)) return fail("message_not_found");
    return { ok: true, channel, permalink: `https://example.slack.com/archives/${channel}/p${ts!.replace(".", "")}` };
  }

  private history(a: Record<string, any>): Answer {
    const channel = str(a.channel);
    const bad = this.channelError(channel);
    if (bad || !channel) return bad ?? fail("channel_not_found");
    const inclusive = truthy(a.inclusive);
    const latest = str(a.latest);
    const oldest = str(a.oldest);
    const limit = Number(a.limit) > 0 ? Number(a.limit) : 100;
    // Newest first, `limit` a page; the cursor is where the next page starts, as Slack pages history.
    const offset = typeof a.cursor === "string" && /^off:\d+$/.test(a.cursor) ? Number(a.cursor.slice(4)) : 0;
    const all = this.messages(channel)
      .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
      .filter((m) => !latest || (inclusive ? compareTs(m.ts, latest) <= 0 : compareTs(m.ts, latest) < 0))
      .filter((m) => !oldest || (inclusive ? compareTs(m.ts, oldest) >= 0 : compareTs(m.ts, oldest) > 0))
      .reverse();
    const messages = all.slice(offset, offset + limit).map((m) => this.render(m, truthy(a.include_all_metadata)));
    const more = offset + limit < all.length;
    return { ok: true, messages, has_more: more, ...(more ? { response_metadata: { next_cursor: `off:${offset + limit}` } } : {}) };
  }

  private replies(a: Record<string, any>): Answer {
    const channel = str(a.channel);
    const ts = str(a.ts);
    const bad = this.channelError(channel);
    if (bad || !channel) return bad ?? fail("channel_not_found");
    const parent = this.find(channel, ts);
    if (!parent) return fail("thread_not_found");
    const limit = Number(a.limit) > 0 ? Number(a.limit) : 1000;
    const thread = [parent, ...this.messages(channel).filter((m) => m.thread_ts === ts && m.ts !== ts)]
      .slice(0, limit)
      .map((m) => this.render(m, truthy(a.include_all_metadata)));
    return { ok: true, messages: thread, has_more: false };
  }

  private conversationInfo(a: Record<string, any>): Answer {
    const id = str(a.channel);
    const bad = this.channelError(id, false);
    if (bad || !id) return bad ?? fail("channel_not_found");
    return { ok: true, channel: { id, name: `c-${id}`, is_member: !this.notInChannel.has(id), is_ext_shared: this.extShared.has(id) } };
  }

  private openConversation(a: Record<string, any>): Answer {
    const users = (str(a.users) ?? "").split(",").filter(Boolean);
    if (users.length === 0) return fail(str(a.channel) ? "not_implemented" : "users_list_not_supplied");
    if (users.length > 1) return fail("not_implemented"); // group DMs: the app opens none
    if (!isUserId(users[0])) return fail("user_not_found");
    return { ok: true, channel: { id: this.dmOf(users[0]), is_im: true, user: users[0] } };
  }

  private userInfo(a: Record<string, any>): Answer {
    const id = str(a.user);
    if (!id) return fail("user_not_found");
    return { ok: true, user: this.users.get(id) ?? { id, name: id.toLowerCase(), real_name: `User ${id}`, team_id: this.teamId } };
  }

  /** Finds a user of `users` by profile.email (any case); users_not_found for anyone else. */
  private lookupByEmail(a: Record<string, any>): Answer {
    const email = str(a.email)?.toLowerCase();
    if (!email) return fail("invalid_arguments");
    const user = [...this.users.values()].find((u) => u.profile?.email?.toLowerCase() === email);
    return user ? { ok: true, user } : fail("users_not_found");
  }

  private fileInfo(a: Record<string, any>): Answer {
    const id = str(a.file);
    if (!id) return fail("invalid_arguments");
    const error = this.fileErrors.get(id);
    if (error) return fail(error);
    const file = this.files.get(id);
    return file ? { ok: true, file, comments: [], response_metadata: { next_cursor: "" } } : fail("file_not_found");
  }

  private uploadUrl(a: Record<string, any>): Answer {
    const filename = str(a.filename);
    const length = Number(a.length);
    if (!filename || !Number.isInteger(length) || length <= 0) return fail("invalid_arguments");
    const id = `F${String(++this.fileCounter).padStart(6, "0")}`;
    this.pendingUploads.set(id, { filename, length, alt_text: str(a.alt_text) });
    return { ok: true, file_id: id, upload_url: `${this.base()}/upload/${id}` };
  }

  private completeUpload(a: Record<string, any>): Answer {
    const files = a.files;
    if (!Array.isArray(files) || files.length === 0) return fail("invalid_arguments");
    const channel = str(a.channel_id);
    if (channel) {
      const error = this.channelError(channel);
      if (error) return error;
    }
    const thread = str(a.thread_ts);
    if (thread && !channel) return fail("invalid_arguments");
    const done: UploadRecord[] = [];
    for (const f of files as Array<{ id?: string; title?: string }>) {
      const pending = f.id ? this.pendingUploads.get(f.id) : undefined;
      // Like Slack: a file whose bytes never arrived (or not the length announced) cannot be completed.
      if (!f.id || !pending?.bytes || pending.bytes.length !== pending.length) return fail("file_not_found");
      done.push({
        id: f.id,
        filename: pending.filename,
        title: f.title,
        alt_text: pending.alt_text,
        bytes: pending.bytes,
        channel,
        thread_ts: thread,
        initial_comment: str(a.initial_comment),
      });
    }
    for (const d of done) this.pendingUploads.delete(d.id);
    this.uploads.push(...done);
    return { ok: true, files: done.map((d) => ({ id: d.id, title: d.title ?? d.filename })) };
  }

  private view(method: string, a: Record<string, any>): Answer {
    if (method === "views.open" && !str(a.trigger_id)) return fail("invalid_trigger_id");
    const view = a.view;
    if (view === null || typeof view !== "object" || Array.isArray(view)) return fail("invalid_arguments");
    if (Array.isArray(view.blocks) && view.blocks.length > MAX_VIEW_BLOCKS) return fail("invalid_arguments");
    // Slack refuses a private_metadata longer than 3,000 characters, and the modal does not open.
    if (typeof view.private_metadata === "string" && view.private_metadata.length > MAX_PRIVATE_METADATA) return fail("invalid_arguments");
    const id = (method === "views.update" && str(a.view_id)) || `V${++this.viewCounter}`;
    this.views.push({ method, id, view, args: a });
    return { ok: true, view: { id, ...view } };
  }
}

/** Reads the whole request body as text. */
async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The file's bytes from an upload POST: @slack/web-api sends multipart/form-data (the file is the part
 * with the data); any other body is taken as the bytes themselves.
 */
function uploadedBytes(body: Buffer, contentType: string | undefined): Buffer {
  const boundary = /multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1];
  if (!boundary) return body;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const headersEnd = body.indexOf("\r\n\r\n", at);
    const next = body.indexOf(delimiter, at + delimiter.length);
    if (headersEnd === -1 || next === -1) break;
    const headers = body.subarray(at, headersEnd).toString("latin1");
    // The part's data ends with the CRLF before the next delimiter.
    if (/content-disposition:[^\r\n]*name=/i.test(headers)) return body.subarray(headersEnd + 4, next - 2);
    at = next;
  }
  return Buffer.alloc(0);
}

/** Parses a JSON or form-encoded body into an object; undefined if the JSON is not an object. */
function parseBody(raw: string, contentType: string | undefined): Record<string, any> | undefined {
  if (!raw) return {};
  if ((contentType ?? "").includes("application/json")) {
    try {
      const parsed: unknown = JSON.parse(raw);
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, any>) : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * The server side of one WebSocket connection (RFC 6455), as much as Socket Mode needs: text frames
 * (fragmented or not), answering pings with pongs, and the close handshake. Client frames must be masked.
 */
class StandInSocket {
  /** False once a close frame was sent or received, or the TCP connection is gone. */
  open = true;
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly onText: (text: string) => void,
    onGone: () => void,
  ) {
    socket.on("data", (chunk: Buffer) => this.feed(chunk));
    socket.on("error", () => {});
    socket.on("close", () => {
      this.open = false;
      onGone();
    });
  }

  sendText(text: string): void {
    if (this.open) this.sendFrame(0x1, Buffer.from(text, "utf8"));
  }

  /** Sends a close frame and drops the connection shortly after. */
  terminate(code: number, reason: string): void {
    if (this.open) {
      this.open = false;
      this.sendFrame(0x8, closePayload(code, reason));
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 100);
  }

  feed(chunk: Buffer): void {
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const frame = readFrame(this.buffer);
      if (!frame) return;
      this.buffer = this.buffer.subarray(frame.size);
      if (!frame.masked) {
        this.terminate(1002, "client frames must be masked");
        return;
      }
      this.onFrame(frame.fin, frame.opcode, frame.payload);
    }
  }

  private onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case 0x0: // continuation
        this.fragments.push(payload);
        if (fin) this.deliver(this.fragmentOpcode, Buffer.concat(this.fragments));
        return;
      case 0x1:
      case 0x2:
        if (fin) this.deliver(opcode, payload);
        else {
          this.fragments = [payload];
          this.fragmentOpcode = opcode;
        }
        return;
      case 0x8: // close: answer with the same code, then end the TCP connection
        if (this.open) {
          this.open = false;
          this.sendFrame(0x8, payload.length >= 2 ? payload.subarray(0, 2) : Buffer.alloc(0));
        }
        this.socket.end();
        setTimeout(() => this.socket.destroy(), 1000).unref();
        return;
      case 0x9: // ping
        this.sendFrame(0xa, payload);
        return;
      default: // pong and anything else: nothing to do
        return;
    }
  }

  private deliver(opcode: number, payload: Buffer): void {
    this.fragments = [];
    if (opcode === 0x1 && this.open) this.onText(payload.toString("utf8"));
  }

  private sendFrame(opcode: number, payload: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const len = payload.length;
    const header = Buffer.alloc(len < 126 ? 2 : len < 65536 ? 4 : 10);
    header[0] = 0x80 | opcode;
    if (len < 126) header[1] = len;
    else if (len < 65536) {
      header[1] = 126;
      header.writeUInt16BE(len, 2);
    } else {
      header[1] = 127;
      header.writeBigUInt64BE(BigInt(len), 2);
    }
    this.socket.write(Buffer.concat([header, payload]));
  }
}

function closePayload(code: number, reason: string): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2, "utf8");
  return payload;
}

/** One complete frame at the start of `buf`, or undefined if more bytes are needed. */
function readFrame(buf: Buffer): { fin: boolean; opcode: number; masked: boolean; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const fin = (buf[0] & 0x80) !== 0;
  const opcode = buf[0] & 0x0f;
  const masked = (buf[1] & 0x80) !== 0;
  let len = buf[1] & 0x7f;
  let offset = 2;
  if (len === 126) {
    if (buf.length < 4) return undefined;
    len = buf.readUInt16BE(2);
    offset = 4;
  } else if (len === 127) {
    if (buf.length < 10) return undefined;
    len = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buf.length < offset + len) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + len));
  if (masked) for (let i = 0; i < len; i++) payload[i] ^= buf[maskOffset + (i % 4)];
  return { fin, opcode, masked, payload, size: offset + len };
}
