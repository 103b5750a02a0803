/**
 * Lines printed once, when the engine closes the provider process: the moment every resource of the
 * deployment has been checked (and, in an update, changed). The engine makes no call that marks the end
 * of a plan, but it closes each provider with an interrupt (SIGINT; CTRL_BREAK on Windows) and waits up to
 * 5 s for it to exit, reading what it prints. A user's Ctrl+C arrives the same way and also gets the
 * lines. Each note has CLOSE_WAIT_MS in all; then the signal is raised again, so the process ends as it
 * would have without us.
 */

/** What a note may take (the engine kills the process 5 s after the interrupt). */
export const CLOSE_WAIT_MS = 3_000;
const CLOSE_SIGNALS: NodeJS.Signals[] = process.platform === "win32" ? ["SIGINT", "SIGBREAK"] : ["SIGINT", "SIGTERM"];

/** A note: the lines to print at close (none to say nothing). */
export type ClosingNote = () => Promise<string[]>;

const notes = new Set<ClosingNote>();
let handler: ((signal: NodeJS.Signals) => void) | undefined;

/** Prints `note`'s lines when the process is closed (once; adding the same note again changes nothing). */
export function atClose(note: ClosingNote): void {
  notes.add(note);
  if (handler !== undefined) return;
  handler = (signal) => {
    disarm();
    const end = () => (process.platform === "win32" ? process.exit(130) : process.kill(process.pid, signal));
    void closingLines().then((lines) => (lines.length === 0 ? end() : process.stdout.write(`${lines.join("\n")}\n`, end)), end);
  };
  for (const signal of CLOSE_SIGNALS) process.on(signal, handler);
}

/** Forgets every note and stops listening (tests). */
export function resetClosingNotes(): void {
  notes.clear();
  disarm();
}

/** Every note's lines, in the order the notes were added; a note that fails or is late says nothing. */
export async function closingLines(): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string[]>((resolve) => {
    timer = setTimeout(() => resolve([]), CLOSE_WAIT_MS);
  });
  try {
    const each = await Promise.all([...notes].map((note) => Promise.race([note().catch(() => []), late])));
    return each.flat();
  } finally {
    clearTimeout(timer);
  }
}

function disarm(): void {
  if (handler === undefined) return;
  for (const signal of CLOSE_SIGNALS) process.removeListener(signal, handler);
  handler = undefined;
}
