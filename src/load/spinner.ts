/**
 * A one-line progress spinner on stderr while a pod is being read. Only on a TTY: in a pipe, a
 * log or a test, stderr gets nothing from it, so captured output stays clean and deterministic.
 */
export interface Spinner {
  /** Replaces the text shown next to the spinner. */
  update(text: string): void;
  /** Erases the spinner line. Safe to call more than once. */
  stop(): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const NOOP: Spinner = { update() {}, stop() {} };

export function startSpinner(
  stream: (NodeJS.WritableStream & { isTTY?: boolean }) | undefined,
  text: string,
  intervalMs = 80,
): Spinner {
  if (!stream || !stream.isTTY) return NOOP;
  let frame = 0;
  let current = text;
  let stopped = false;
  const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current}`);
  draw();
  const timer = setInterval(draw, intervalMs);
  // never keep the process alive for the sake of an animation
  timer.unref();
  return {
    update(t) {
      current = t;
      if (!stopped) draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      stream.write('\r\x1b[2K');
    },
  };
}
