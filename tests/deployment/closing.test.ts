/**
 * Lines printed when the engine closes the provider process (provider/deployment/closing.ts): on
 * its interrupt, every note's lines in order, then the process ends by that same signal.
 */
import { spawn } from "child_process";
import * as path from "path";
import { atClose, closingLines, resetClosingNotes } from "../../provider/deployment/closing";

const CLOSING_JS = path.resolve(__dirname, "../../dist/provider/deployment/closing.js");

afterEach(() => resetClosingNotes());

describe("closing notes", () => {
  it("gathers every note's lines in the order added; a failing note says nothing; a note added twice counts once", async () => {
    const burn = async () => ["hourly burn: …"];
    atClose(burn);
    atClose(async () => {
      throw new Error("lookup failed");
    });
    atClose(async () => ["warning: …"]);
    atClose(burn);
    expect(await closingLines()).toEqual(["hourly burn: …", "warning: …"]);
  });

  it("prints them when the process is interrupted, as the engine closes a provider, and then ends by that signal", async () => {
    // The built module (npm test builds first), in a process of its own that waits to be closed.
    const script = `require(${JSON.stringify(CLOSING_JS)}).atClose(async () => { await new Promise((r) => setTimeout(r, 50)); return ["first", "second"]; });
      console.log("ready"); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out === "ready\n") child.kill("SIGINT");
    });
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    expect(out).toBe("ready\nfirst\nsecond\n");
    expect({ code, signal }).toEqual({ code: null, signal: "SIGINT" });
  });
});
