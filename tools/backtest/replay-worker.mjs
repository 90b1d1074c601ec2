// A replay worker thread's entry: TypeScript through tsx (registered here, once, whatever the parent
// was started with), then the worker itself (replay-worker.ts).
import { register } from "tsx/esm/api";

register();
await import("./replay-worker.ts");
